import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { collectionListQuerySchema, createCollectionSchema, updateCollectionSchema } from './collections.schemas';
import { CollectionsService } from './collections.service';
import { CollectionIdPipe } from './collection-id.pipe';

@ApiTags('vectors')
@Controller('vectors/collections')
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Get()
  @Authorize('read', 'Collection')
  list(@Query(new ZodValidationPipe(collectionListQuerySchema)) query: z.output<typeof collectionListQuerySchema>) {
    return this.collections.list(query.limit, query.cursor, query.name);
  }

  @Get(':id')
  @Authorize('read', 'Collection')
  get(@Param('id', CollectionIdPipe) id: string) {
    return this.collections.get(id);
  }

  /** 400 `vectors.dimension_mismatch` when the alias's model answers with other dimensions (nothing written). */
  @Post()
  @Authorize('create', 'Collection')
  create(@Body(new ZodValidationPipe(createCollectionSchema)) input: z.output<typeof createCollectionSchema>) {
    return this.collections.create(input);
  }

  /** Needs `expectedVersion`; 409 on a stale version or when alias/dimensions change while documents exist. */
  @Patch(':id')
  @Authorize('update', 'Collection')
  update(@Param('id', CollectionIdPipe) id: string, @Body(new ZodValidationPipe(updateCollectionSchema)) input: z.output<typeof updateCollectionSchema>) {
    return this.collections.update(id, input);
  }

  /** Deletes the collection with all its documents and chunks. */
  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'Collection')
  async delete(@Param('id', CollectionIdPipe) id: string): Promise<void> {
    await this.collections.delete(id);
  }
}
