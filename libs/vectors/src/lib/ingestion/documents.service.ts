import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { CLOCK, parseInput, RequestContextStore, type Clock } from '@strata/kernel';
import { CollectionsService } from '../collections/collections.service';
import type { CollectionRow } from '../collections/collections.repository';
import { CollectionNotFoundError } from '../collections/collections.errors';
import { DOCUMENT_SUBJECT } from '../collections/vectors-permissions';
import { MediaService } from '../media/media.service';
import type { DocumentIngestionApi, DocumentRecord, IngestTextInput } from '../vectors.contract';
import { documentSubject, toDocumentRecord } from './document-record';
import { documentMetadataSchema, documentNameSchema } from './documents.schemas';
import { DocumentsRepository, type DocumentRow } from './documents.repository';
import { FORMAT_BY_CONTENT_TYPE, type DocumentFormat } from './extraction/document-extractor';
import { IngestionJobsRepository } from './ingestion-jobs.repository';
import { INGESTION_LIMITS } from './ingestion-limits';
import { IngestionWorker } from './ingestion-worker';
import { DocumentNotFoundError, DocumentTooLargeError, ExtractionFailedError, IngestionInProgressError, UnsupportedDocumentTypeError } from './ingestion.errors';

export type QueuedDocument = DocumentRecord & { unchanged: boolean };

interface NewDocument {
  name: string;
  format: DocumentFormat;
  mediaId: string | null;
  sourceText: string | null;
  contentSha256: string;
  metadata: Record<string, unknown>;
}

/** Deleting a large document's chunks may take longer than Prisma's default 5 s. */
const DELETE_TIMEOUT_MS = 120_000;

/**
 * Documents of a collection: queued for ingestion (inline text or a media object), read with their
 * status and progress, re-ingested, deleted with their chunks. Ingestion itself runs in the
 * background (IngestionWorker); queuing the same content again in a collection is a no-op that
 * returns the existing document (`unchanged: true`), unless that one failed, which queues it anew.
 */
@Injectable()
export class DocumentsService implements DocumentIngestionApi {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly jobs: IngestionJobsRepository,
    private readonly collections: CollectionsService,
    private readonly media: MediaService,
    private readonly worker: IngestionWorker,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async ingestText(input: IngestTextInput): Promise<QueuedDocument> {
    const collection = await this.collections.readable(input.collectionId);
    if (!input.text.trim()) throw new ExtractionFailedError(input.format, 'the text is empty');
    if (input.text.length > INGESTION_LIMITS.textMaxChars) throw new DocumentTooLargeError('text length (characters)', INGESTION_LIMITS.textMaxChars);
    return this.enqueue(collection, {
      name: parseInput(documentNameSchema, input.name),
      format: input.format,
      mediaId: input.mediaId ?? null,
      sourceText: input.text,
      contentSha256: createHash('sha256').update(input.text, 'utf8').digest('hex'),
      metadata: parseInput(documentMetadataSchema, input.metadata ?? {}),
    });
  }

  async ingestMedia(input: { collectionId: string; mediaId: string; name?: string; metadata?: Record<string, unknown> }): Promise<QueuedDocument> {
    const collection = await this.collections.readable(input.collectionId);
    const media = await this.media.get(input.mediaId);
    const contentType = media.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const format = FORMAT_BY_CONTENT_TYPE[contentType];
    if (!format) {
      const hint = contentType.startsWith('image/') ? 'Describe the image (POST /vectors/media/:id/caption with a collectionId) to make it searchable.' : undefined;
      throw new UnsupportedDocumentTypeError(media.contentType, Object.keys(FORMAT_BY_CONTENT_TYPE), hint);
    }
    if (media.sizeBytes > INGESTION_LIMITS.sourceMaxBytes) throw new DocumentTooLargeError('media size (bytes)', INGESTION_LIMITS.sourceMaxBytes);
    if (media.sizeBytes === 0) throw new ExtractionFailedError(format, 'the media object is empty');
    return this.enqueue(collection, {
      name: parseInput(documentNameSchema, input.name ?? media.filename),
      format,
      mediaId: media.id,
      sourceText: null,
      contentSha256: media.sha256,
      metadata: parseInput(documentMetadataSchema, input.metadata ?? {}),
    });
  }

  async get(id: string): Promise<DocumentRecord> {
    return toDocumentRecord(await this.readable(id));
  }

  async list(collectionId: string, limit: number, cursor?: string, status?: string): Promise<Page<DocumentRecord>> {
    const collection = await this.collections.readable(collectionId);
    const access = (await this.authorization.accessibleWhere('read', DOCUMENT_SUBJECT)) as Prisma.VectorDocumentWhereInput;
    const rows = await this.documents.list(collection.id, access, limit, cursor, status);
    return pageOf(rows.map(toDocumentRecord), limit);
  }

  /** Deletes the document and, in the same transaction, its chunks and jobs. */
  async delete(id: string): Promise<void> {
    const existing = await this.readable(id);
    await this.authorization.authorize('delete', DOCUMENT_SUBJECT, documentSubject(existing));
    await this.mutations.run(
      'vectors.document.delete',
      async (tx) => {
        await this.documents.delete(id, tx);
        await this.audit.append(
          {
            action: 'vectors.document.delete',
            outcome: 'success',
            target: { type: DOCUMENT_SUBJECT, id },
            details: { collectionId: existing.collectionId, name: existing.name, chunks: existing.chunksTotal },
          },
          tx,
        );
      },
      { timeoutMs: DELETE_TIMEOUT_MS },
    );
  }

  /** Queues the document again (after a failure, or to apply the collection's new chunking); its current chunks stay searchable until the new ones replace them. */
  async reingest(id: string): Promise<DocumentRecord> {
    const existing = await this.readable(id);
    await this.authorization.authorize('update', DOCUMENT_SUBJECT, documentSubject(existing), { fields: ['status'] });
    // A media document whose media object is gone cannot be read again: say so now (404), not in the worker.
    if (existing.mediaId && (await this.documents.sourceText(id)) === null) await this.media.get(existing.mediaId);
    const row = await this.mutations.run('vectors.document.reingest', async (tx) => {
      if (await this.jobs.active(id, tx)) throw new IngestionInProgressError(id);
      const updated = await this.requeue(id, tx);
      await this.audit.append({ action: 'vectors.document.reingest', outcome: 'success', target: { type: DOCUMENT_SUBJECT, id }, details: { collectionId: existing.collectionId } }, tx);
      return updated;
    });
    this.worker.wake();
    return toDocumentRecord(row);
  }

  private async readable(id: string): Promise<DocumentRow> {
    const row = await this.documents.find(id);
    if (!row) throw new DocumentNotFoundError(id);
    // Not visible when its collection is not (readerRoles): 404, as for an unknown id.
    try {
      await this.collections.readable(row.collectionId);
    } catch (error) {
      throw error instanceof CollectionNotFoundError ? new DocumentNotFoundError(id) : error;
    }
    await this.authorization.authorize('read', DOCUMENT_SUBJECT, documentSubject(row));
    return row;
  }

  private async enqueue(collection: CollectionRow, input: NewDocument): Promise<QueuedDocument> {
    const actor = RequestContextStore.require().actor;
    await this.authorization.authorize(
      'create',
      DOCUMENT_SUBJECT,
      { collectionId: collection.id, name: input.name, format: input.format, status: 'queued', createdById: actor?.id },
      { fields: ['name', 'format', 'metadata'] },
    );
    const existing = await this.documents.findByContent(collection.id, input.contentSha256);
    if (existing && existing.status !== 'failed') return { ...toDocumentRecord(existing), unchanged: true };
    let row: DocumentRow;
    try {
      row = await this.mutations.run('vectors.document.ingest', async (tx) => {
        const created = existing
          ? await this.requeue(existing.id, tx)
          : await this.documents.create(
              {
                collectionId: collection.id,
                name: input.name,
                format: input.format,
                mediaId: input.mediaId,
                sourceText: input.sourceText,
                contentSha256: input.contentSha256,
                status: 'queued',
                metadata: input.metadata as Prisma.InputJsonValue,
                createdByType: actor?.type ?? 'system',
                createdById: actor?.id ?? 'unknown',
              },
              tx,
            );
        if (!existing) await this.jobs.enqueue(created.id, tx);
        await this.audit.append(
          {
            action: 'vectors.document.ingest',
            outcome: 'success',
            target: { type: DOCUMENT_SUBJECT, id: created.id },
            details: { collectionId: collection.id, name: input.name, format: input.format, mediaId: input.mediaId, contentSha256: input.contentSha256, retryOfFailed: Boolean(existing) },
          },
          tx,
        );
        return created;
      });
    } catch (error) {
      // The same content queued concurrently: the other request's document is the answer.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const winner = await this.documents.findByContent(collection.id, input.contentSha256);
        if (winner) return { ...toDocumentRecord(winner), unchanged: true };
      }
      throw error;
    }
    this.worker.wake();
    return { ...toDocumentRecord(row), unchanged: false };
  }

  /** Back to `queued` with a new job; progress and error cleared. */
  private async requeue(id: string, tx: Prisma.TransactionClient): Promise<DocumentRow> {
    const row = await this.documents.update(id, { status: 'queued', chunksEmbedded: 0, errorCode: null, errorMessage: null, updatedAt: this.clock.now() }, tx);
    await this.jobs.enqueue(id, tx);
    return row;
  }
}
