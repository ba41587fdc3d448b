import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { MediaObjectModel as MediaObject, Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { newId, RequestContextStore } from '@strata/kernel';
import { DataAccessLog } from '@strata/observability';
import type { DataClassification, MediaStoreApi, PutMediaInput } from '../vectors.contract';
import { BLOB_STORE, blobKey, type BlobStore } from './blob-store';
import { MEDIA_OPTIONS, MEDIA_LIMITS, type MediaOptions } from './media-options';
import { toMediaRecord } from './media-record';
import { stageMedia, sweepStaging, type StagedMedia } from './media-staging';
import { sniffMediaType } from './media-type-sniffer';
import { ImageTooLargeForCaptionError, MediaContentMissingError, MediaNotFoundError } from './media.errors';
import { MEDIA_SUBJECT } from './media-permissions';
import { MediaRepository, type MediaListFilter } from './media.repository';

export type MediaView = ReturnType<typeof toMediaRecord>;

/** What `commit` returns: `deduplicated` when the bytes were already stored, `created` when a new record was made. */
export type StoredMedia = MediaView & { deduplicated: boolean; created: boolean };

export interface MediaMetadataInput {
  filename: string;
  declaredContentType?: string;
  classification?: DataClassification;
}

/** Blob writes inside a transaction (rare: a blob deleted concurrently) may upload a large file to S3. */
const UPLOAD_TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * The media store: uploads are staged to a temporary file while hashed and measured, sniffed,
 * authorized, then stored content-addressed (`<tenant>/<sha256>`) in the blob store and recorded.
 * Identical bytes are stored once per tenant: a retry by the same principal with the same name and
 * classification returns the existing record; anyone else, or another name or classification, gets
 * a new record sharing the blob. A blob is removed with the last record referring to it.
 */
@Injectable()
export class MediaService implements MediaStoreApi, OnApplicationBootstrap {
  private readonly logger = new Logger('MediaService');

  constructor(
    private readonly media: MediaRepository,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(MEDIA_OPTIONS) private readonly options: MediaOptions,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    private readonly dataAccess: DataAccessLog,
  ) {}

  /** Staged files of uploads a stopped process left behind (anything older than an hour) go at start. */
  async onApplicationBootstrap(): Promise<void> {
    const removed = await sweepStaging(this.options.localDir, 60 * 60 * 1000).catch(() => 0);
    if (removed) this.logger.warn(`Removed ${removed} staged upload(s) left by an earlier process.`);
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Streams bytes to a temporary file (413 past the limit, 400 when empty); `commit` or `discard` it. */
  stage(content: Readable): Promise<StagedMedia> {
    return stageMedia(content, { dir: this.options.localDir, maxBytes: this.options.maxBytes });
  }

  async put(input: PutMediaInput): Promise<StoredMedia> {
    const staged = await this.stage(input.content);
    try {
      return await this.commit(staged, input);
    } finally {
      await staged.discard();
    }
  }

  /** Sniffs, authorizes and stores a staged upload. The caller discards the staged file afterwards. */
  async commit(staged: StagedMedia, input: MediaMetadataInput): Promise<StoredMedia> {
    const filename = cleanFilename(input.filename);
    const contentType = await sniffMediaType(staged.head, { filename, declaredContentType: input.declaredContentType });
    const classification = input.classification ?? 'internal';
    await this.authorization.authorize('create', MEDIA_SUBJECT, { filename, contentType, classification, sizeBytes: staged.sizeBytes, sha256: staged.sha256 });
    const actor = RequestContextStore.require().actor;
    const createdByType = actor?.type ?? 'system';
    const createdById = actor?.id ?? 'system';
    const key = blobKey(RequestContextStore.requireTenantId(), staged.sha256);

    // The bytes go up before the transaction (an S3 upload can take a while, and the embedded
    // database has one connection); bytes the tenant already has are not sent again.
    const alreadyStored = (await this.media.countBySha(staged.sha256)) > 0 && (await this.blobs.exists(key));
    if (!alreadyStored) await this.blobs.put(key, staged.path, contentType);
    try {
      return await this.mutations.run(
        'vectors.media.upload',
        async (tx) => {
          await this.media.lockBlob(staged.sha256, tx);
          const references = await this.media.countBySha(staged.sha256, tx);
          // A deletion of the last record may have removed the blob between the upload and this lock.
          if (!(await this.blobs.exists(key))) await this.blobs.put(key, staged.path, contentType);
          const same = await this.media.findSameUpload({ sha256: staged.sha256, filename, classification, createdByType, createdById }, tx);
          if (same) return { ...toMediaRecord(same), deduplicated: true, created: false };
          const row = await this.media.insert(
            {
              id: newId(),
              sha256: staged.sha256,
              sizeBytes: BigInt(staged.sizeBytes),
              contentType,
              filename,
              classification,
              storage: this.blobs.kind,
              createdByType,
              createdById,
            },
            tx,
          );
          await this.audit.append(
            {
              action: 'vectors.media.upload',
              outcome: 'success',
              target: { type: MEDIA_SUBJECT, id: row.id },
              details: { filename, contentType, sizeBytes: staged.sizeBytes, sha256: staged.sha256, classification, deduplicated: references > 0 },
            },
            tx,
          );
          return { ...toMediaRecord(row), deduplicated: references > 0, created: true };
        },
        { timeoutMs: UPLOAD_TRANSACTION_TIMEOUT_MS },
      );
    } catch (error) {
      // Nothing half-written: bytes this upload stored that no record refers to are removed again.
      if (!alreadyStored) await this.removeIfUnreferenced(staged.sha256).catch(() => undefined);
      throw error;
    }
  }

  async get(id: string): Promise<MediaView> {
    return toMediaRecord(await this.readable(id));
  }

  async list(filter: MediaListFilter): Promise<Page<MediaView>> {
    const where = (await this.authorization.accessibleWhere('read', MEDIA_SUBJECT)) as Prisma.MediaObjectWhereInput;
    const rows = await this.media.list(filter, where);
    return pageOf(rows.map(toMediaRecord), filter.limit);
  }

  /**
   * The bytes, streamed from the blob store. Every call is a data access: recorded in the
   * data-access log (actor, purpose, request) before the first byte is returned.
   */
  async openContent(id: string): Promise<{ record: MediaView; content: Readable }> {
    const row = await this.readable(id);
    const record = toMediaRecord(row);
    const content = await this.blobs.open(blobKey(row.tenantId, row.sha256));
    if (!content) throw new MediaContentMissingError(id);
    try {
      await this.dataAccess.record({ resourceType: MEDIA_SUBJECT, resourceIds: [id] });
    } catch (error) {
      content.destroy();
      throw error;
    }
    return { record, content };
  }

  /** Reads a whole (small) object into memory: for captioning, bounded by `maxBytes`. */
  async readContent(id: string, maxBytes: number = MEDIA_LIMITS.captionImageBytes): Promise<{ record: MediaView; bytes: Buffer }> {
    const { record, content } = await this.openContent(id);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        content.destroy();
        throw new ImageTooLargeForCaptionError(record.sizeBytes, maxBytes);
      }
      chunks.push(chunk);
    }
    return { record, bytes: Buffer.concat(chunks) };
  }

  async delete(id: string): Promise<void> {
    const row = await this.readable(id);
    await this.authorization.authorize('delete', MEDIA_SUBJECT, { ...toMediaRecord(row), createdById: row.createdById });
    await this.mutations.run('vectors.media.delete', async (tx) => {
      await this.media.lockBlob(row.sha256, tx);
      await this.media.delete(id, tx);
      const remaining = await this.media.countBySha(row.sha256, tx);
      // Under the blob's lock, so no upload of the same bytes interleaves.
      if (remaining === 0) await this.blobs.delete(blobKey(row.tenantId, row.sha256));
      await this.audit.append(
        {
          action: 'vectors.media.delete',
          outcome: 'success',
          target: { type: MEDIA_SUBJECT, id },
          details: { filename: row.filename, sha256: row.sha256, blobRemoved: remaining === 0 },
        },
        tx,
      );
    });
  }

  /** Throws 403 unless the caller may change this record (captioning is an update). */
  async authorizeUpdate(row: MediaObject, fields?: string[]): Promise<void> {
    await this.authorization.authorize('update', MEDIA_SUBJECT, { ...toMediaRecord(row), createdById: row.createdById }, { fields });
  }

  /** Stores a caption; the caller authorized the update first ({@link authorizeUpdate}). */
  saveCaption(id: string, caption: { text: string; model: string; at: Date }): Promise<MediaView> {
    return this.mutations.run('vectors.media.caption', async (tx) => {
      const updated = await this.media.setCaption(id, caption, tx);
      await this.audit.append(
        { action: 'vectors.media.caption', outcome: 'success', target: { type: MEDIA_SUBJECT, id }, details: { model: caption.model, captionLength: caption.text.length } },
        tx,
      );
      return toMediaRecord(updated);
    });
  }

  /** The row if it exists in the tenant and the caller may read it; 404 otherwise (never telling the two apart). */
  async readable(id: string): Promise<MediaObject> {
    const where = (await this.authorization.accessibleWhere('read', MEDIA_SUBJECT)) as Prisma.MediaObjectWhereInput;
    const row = await this.media.find(id, where);
    if (!row) throw new MediaNotFoundError(id);
    return row;
  }

  private async removeIfUnreferenced(sha256: string): Promise<void> {
    await this.mutations.run('vectors.media.cleanup', async (tx) => {
      await this.media.lockBlob(sha256, tx);
      if ((await this.media.countBySha(sha256, tx)) === 0) await this.blobs.delete(blobKey(RequestContextStore.requireTenantId(), sha256));
    });
  }
}

/** The last path segment, without control characters, at most 255 characters; never empty. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MEDIA_LIMITS.filenameLength);
  return cleaned || 'upload';
}
