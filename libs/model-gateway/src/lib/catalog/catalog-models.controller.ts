import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { z } from 'zod';
import { IdParamPipe } from '../budgets/id-param.pipe';
import { createCatalogModelSchema, OPERATIONS, updateCatalogModelSchema } from './catalog.schemas';
import { CatalogModelsService } from './catalog-models.service';

const modelListQuerySchema = z.object({ providerId: z.uuid().optional(), operation: z.enum(OPERATIONS).optional() }).strict();

/** The tenant's catalog models (provider models with capabilities and prices). */
@ApiTags('model-gateway')
@Controller('model-gateway/models')
export class CatalogModelsController {
  constructor(private readonly models: CatalogModelsService) {}

  @Get()
  @Authorize('read', 'CatalogModel')
  async list(@Query(new ZodValidationPipe(modelListQuerySchema)) query: z.output<typeof modelListQuerySchema>) {
    return { items: await this.models.list(query) };
  }

  @Get(':id')
  @Authorize('read', 'CatalogModel')
  get(@Param('id', IdParamPipe) id: string) {
    return this.models.get(id);
  }

  @Post()
  @Authorize('create', 'CatalogModel')
  create(@Body(new ZodValidationPipe(createCatalogModelSchema)) input: z.output<typeof createCatalogModelSchema>) {
    return this.models.create(input);
  }

  @Patch(':id')
  @Authorize('update', 'CatalogModel')
  update(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateCatalogModelSchema)) input: z.output<typeof updateCatalogModelSchema>) {
    return this.models.update(id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'CatalogModel')
  async delete(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.models.delete(id);
  }
}
