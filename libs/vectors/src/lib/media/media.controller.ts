import { pipeline } from 'node:stream/promises';
import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Authorize, pageQuerySchema, ZodValidationPipe } from '@strata/governance';
import { DATA_CLASSIFICATIONS } from '../vectors.contract';
import { MediaCaptioner } from './media-captioner';
import { MediaIdPipe } from './media-id.pipe';
import { MEDIA_SUBJECT } from './media-permissions';
import { ALLOWED_MEDIA_TYPES, isImageType } from './media-type-sniffer';
import { InvalidUploadError } from './media.errors';
import { MediaService, type StoredMedia } from './media.service';
import { readMultipartUpload } from './multipart-upload';

const uploadFieldsSchema = z
  .object({
    classification: z.enum(DATA_CLASSIFICATIONS).optional(),
    /** Overrides the file part's own name. */
    filename: z.string().min(1).max(255).optional(),
  })
  .strict();

export const mediaListSchema = pageQuerySchema.extend({
  contentType: z.enum(ALLOWED_MEDIA_TYPES as [string, ...string[]]).optional(),
  classification: z.enum(DATA_CLASSIFICATIONS).optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  filename: z.string().min(1).max(255).optional(),
});

const contentQuerySchema = z.object({ disposition: z.enum(['attachment', 'inline']).default('attachment') });

export const captionSchema = z
  .object({
    model: z.string().min(1).max(200).optional(),
    collectionId: z.uuid().optional(),
  })
  .strict();

/** Types a browser may show inline from this origin: images and PDF, never HTML or other text. */
const INLINE_SAFE = (contentType: string) => isImageType(contentType) || contentType === 'application/pdf';

/** The media store over HTTP: multipart upload, list, metadata, streamed content, delete, captions. */
@ApiTags('vectors')
@Controller('vectors/media')
export class MediaController {
  private readonly logger = new Logger('MediaController');

  constructor(
    private readonly media: MediaService,
    private readonly captioner: MediaCaptioner,
  ) {}

  @Post()
  @Authorize('create', MEDIA_SUBJECT)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Upload a file (multipart field `file`, optional `classification`); 201 new record, 200 the same upload again' })
  async upload(@Req() request: Request, @Res() response: Response): Promise<void> {
    const upload = await readMultipartUpload(request, (content) => this.media.stage(content), this.media.maxBytes);
    let stored: StoredMedia;
    try {
      const parsed = uploadFieldsSchema.safeParse(upload.fields);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidUploadError(`Form field ${issue.path.join('.') || '(unknown)'}: ${issue.message}`, issue.path.join('.'));
      }
      stored = await this.media.commit(upload.staged, {
        filename: parsed.data.filename ?? upload.filename,
        declaredContentType: upload.declaredContentType,
        classification: parsed.data.classification,
      });
    } finally {
      await upload.staged.discard();
    }
    // 200 for the same upload again (nothing created), so a retry is recognisable.
    response.status(stored.created ? 201 : 200).json(stored);
  }

  @Get()
  @Authorize('read', MEDIA_SUBJECT)
  @ApiOperation({ summary: 'List media, newest first (filters: contentType, classification, sha256, filename)' })
  list(@Query(new ZodValidationPipe(mediaListSchema)) query: z.output<typeof mediaListSchema>) {
    return this.media.list(query);
  }

  @Get(':id')
  @Authorize('read', MEDIA_SUBJECT)
  get(@Param('id', MediaIdPipe) id: string) {
    return this.media.get(id);
  }

  @Get(':id/content')
  @Authorize('read', MEDIA_SUBJECT)
  @ApiOperation({ summary: 'The bytes (streamed; recorded in the data-access log). ETag: the SHA-256' })
  async content(
    @Param('id', MediaIdPipe) id: string,
    @Query(new ZodValidationPipe(contentQuerySchema)) query: z.output<typeof contentQuerySchema>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const etag = `"${(await this.media.get(id)).sha256}"`;
    if (request.headers['if-none-match'] === etag) {
      response.status(304).setHeader('ETag', etag).end();
      return;
    }
    const { record, content } = await this.media.openContent(id);
    const text = record.contentType.startsWith('text/');
    response.status(200);
    response.setHeader('Content-Type', text ? `${record.contentType}; charset=utf-8` : record.contentType);
    response.setHeader('Content-Length', String(record.sizeBytes));
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'private, no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // Stored files never run as part of this origin, even when opened directly.
    response.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    const disposition = query.disposition === 'inline' && INLINE_SAFE(record.contentType) ? 'inline' : 'attachment';
    response.setHeader('Content-Disposition', contentDisposition(disposition, record.filename));
    try {
      await pipeline(content, response);
    } catch (error) {
      // Headers are gone: the client sees a short body against Content-Length.
      this.logger.error(`Streaming media ${id} ended early: ${(error as Error).message}`);
    }
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', MEDIA_SUBJECT)
  async delete(@Param('id', MediaIdPipe) id: string): Promise<void> {
    await this.media.delete(id);
  }

  @Post(':id/caption')
  @HttpCode(200)
  @Authorize('update', MEDIA_SUBJECT)
  @ApiOperation({ summary: 'Describe an image with a vision-capable model; store the caption and optionally ingest it into a collection' })
  caption(@Param('id', MediaIdPipe) id: string, @Body(new ZodValidationPipe(captionSchema)) body: z.output<typeof captionSchema>) {
    return this.captioner.caption(id, body);
  }
}

/** RFC 6266: an ASCII fallback name and the exact UTF-8 name (RFC 8187). */
export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
