import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '@strata/db';
import { AuditLog } from '@strata/governance';
import { CLOCK, isDomainError, newId, RequestContextStore, withSpan, type Actor, type Clock } from '@strata/kernel';
import { ModelGateway } from '@strata/model-gateway';
import { CollectionsRepository, type CollectionRow } from '../collections/collections.repository';
import { DimensionMismatchError } from '../collections/collections.errors';
import { DOCUMENT_SUBJECT, INGESTION_WORKER_ROLE } from '../collections/vectors-permissions';
import { MediaService } from '../media/media.service';
import { VECTORS_CONFIG, type VectorsConfig } from '../vectors-config';
import { ChunkStore } from './chunk-store';
import { chunkDocument, type TextChunk } from './chunker';
import { DocumentsRepository, type DocumentRow } from './documents.repository';
import { extractDocument, type DocumentFormat, type DocumentSource } from './extraction/document-extractor';
import { IngestionJobsRepository, type ClaimedJob } from './ingestion-jobs.repository';
import { INGESTION_LIMITS } from './ingestion-limits';
import { ingestionOptionsFromConfig, retryDelayMs, type IngestionOptions } from './ingestion-options';
import { DocumentTooLargeError, NoTextError } from './ingestion.errors';
import { VectorsError } from '../vectors.errors';

/** The system actor ingestion runs as: it may read the media objects documents were queued from. */
export const INGESTION_ACTOR: Actor = { type: 'system', id: 'vector-ingestion', roles: [INGESTION_WORKER_ROLE] };
/** The purpose the worker's reads are logged with (media content reads are data accesses). */
export const INGESTION_PURPOSE = 'vector-ingestion';

/** Failures that may pass on their own: retried with backoff. Anything else fails the document at once. */
const TRANSIENT_KINDS = new Set(['unavailable', 'resource_exhausted', 'bad_gateway', 'internal']);
const FINAL_WRITE = { maxWait: 30_000, timeout: 120_000 } as const;

/** The worker was asked to stop mid-job: the job goes back to the queue for the next worker. */
class WorkerStopping extends Error {}
/** Another worker holds the job now (our lease expired), or the document was deleted: drop it quietly. */
class LeaseLost extends Error {}

/**
 * Ingests queued documents in the background, inside the API process: claims a job (lease, FOR
 * UPDATE SKIP LOCKED), extracts the text, chunks it, embeds the chunks through the gateway in
 * batches (progress and lease renewed after each), then replaces the document's chunks in one
 * transaction — so a document is searchable all at once or not at all. Failures that may pass
 * (provider down, rate limited) retry with backoff; others fail the document with its error.
 * One job at a time per process; several processes share the queue. Runs as the system actor of
 * the job's tenant.
 */
@Injectable()
export class IngestionWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestionWorker');
  private readonly options: IngestionOptions;
  private readonly owner = `${hostname()}:${process.pid}:${newId().slice(-12)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: IngestionJobsRepository,
    private readonly documents: DocumentsRepository,
    private readonly collections: CollectionsRepository,
    private readonly chunkStore: ChunkStore,
    private readonly media: MediaService,
    private readonly gateway: ModelGateway,
    private readonly audit: AuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(VECTORS_CONFIG) config: VectorsConfig,
  ) {
    this.options = ingestionOptionsFromConfig(config);
  }

  onApplicationBootstrap(): void {
    if (this.options.pollMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.options.pollMs);
    // Polling must never keep a process alive that is otherwise done.
    this.timer.unref();
    this.tick();
  }

  /** Stops polling; a job in progress is handed back to the queue at its next batch. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** A job was queued in this process: start now rather than at the next poll (when polling is on). */
  wake(): void {
    if (this.timer) setImmediate(() => this.tick());
  }

  /** Processes due jobs until none is left; returns how many. Tests and benchmarks call it directly. */
  async drain(): Promise<number> {
    let done = 0;
    while (!this.stopping) {
      const job = await this.jobs.claim(this.owner, this.options.leaseMs);
      if (!job) break;
      await this.process(job);
      done++;
    }
    return done;
  }

  private tick(): void {
    if (this.running) {
      this.again = true; // a job queued during a drain is picked up by that drain's last claim or the next one
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'ingestion worker failed; the next poll retries'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopping) {
          this.again = false;
          this.tick();
        }
      });
  }

  private process(job: ClaimedJob): Promise<void> {
    return RequestContextStore.run({ requestId: newId(), tenantId: job.tenantId, actor: INGESTION_ACTOR, purpose: INGESTION_PURPOSE }, () =>
      withSpan('vectors.document.ingest', { 'strata.document.id': job.documentId, 'strata.job.attempt': job.attempts }, async () => {
        try {
          await this.ingest(job);
        } catch (error) {
          await this.failed(job, error);
        }
      }),
    );
  }

  private async ingest(job: ClaimedJob): Promise<void> {
    const document = await this.documents.find(job.documentId);
    const collection = document && (await this.collections.find(document.collectionId));
    if (!document || !collection) return; // deleted meanwhile: its job went with it
    if (job.attempts > this.options.maxAttempts) {
      throw new VectorsError('vectors.ingestion_abandoned', 'failed_precondition', `Ingestion stopped ${job.attempts - 1} times without finishing (worker crashed or timed out).`);
    }
    await this.documents.setProgress(document.id, { status: 'extracting', chunksEmbedded: 0, updatedAt: this.clock.now() });
    const format = document.format as DocumentFormat;
    const extracted = await extractDocument(format, await this.source(document));
    const chunks = chunkDocument(extracted, { strategy: collection.chunkStrategy as 'fixed' | 'heading_aware', maxTokens: collection.chunkMaxTokens, overlapTokens: collection.chunkOverlapTokens });
    if (!chunks.length) throw new NoTextError(format);
    if (chunks.length > INGESTION_LIMITS.chunksMax) throw new DocumentTooLargeError('chunk count', INGESTION_LIMITS.chunksMax, 'invalid_argument');
    await this.renewLease(job);
    await this.documents.setProgress(document.id, { status: 'embedding', chunksTotal: chunks.length, chunksEmbedded: 0, updatedAt: this.clock.now() });
    const embeddings = await this.embed(job, document, collection, chunks);
    const written = await this.prisma.$transaction(async (tx) => {
      if (!(await this.jobs.lockHeld(job.id, this.owner, tx))) return false;
      await this.chunkStore.replace(
        {
          collectionId: collection.id,
          documentId: document.id,
          dimensions: collection.dimensions,
          metric: collection.metric,
          textSearchConfig: collection.textSearchConfig,
          metadata: (document.metadata ?? {}) as Record<string, unknown>,
        },
        chunks,
        embeddings,
        tx,
      );
      await this.documents.setProgress(
        document.id,
        { status: 'ready', chunksTotal: chunks.length, chunksEmbedded: chunks.length, errorCode: null, errorMessage: null, updatedAt: this.clock.now() },
        tx,
      );
      await this.jobs.finish(job.id, 'done', null, tx);
      await this.audit.append(
        {
          action: 'vectors.document.ingest.complete',
          outcome: 'success',
          target: { type: DOCUMENT_SUBJECT, id: document.id },
          details: { collectionId: collection.id, format, chunks: chunks.length, characters: extracted.text.length, attempt: job.attempts },
        },
        tx,
      );
      return true;
    }, FINAL_WRITE);
    if (!written) throw new LeaseLost();
  }

  /** Embeds the chunks in batches; the heading path goes with the text, which places a chunk in its document. */
  private async embed(job: ClaimedJob, document: DocumentRow, collection: CollectionRow, chunks: TextChunk[]): Promise<number[][]> {
    const embeddings: number[][] = [];
    for (let from = 0; from < chunks.length; from += this.options.embedBatch) {
      if (this.stopping) throw new WorkerStopping();
      const batch = chunks.slice(from, from + this.options.embedBatch);
      const { response } = await this.gateway.embed({ model: collection.embeddingAlias, input: batch.map((chunk) => (chunk.heading ? `${chunk.heading}\n\n${chunk.text}` : chunk.text)) });
      if (response.embeddings.length !== batch.length) {
        throw new VectorsError('vectors.embedding_count_mismatch', 'bad_gateway', `The model returned ${response.embeddings.length} embeddings for ${batch.length} inputs.`);
      }
      for (const vector of response.embeddings) {
        if (vector.length !== collection.dimensions) throw new DimensionMismatchError(collection.embeddingAlias, collection.dimensions, vector.length);
        if (!vector.every(Number.isFinite)) throw new VectorsError('vectors.invalid_embedding', 'invalid_argument', 'The model returned an embedding with a value that is not a finite number.');
        embeddings.push(vector);
      }
      await this.renewLease(job);
      await this.documents.setProgress(document.id, { chunksEmbedded: embeddings.length, updatedAt: this.clock.now() });
    }
    return embeddings;
  }

  private async renewLease(job: ClaimedJob): Promise<void> {
    if (!(await this.jobs.heartbeat(job.id, this.owner, this.options.leaseMs))) throw new LeaseLost();
  }

  private async source(document: DocumentRow): Promise<DocumentSource> {
    const text = await this.documents.sourceText(document.id);
    if (text !== null || !document.mediaId) return { kind: 'text', text: text ?? '' };
    const { content } = await this.media.openContent(document.mediaId);
    return { kind: 'bytes', bytes: await readAll(content, INGESTION_LIMITS.sourceMaxBytes) };
  }

  private async failed(job: ClaimedJob, error: unknown): Promise<void> {
    if (error instanceof LeaseLost) {
      this.logger.warn({ jobId: job.id, documentId: job.documentId }, 'ingestion lease lost (taken over or document deleted); dropping this attempt');
      return;
    }
    const stopping = error instanceof WorkerStopping;
    const transient = stopping || !isDomainError(error) || TRANSIENT_KINDS.has(error.kind);
    const { code, message } = describeError(error);
    if (!isDomainError(error) && !stopping) this.logger.error({ err: error, jobId: job.id, documentId: job.documentId }, 'ingestion failed unexpectedly');
    try {
      await this.prisma.$transaction(async (tx) => {
        if (!(await this.jobs.lockHeld(job.id, this.owner, tx))) return;
        if (stopping) {
          await this.jobs.requeue(job.id, 0, null, tx, true);
          await this.documents.setProgress(job.documentId, { status: 'queued', chunksEmbedded: 0, updatedAt: this.clock.now() }, tx);
        } else if (transient && job.attempts < this.options.maxAttempts) {
          const delay = Math.max(retryDelayMs(job.attempts, this.options), retryAfterOf(error));
          await this.jobs.requeue(job.id, delay, `${code}: ${message}`, tx);
          await this.documents.setProgress(job.documentId, { status: 'queued', chunksEmbedded: 0, errorCode: code, errorMessage: `${message} (retrying, attempt ${job.attempts} of ${this.options.maxAttempts})`, updatedAt: this.clock.now() }, tx);
        } else {
          // A failed document has no chunks: none of a previous ingestion either, so status and search agree.
          await this.chunkStore.deleteFor(job.documentId, tx);
          await this.documents.setProgress(job.documentId, { status: 'failed', errorCode: code, errorMessage: message, updatedAt: this.clock.now() }, tx);
          await this.jobs.finish(job.id, 'failed', `${code}: ${message}`, tx);
          await this.audit.append({ action: 'vectors.document.ingest.complete', outcome: 'failure', target: { type: DOCUMENT_SUBJECT, id: job.documentId }, details: { code, message, attempt: job.attempts } }, tx);
        }
      });
    } catch (recordError) {
      // The lease runs out and another worker (or the next poll) takes the job again.
      this.logger.error({ err: recordError, jobId: job.id }, 'could not record the ingestion failure');
    }
  }
}

function describeError(error: unknown): { code: string; message: string } {
  if (isDomainError(error)) return { code: error.code, message: error.message };
  return { code: 'vectors.ingestion_failed', message: 'Ingestion failed with an internal error; it is retried (details in the server log).' };
}

function retryAfterOf(error: unknown): number {
  const details = isDomainError(error) ? (error.details as Record<string, unknown> | undefined) : undefined;
  const value = details?.['retryAfterMs'];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

async function readAll(content: Readable, maxBytes: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of content as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) {
      content.destroy();
      throw new DocumentTooLargeError('media size (bytes)', maxBytes, 'invalid_argument');
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}
