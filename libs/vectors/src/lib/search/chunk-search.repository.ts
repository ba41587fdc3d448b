import { Injectable } from '@nestjs/common';
import { Prisma, type PrismaService } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';
import type { DistanceMetric, SearchFilter } from '../vectors.contract';
import { distanceSql, indexPredicateSql } from './distance-metric-sql';

/** Where a search looks: one collection of the current tenant, narrowed by filters and the read policy. */
export interface ChunkScope {
  collectionId: string;
  filter?: SearchFilter;
  /** Documents the caller may read, when the read policy is conditional (undefined: all of the collection's). */
  readableDocumentIds?: readonly string[];
}

/** A chunk row as the list queries return it, with its document's name and the list's raw score. */
export interface ChunkRow {
  id: string;
  document_id: string;
  document_name: string;
  position: number;
  span_start: number;
  span_end: number;
  heading: string | null;
  text: string;
  metadata: Record<string, unknown> | null;
  /** Vector: the distance (smaller is closer). Text: ts_rank_cd (larger is better). */
  raw: number;
}

export interface NearestQuery {
  metric: DistanceMetric;
  dimensions: number;
  vector: readonly number[];
  limit: number;
  /** Through the HNSW index (approximate) or an exact scan of the scope's rows. */
  indexed: boolean;
}

export interface IndexScanSettings {
  efSearch: number;
  maxScanTuples: number;
}

const CHUNK_COLUMNS = Prisma.sql`c.id::text AS id, c.document_id::text AS document_id, d.name AS document_name, c.position, c.span_start, c.span_end, c.heading, c.text, c.metadata`;

/**
 * The only code that reads `vector_chunk` for search (raw SQL: Prisma cannot express pgvector
 * operators). Every statement is scoped to the request context's tenant and one collection, and
 * must run inside the caller's transaction (its SET LOCAL settings and statement timeout apply).
 */
@Injectable()
export class ChunkSearchRepository {
  /**
   * The transaction's settings (SET LOCAL: undone when it ends): the statement timeout and, for a
   * vector search, hnsw.ef_search and pgvector 0.8's iterative scan in relaxed order — when the
   * scope's filter drops most of what the graph walk finds, the scan goes on (up to
   * max_scan_tuples) instead of returning fewer than LIMIT rows; {@link nearest} re-sorts. They do
   * nothing to an exact scan. With `count`, the same round trip also counts the rows in scope (up
   * to `cap`), which decides between the index and an exact scan.
   */
  async configure(
    tx: Prisma.TransactionClient,
    statementTimeoutMs: number,
    index?: IndexScanSettings,
    count?: { scope: ChunkScope; cap: number },
  ): Promise<number | undefined> {
    const settings = [Prisma.sql`set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`];
    if (index) {
      settings.push(
        Prisma.sql`set_config('hnsw.ef_search', ${String(index.efSearch)}, true)`,
        Prisma.sql`set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
        Prisma.sql`set_config('hnsw.max_scan_tuples', ${String(index.maxScanTuples)}, true)`,
      );
    }
    // The settings apply from the next statement on (the count itself is bounded by its LIMIT).
    const counted = count
      ? // No dimensions condition: every chunk of a collection has its size, and without it an unfiltered count is an index-only scan of (tenant_id, collection_id).
        Prisma.sql`, (SELECT count(*)::int FROM (SELECT 1 FROM vector_chunk c WHERE ${this.scopeSql(count.scope)} LIMIT ${count.cap}) s) AS n`
      : Prisma.sql`, NULL::int AS n`;
    const [row] = await tx.$queryRaw<Array<{ n: number | null }>>(Prisma.sql`SELECT ${Prisma.join(settings, ', ')}${counted}`);
    return row?.n ?? undefined;
  }

  /** The `limit` chunks nearest to the query vector, nearest first. */
  async nearest(tx: Prisma.TransactionClient, scope: ChunkScope, query: NearestQuery): Promise<ChunkRow[]> {
    return tx.$queryRaw<ChunkRow[]>(this.nearestSql(scope, query));
  }

  /**
   * The nearest chunks and their data-access records in ONE statement, run in autocommit (no
   * transaction round trips): `record(ids)` gets the returned chunks' ids as a `text[]` expression
   * and gives back the INSERT that records the read (DataAccessLog.recordingSql), which runs as a
   * data-modifying CTE of the same statement: the rows are returned only if the records are
   * written. `index`: hnsw.ef_search, the relaxed iterative scan and max_scan_tuples, applied by
   * the statement itself before its index scan starts (see {@link indexSettingsGateSql}) and undone
   * when it ends. No statement timeout: callers use this only for plans whose work is bounded
   * (the index scan by max_scan_tuples, the exact scan by the counted size of the scope).
   */
  async nearestRecorded(db: PrismaService, scope: ChunkScope, query: NearestQuery, index: IndexScanSettings | undefined, record: (chunkIds: Prisma.Sql) => Prisma.Sql): Promise<ChunkRow[]> {
    // Autocommit, one statement: past the ORM's query path (about 0.7 ms of a search's fixed cost).
    return db.queryDirect<ChunkRow>(this.nearestSql(scope, query, index, record));
  }

  /**
   * The rows in scope, counted up to `cap` (an index-only scan of (tenant_id, collection_id) when
   * unfiltered); bounded by the cap, so it needs no transaction or timeout of its own.
   */
  async countInScope(db: Prisma.TransactionClient, scope: ChunkScope, cap: number): Promise<number> {
    const [row] = await db.$queryRaw<Array<{ n: number }>>(
      Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM vector_chunk c WHERE ${this.scopeSql(scope)} LIMIT ${cap}) s`,
    );
    return row?.n ?? 0;
  }

  /**
   * The statement {@link nearest} runs (`.text`, `.values`), or with `index` (and `record`) the one
   * {@link nearestRecorded} runs: the benchmark times them without the service around them.
   */
  nearestStatement(scope: ChunkScope, query: NearestQuery, index?: IndexScanSettings, record?: (chunkIds: Prisma.Sql) => Prisma.Sql): Prisma.Sql {
    return this.nearestSql(scope, query, index, record);
  }

  /** EXPLAIN of {@link nearest} (which index serves it): for tests and the benchmark. */
  async explainNearest(tx: Prisma.TransactionClient, scope: ChunkScope, query: NearestQuery): Promise<string> {
    const rows = await tx.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${this.nearestSql(scope, query)}`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  private nearestSql(scope: ChunkScope, query: NearestQuery, index?: IndexScanSettings, record?: (chunkIds: Prisma.Sql) => Prisma.Sql): Prisma.Sql {
    const distance = distanceSql('c', query.metric, query.dimensions, query.vector, query.indexed);
    const gate = index && query.indexed ? Prisma.sql` AND ${indexSettingsGateSql(index)}` : Prisma.empty;
    const logged = record ? Prisma.sql`, logged AS (${record(Prisma.sql`(SELECT array_agg(h.id::text ORDER BY h.raw, h.id) FROM nearest h)`)})` : Prisma.empty;
    // MATERIALIZED: the inner ORDER BY … LIMIT is what the HNSW index serves; the outer sort puts
    // relaxed_order's slightly out-of-order results back in order (pgvector's documented pattern).
    return Prisma.sql`
      WITH nearest AS MATERIALIZED (
        SELECT c.id, ${distance} AS raw
        FROM vector_chunk c
        WHERE ${this.scopeSql(scope)} AND ${indexPredicateSql('c', query.metric, query.dimensions)}${gate}
        ORDER BY ${distance}
        LIMIT ${query.limit}
      )${logged}
      SELECT ${CHUNK_COLUMNS}, n.raw::float8 AS raw
      FROM nearest n
      JOIN vector_chunk c ON c.id = n.id
      JOIN vector_document d ON d.id = c.document_id
      ORDER BY n.raw, c.id`;
  }

  /** The `limit` chunks that best match the query text (websearch syntax: words, "phrases", or, -not), best first. */
  async textMatches(tx: Prisma.TransactionClient, scope: ChunkScope, textSearchConfig: string, text: string, limit: number): Promise<ChunkRow[]> {
    return tx.$queryRaw<ChunkRow[]>`
      WITH matches AS MATERIALIZED (
        SELECT c.id, ts_rank_cd(c.search_vector, q.query) AS raw
        FROM vector_chunk c, websearch_to_tsquery(${textSearchConfig}::regconfig, ${text}) AS q(query)
        WHERE ${this.scopeSql(scope)} AND c.search_vector @@ q.query
        ORDER BY raw DESC, c.id
        LIMIT ${limit}
      )
      SELECT ${CHUNK_COLUMNS}, m.raw::float8 AS raw
      FROM matches m
      JOIN vector_chunk c ON c.id = m.id
      JOIN vector_document d ON d.id = c.document_id
      ORDER BY m.raw DESC, c.id`;
  }

  private scopeSql(scope: ChunkScope): Prisma.Sql {
    const tenantId = RequestContextStore.requireTenantId();
    const parts: Prisma.Sql[] = [Prisma.sql`c.tenant_id = ${tenantId}::uuid`, Prisma.sql`c.collection_id = ${scope.collectionId}::uuid`];
    if (scope.filter?.documentIds) parts.push(Prisma.sql`c.document_id = ANY(${[...scope.filter.documentIds]}::uuid[])`);
    if (scope.readableDocumentIds) parts.push(Prisma.sql`c.document_id = ANY(${[...scope.readableDocumentIds]}::uuid[])`);
    for (const [key, value] of Object.entries(scope.filter?.metadata ?? {})) {
      // Containment (`@>`) is equality on one key, served by the jsonb_path_ops GIN index; `in` is an OR of them.
      const values = Array.isArray(value) ? value : [value];
      const alternatives = values.map((item) => Prisma.sql`c.metadata @> ${JSON.stringify({ [key]: item })}::jsonb`);
      parts.push(Prisma.sql`(${Prisma.join(alternatives, ' OR ')})`);
    }
    return Prisma.join(parts, ' AND ');
  }
}

/**
 * The index settings as a condition of the kNN scan itself: an uncorrelated scalar subquery with no
 * column reference becomes an InitPlan checked as the scan's one-time filter (a Result node over the
 * index scan, `One-Time Filter: ($0 IS NOT NULL)` in EXPLAIN), which PostgreSQL evaluates before it
 * asks the scan for its first row, and pgvector reads hnsw.* when the scan returns its first row
 * (hnswgettuple), not when it is opened. `set_config(…, true)` is local to the statement's own
 * (implicit) transaction, so nothing leaks to the pooled connection. The int specs check that the
 * values apply (ef_search / max_scan_tuples 1 cut the results) and do not leak, on PGlite and the server.
 */
function indexSettingsGateSql(index: IndexScanSettings): Prisma.Sql {
  return Prisma.sql`(SELECT set_config('hnsw.ef_search', ${String(index.efSearch)}, true) || set_config('hnsw.iterative_scan', 'relaxed_order', true) || set_config('hnsw.max_scan_tuples', ${String(index.maxScanTuples)}, true)) IS NOT NULL`;
}
