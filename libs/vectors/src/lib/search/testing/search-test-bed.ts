import { tmpdir } from 'node:os';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, PrismaService, type DatabaseRuntime } from '@strata/db';
import { auditOptionsFromConfig, GovernanceModule } from '@strata/governance';
import { CLOCK, loadConfig, newId, SystemClock } from '@strata/kernel';
import { ModelGatewayModule } from '@strata/model-gateway';
import { ObservabilityModule } from '@strata/observability';
import type { DistanceMetric } from '../../vectors.contract';
import { COLLECTION_PROVIDERS } from '../../collections/collections.providers';
import { SEARCH_PROVIDERS } from '../search.providers';
// Shared with every layer's tests (@strata/testing); re-exported under the names these specs use.
export { testUser as user, runAs as as, failureOf as failure } from '@strata/testing';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class TestClockModule {}

/** Collections and search only: the search suites do not depend on media or ingestion. */
@Module({ providers: [...COLLECTION_PROVIDERS, ...SEARCH_PROVIDERS], exports: [...SEARCH_PROVIDERS] })
class SearchOnlyModule {}

/** The part of `@strata/testing`'s TestDatabase the bed uses (specs create it: only they may import that library). */
export interface BedDatabase {
  runtime: DatabaseRuntime;
  kind: 'pglite' | 'server';
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The vectors layer with governance, observability and the model gateway on a test database, as the API composes them. */
export interface SearchTestBed {
  db: BedDatabase;
  moduleRef: TestingModule;
  prisma: PrismaService;
  close(): Promise<void>;
}

export async function startSearchTestBed(db: BedDatabase): Promise<SearchTestBed> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    STRATA_DATA_DIR: path.join(tmpdir(), 'strata-vectors-search-tests'),
    STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
    STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      TestClockModule,
      DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }),
      ObservabilityModule.forRoot(config),
      GovernanceModule.forRoot({ audit: auditOptionsFromConfig(config), approvals: { sweepIntervalMs: 600_000 } }),
      ModelGatewayModule.forRoot(config),
      SearchOnlyModule,
    ],
  }).compile();
  await moduleRef.init();
  return {
    db,
    moduleRef,
    prisma: moduleRef.get(PrismaService),
    async close() {
      await moduleRef.close();
      await db.close();
    },
  };
}

export async function seedTenant(db: BedDatabase, tenantId: string): Promise<void> {
  await db.query(`INSERT INTO tenant (id, slug, name) VALUES ($1, $2, 'Search tests')`, [tenantId, `t-${tenantId.slice(-12)}`]);
}

export interface SeedCollection {
  tenantId: string;
  name: string;
  dimensions?: number;
  metric?: DistanceMetric;
  embeddingAlias?: string;
  readerRoles?: string[];
  classification?: string;
}

/** A collection row written directly (search tests do not depend on the collections API). */
export async function seedCollection(db: BedDatabase, input: SeedCollection): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO vector_collection (id, tenant_id, name, embedding_alias, dimensions, metric, chunk_strategy, chunk_max_tokens, chunk_overlap_tokens, classification, reader_roles, created_by_type, created_by_id)
     VALUES ($1, $2, $3, $4, $5, $6, 'fixed', 256, 32, $7, $8, 'system', 'seed')`,
    [id, input.tenantId, input.name, input.embeddingAlias ?? 'embedding-default', input.dimensions ?? 384, input.metric ?? 'cosine', input.classification ?? 'internal', input.readerRoles ?? []],
  );
  return id;
}

export async function seedDocument(db: BedDatabase, tenantId: string, collectionId: string, name: string, metadata: Record<string, unknown> = {}): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO vector_document (id, tenant_id, collection_id, name, format, source_text, content_sha256, status, metadata, created_by_type, created_by_id)
     VALUES ($1, $2, $3, $4, 'text', '', $5, 'ready', $6::jsonb, 'system', 'seed')`,
    [id, tenantId, collectionId, name, id.replace(/-/g, ''), JSON.stringify(metadata)],
  );
  return id;
}

export interface SeedChunk {
  text: string;
  embedding: ArrayLike<number>;
  heading?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Chunks of one document written directly, in batches (as ingestion writes them: search_vector from
 * heading and text with the collection's text search configuration). Returns their ids in order.
 */
export async function seedChunks(
  db: BedDatabase,
  target: { tenantId: string; collectionId: string; documentId: string; metric?: DistanceMetric },
  chunks: readonly SeedChunk[],
  batchSize = 500,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < chunks.length; start += batchSize) {
    const batch = chunks.slice(start, start + batchSize);
    const batchIds = batch.map(() => newId());
    ids.push(...batchIds);
    await db.query(
      `INSERT INTO vector_chunk (id, tenant_id, collection_id, document_id, position, span_start, span_end, heading, text, token_count, metadata, dimensions, metric, embedding, search_vector)
       SELECT u.id, $1, $2, $3, u.position, 0, length(u.text), u.heading, u.text, 1, u.metadata::jsonb, u.dimensions, $4, u.embedding::vector,
              to_tsvector('simple', coalesce(u.heading, '') || ' ' || u.text)
       FROM unnest($5::uuid[], $6::int[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[]) AS u(id, position, heading, text, metadata, dimensions, embedding)`,
      [
        target.tenantId,
        target.collectionId,
        target.documentId,
        target.metric ?? 'cosine',
        batchIds,
        batch.map((_, index) => start + index),
        batch.map((chunk) => chunk.heading ?? null),
        batch.map((chunk) => chunk.text),
        batch.map((chunk) => JSON.stringify(chunk.metadata ?? {})),
        batch.map((chunk) => chunk.embedding.length),
        batch.map((chunk) => `[${Array.from(chunk.embedding).join(',')}]`),
      ],
    );
  }
  return ids;
}
