import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { Response } from 'express';
import type { z } from 'zod';
import { CollectionIdPipe } from '../collections/collection-id.pipe';
import { DocumentIdPipe } from './document-id.pipe';
import { createDocumentSchema, documentListQuerySchema } from './documents.schemas';
import { DocumentsService } from './documents.service';

@ApiTags('vectors')
@Controller('vectors')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  /** 202 with the queued document; 200 with `unchanged: true` when the same content is already in the collection. */
  @Post('collections/:id/documents')
  @ApiOperation({ summary: 'Queue a document (a media object, or inline text) for ingestion into the collection' })
  @Authorize('create', 'VectorDocument')
  async create(
    @Param('id', CollectionIdPipe) collectionId: string,
    @Body(new ZodValidationPipe(createDocumentSchema)) input: z.output<typeof createDocumentSchema>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document =
      'mediaId' in input
        ? await this.documents.ingestMedia({ collectionId, mediaId: input.mediaId, name: input.name, metadata: input.metadata })
        : await this.documents.ingestText({ collectionId, name: input.name, format: input.format, text: input.text, metadata: input.metadata });
    response.status(document.unchanged ? 200 : 202);
    return document;
  }

  @Get('collections/:id/documents')
  @Authorize('read', 'VectorDocument')
  list(@Param('id', CollectionIdPipe) collectionId: string, @Query(new ZodValidationPipe(documentListQuerySchema)) query: z.output<typeof documentListQuerySchema>) {
    return this.documents.list(collectionId, query.limit, query.cursor, query.status);
  }

  /** Status, progress (chunks embedded of total) and the error of a failed ingestion. */
  @Get('documents/:id')
  @Authorize('read', 'VectorDocument')
  get(@Param('id', DocumentIdPipe) id: string) {
    return this.documents.get(id);
  }

  @Post('documents/:id/reingest')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue the document again (e.g. after a failure or a change of the collection’s chunking)' })
  @Authorize('update', 'VectorDocument')
  reingest(@Param('id', DocumentIdPipe) id: string) {
    return this.documents.reingest(id);
  }

  /** Deletes the document and its chunks in one transaction. */
  @Delete('documents/:id')
  @HttpCode(204)
  @Authorize('delete', 'VectorDocument')
  async delete(@Param('id', DocumentIdPipe) id: string): Promise<void> {
    await this.documents.delete(id);
  }
}
