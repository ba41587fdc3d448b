import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { z } from 'zod';
import { IdParamPipe } from '../budgets/id-param.pipe';
import { AliasesService } from './aliases.service';
import { createAliasSchema, OPERATIONS, updateAliasSchema } from './catalog.schemas';

const aliasListQuerySchema = z.object({ operation: z.enum(OPERATIONS).optional() }).strict();

/** Aliases: the routing policies callers name instead of a model. */
@ApiTags('model-gateway')
@Controller('model-gateway/aliases')
export class AliasesController {
  constructor(private readonly aliases: AliasesService) {}

  @Get()
  @Authorize('read', 'ModelAlias')
  async list(@Query(new ZodValidationPipe(aliasListQuerySchema)) query: z.output<typeof aliasListQuerySchema>) {
    return { items: await this.aliases.list(query) };
  }

  @Get(':id')
  @Authorize('read', 'ModelAlias')
  get(@Param('id', IdParamPipe) id: string) {
    return this.aliases.get(id);
  }

  @Post()
  @Authorize('create', 'ModelAlias')
  create(@Body(new ZodValidationPipe(createAliasSchema)) input: z.output<typeof createAliasSchema>) {
    return this.aliases.create(input);
  }

  @Patch(':id')
  @Authorize('update', 'ModelAlias')
  update(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateAliasSchema)) input: z.output<typeof updateAliasSchema>) {
    return this.aliases.update(id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'ModelAlias')
  async delete(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.aliases.delete(id);
  }
}
