import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { CLOCK, isUuid, RequestContextStore, type Clock } from '@strata/kernel';
import type { CollectionRecord } from '../vectors.contract';
import { CollectionLookupCache } from './collection-lookup.cache';
import { collectionSubject, toCollectionRecord } from './collection-record';
import { mayReadCollection, readerRolesWhere } from './collection-readers';
import {
  CollectionHasDocumentsError,
  CollectionNameTakenError,
  CollectionNotFoundError,
  CollectionVersionConflictError,
  UnknownTextSearchConfigError,
} from './collections.errors';
import { CollectionsRepository, type CollectionRow } from './collections.repository';
import type { CreateCollectionInput, UpdateCollectionInput } from './collections.schemas';
import { EmbeddingProbe } from './embedding-probe';
import { COLLECTION_SUBJECT } from './vectors-permissions';

/** Deleting a collection deletes all its chunks in the same transaction: allow more than Prisma's 5 s. */
const DELETE_TIMEOUT_MS = 120_000;

/**
 * Collections: CRUD with authorization, audit and optimistic concurrency. The embedding alias and
 * dimensions are checked against the model (a probe embedding) before anything is written, and
 * are fixed while the collection holds documents.
 */
@Injectable()
export class CollectionsService {
  /** Rows for {@link getRecent} (see CollectionLookupCache for the staleness bound). */
  private readonly lookups = new CollectionLookupCache();

  constructor(
    private readonly collections: CollectionsRepository,
    private readonly probe: EmbeddingProbe,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(limit: number, cursor?: string, name?: string): Promise<Page<CollectionRecord>> {
    const access = (await this.authorization.accessibleWhere('read', COLLECTION_SUBJECT)) as Prisma.VectorCollectionWhereInput;
    const where: Prisma.VectorCollectionWhereInput = { AND: [access, readerRolesWhere(roles()), name ? { name } : {}] };
    const rows = await this.collections.list(where, limit, cursor);
    return pageOf(rows.map(toCollectionRecord), limit);
  }

  /**
   * A collection by id or name that the caller may read (CASL rules and `readerRoles`); one it may
   * not see is reported as not found. Search and ingestion resolve their collection with this.
   */
  async get(idOrName: string): Promise<CollectionRecord> {
    return toCollectionRecord(await this.readable(idOrName));
  }

  /**
   * As {@link get}, from a row looked up at most CollectionLookupCache.TTL_MS ago (changes on this
   * node apply at once): for the read-only hot path (search). The access checks run on every call.
   */
  async getRecent(idOrName: string): Promise<CollectionRecord> {
    const tenantId = RequestContextStore.requireTenantId();
    const row = await this.lookups.lookup(tenantId, idOrName, performance.now(), () => this.find(idOrName));
    return toCollectionRecord(await this.checkReadable(idOrName, row));
  }

  /** As {@link get}, the row itself (for this layer's services). */
  async readable(idOrName: string): Promise<CollectionRow> {
    return this.checkReadable(idOrName, await this.find(idOrName));
  }

  private find(idOrName: string): Promise<CollectionRow | null> {
    return isUuid(idOrName) ? this.collections.find(idOrName) : this.collections.findByName(idOrName);
  }

  private async checkReadable(idOrName: string, row: CollectionRow | null): Promise<CollectionRow> {
    if (!row || !mayReadCollection(row.readerRoles, roles())) throw new CollectionNotFoundError(idOrName);
    await this.authorization.authorize('read', COLLECTION_SUBJECT, collectionSubject(row));
    return row;
  }

  async create(input: CreateCollectionInput): Promise<CollectionRecord> {
    const actor = RequestContextStore.require().actor;
    const data = {
      name: input.name,
      description: input.description,
      embeddingAlias: input.embeddingAlias,
      dimensions: input.dimensions,
      metric: input.metric,
      chunkStrategy: input.chunking.strategy,
      chunkMaxTokens: input.chunking.maxTokens,
      chunkOverlapTokens: input.chunking.overlapTokens,
      textSearchConfig: input.textSearchConfig,
      classification: input.classification,
      readerRoles: input.readerRoles,
      createdByType: actor?.type ?? 'system',
      createdById: actor?.id ?? 'unknown',
    };
    await this.authorization.authorize('create', COLLECTION_SUBJECT, data, { fields: Object.keys(input) });
    if (await this.collections.findByName(input.name)) throw new CollectionNameTakenError(input.name);
    if (!(await this.collections.textSearchConfigExists(input.textSearchConfig))) throw new UnknownTextSearchConfigError(input.textSearchConfig);
    // Before anything is written: the alias must answer with the declared dimensions.
    await this.probe.expectDimensions(input.embeddingAlias, input.dimensions);
    try {
      const row = await this.mutations.run('vectors.collection.create', async (tx) => {
        const created = await this.collections.create(data, tx);
        await this.audit.append({ action: 'vectors.collection.create', outcome: 'success', target: { type: COLLECTION_SUBJECT, id: created.id }, details: describe(created) }, tx);
        return created;
      });
      this.lookups.invalidate(RequestContextStore.requireTenantId());
      return toCollectionRecord(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CollectionNameTakenError(input.name);
      throw error;
    }
  }

  async update(id: string, input: UpdateCollectionInput): Promise<CollectionRecord> {
    const existing = await this.readable(id);
    const { expectedVersion, chunking, ...rest } = input;
    const data: Prisma.VectorCollectionUncheckedUpdateInput = {};
    const changed: string[] = [];
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) continue;
      (data as Record<string, unknown>)[key] = value;
      changed.push(key);
    }
    if (chunking) {
      Object.assign(data, { chunkStrategy: chunking.strategy, chunkMaxTokens: chunking.maxTokens, chunkOverlapTokens: chunking.overlapTokens });
      changed.push('chunking');
    }
    await this.authorization.authorize('update', COLLECTION_SUBJECT, collectionSubject(existing), { fields: changed });
    if (existing.version !== expectedVersion) throw new CollectionVersionConflictError(id, expectedVersion, existing.version);
    if (input.name !== undefined && input.name !== existing.name && (await this.collections.findByName(input.name))) throw new CollectionNameTakenError(input.name);
    if (input.textSearchConfig !== undefined && !(await this.collections.textSearchConfigExists(input.textSearchConfig))) {
      throw new UnknownTextSearchConfigError(input.textSearchConfig);
    }
    const modelFields = (['embeddingAlias', 'dimensions'] as const).filter((key) => input[key] !== undefined && input[key] !== existing[key]);
    if (modelFields.length) {
      const documents = await this.collections.documentCount(id);
      if (documents > 0) throw new CollectionHasDocumentsError(modelFields, documents);
      await this.probe.expectDimensions(input.embeddingAlias ?? existing.embeddingAlias, input.dimensions ?? existing.dimensions);
    }
    try {
      const row = await this.mutations.run(
        'vectors.collection.update',
        async (tx) => {
          const locked = await this.collections.lock(id, tx);
          if (!locked) throw new CollectionNotFoundError(id);
          if (locked.version !== expectedVersion) throw new CollectionVersionConflictError(id, expectedVersion, locked.version);
          if (modelFields.length) {
            // A document queued since the check above was embedded with the old model: refuse.
            const documents = await this.collections.documentCount(id, tx);
            if (documents > 0) throw new CollectionHasDocumentsError(modelFields, documents);
          }
          const updated = await this.collections.update(id, { ...data, version: locked.version + 1, updatedAt: this.clock.now() }, tx);
          await this.collections.restampChunks(
            id,
            {
              metric: input.metric !== undefined && input.metric !== locked.metric ? input.metric : undefined,
              textSearchConfig: input.textSearchConfig !== undefined && input.textSearchConfig !== locked.textSearchConfig ? input.textSearchConfig : undefined,
            },
            tx,
          );
          await this.audit.append(
            {
              action: 'vectors.collection.update',
              outcome: 'success',
              target: { type: COLLECTION_SUBJECT, id },
              details: { changed, version: updated.version, before: describe(locked), after: describe(updated) },
            },
            tx,
          );
          return updated;
        },
        { timeoutMs: DELETE_TIMEOUT_MS },
      );
      this.lookups.invalidate(RequestContextStore.requireTenantId());
      return toCollectionRecord(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CollectionNameTakenError(input.name ?? existing.name);
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    const existing = await this.readable(id);
    await this.authorization.authorize('delete', COLLECTION_SUBJECT, collectionSubject(existing));
    await this.mutations.run(
      'vectors.collection.delete',
      async (tx) => {
        const documents = await this.collections.documentCount(id, tx);
        await this.collections.delete(id, tx);
        await this.audit.append(
          { action: 'vectors.collection.delete', outcome: 'success', target: { type: COLLECTION_SUBJECT, id }, details: { ...describe(existing), documents } },
          tx,
        );
      },
      { timeoutMs: DELETE_TIMEOUT_MS },
    );
    this.lookups.invalidate(RequestContextStore.requireTenantId());
  }
}

function roles(): readonly string[] {
  return RequestContextStore.require().actor?.roles ?? [];
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** The audited shape of a collection. */
function describe(row: CollectionRow): Record<string, unknown> {
  return {
    name: row.name,
    embeddingAlias: row.embeddingAlias,
    dimensions: row.dimensions,
    metric: row.metric,
    chunking: { strategy: row.chunkStrategy, maxTokens: row.chunkMaxTokens, overlapTokens: row.chunkOverlapTokens },
    textSearchConfig: row.textSearchConfig,
    classification: row.classification,
    readerRoles: row.readerRoles,
  };
}
