import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { IdParamPipe } from '../budgets/id-param.pipe';
import { CredentialRotation } from '../credentials/credential-rotation.service';
import type { ProviderCredentials } from '../providers/model-provider';
import { createProviderSchema, replaceCredentialsSchema, updateProviderSchema } from './catalog.schemas';
import { ProvidersService } from './providers.service';

/** Model provider endpoints and their write-only credentials. */
@ApiTags('model-gateway')
@Controller('model-gateway/providers')
export class ProvidersController {
  constructor(
    private readonly providers: ProvidersService,
    private readonly rotation: CredentialRotation,
  ) {}

  @Get()
  @Authorize('read', 'ModelProvider')
  async list() {
    return { items: await this.providers.list() };
  }

  @Get(':id')
  @Authorize('read', 'ModelProvider')
  get(@Param('id', IdParamPipe) id: string) {
    return this.providers.get(id);
  }

  @Post()
  @Authorize('create', 'ModelProvider')
  create(@Body(new ZodValidationPipe(createProviderSchema)) input: z.output<typeof createProviderSchema>) {
    return this.providers.create(input);
  }

  @Patch(':id')
  @Authorize('update', 'ModelProvider')
  update(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateProviderSchema)) input: z.output<typeof updateProviderSchema>) {
    return this.providers.update(id, input);
  }

  /** Replaces the credential; the answer never contains it. */
  @Put(':id/credentials')
  @Authorize('update', 'ModelProvider')
  replaceCredentials(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(replaceCredentialsSchema)) input: z.output<typeof replaceCredentialsSchema>) {
    return this.providers.replaceCredentials(id, input as ProviderCredentials);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'ModelProvider')
  async delete(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.providers.delete(id);
  }

  /** Re-wraps this tenant's credentials under the active key of STRATA_MODEL_KEYS (also done for all tenants at each start). */
  @Post('rotate-credentials')
  @HttpCode(200)
  @Authorize('update', 'ModelProvider')
  rotate() {
    return this.rotation.rotateForCaller();
  }
}
