import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { AuthorizationService } from '@strata/governance';
import { parseInput, RequestContextStore, withSpan } from '@strata/kernel';
import { ModelGateway } from '@strata/model-gateway';
import { DataAccessLog } from '@strata/observability';
import { CollectionsService } from '../collections/collections.service';
import { COLLECTION_SUBJECT, DOCUMENT_SUBJECT } from '../collections/vectors-permissions';
import type { CollectionRecord, SearchHit, SearchRequest, SearchResponse, VectorSearchApi } from '../vectors.contract';
import { ChunkSearchRepository, type ChunkRow, type ChunkScope } from './chunk-search.repository';
import { isIndexed, METRIC_SQL } from './distance-metric-sql';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import { searchRequestSchema, SEARCH_LIMITS, type ParsedSearchRequest } from './search-request.schema';
import { DocumentPolicyTooBroadError, QueryVectorDimensionError, SearchDimensionMismatchError, SearchPurposeConflictError, SearchTimeoutError } from './search.errors';
import { VectorStrategyCache } from './vector-strategy.cache';
import { chooseVectorStrategy, efSearchFor, listDepth, VECTOR_PLAN_LIMITS, type VectorStrategy } from './vector-search-plan';

/** Data-access log resource types of a search: the collection searched and the chunks returned. */
export const SEARCH_RESOURCE_TYPES = { collection: COLLECTION_SUBJECT, chunk: 'VectorChunk' } as const;

/** Documents a conditional VectorDocument read policy may leave readable before the search refuses. */
export const READABLE_DOCUMENTS_MAX = 10_000;

export interface SearchOptions {
  /** Benchmarks and tests: force the vector list's strategy (sizes without an index are always exact). */
  vectorStrategy?: VectorStrategy | 'auto';
}

interface VectorList {
  rows: ChunkRow[];
  strategy: VectorStrategy;
}

/**
 * Vector, full-text and hybrid search over one collection (VectorSearchApi). Order of work: validate,
 * resolve the collection (read-authorized, readerRoles, 404 when unseen), the document read policy,
 * the query vector (the caller's, or the embedding through the gateway with the collection's alias,
 * before any database work: a model call must not hold the database) — then the lists and the
 * data-access records, so a search that cannot be logged returns nothing: in vector mode on an
 * indexed size, ONE autocommit statement (kNN + data-modifying CTE); otherwise one transaction with
 * a statement timeout.
 */
@Injectable()
export class VectorSearchService implements VectorSearchApi {
  private readonly strategies = new VectorStrategyCache();

  constructor(
    private readonly prisma: PrismaService,
    private readonly collections: CollectionsService,
    private readonly authorization: AuthorizationService,
    private readonly gateway: ModelGateway,
    private readonly chunks: ChunkSearchRepository,
    private readonly dataAccess: DataAccessLog,
  ) {}

  async search(raw: SearchRequest, options: SearchOptions = {}): Promise<SearchResponse> {
    const request = parseInput(searchRequestSchema, raw);
    const declared = RequestContextStore.require().purpose;
    if (request.purpose && declared && request.purpose !== declared) throw new SearchPurposeConflictError(request.purpose, declared);
    // An in-process caller (the context layer) may name the purpose: the whole search runs under it.
    const run = () => this.run(request, options);
    return request.purpose && !declared ? RequestContextStore.with({ purpose: request.purpose }, run) : run();
  }

  private async run(request: ParsedSearchRequest, options: SearchOptions): Promise<SearchResponse> {
    const started = performance.now();
    // A row looked up at most a few seconds ago (changes on this node apply at once); the access checks run now.
    const collection = await this.collections.getRecent(request.collection);
    return withSpan('vectors.search', { 'strata.vectors.collection_id': collection.id, 'strata.vectors.search_mode': request.mode, 'strata.vectors.top_k': request.topK }, async (span) => {
      const readableDocumentIds = await this.readableDocuments(collection.id);
      const scope: ChunkScope = { collectionId: collection.id, filter: request.filter, readableDocumentIds };
      const queryVector = request.mode === 'text' ? undefined : await this.queryVector(collection, request);
      const depth = listDepth(request.mode, request.topK);

      const { hits, strategy } =
        request.mode === 'vector' && queryVector && isIndexed(collection.dimensions) && !isZeroCosine(collection, queryVector)
          ? await this.vectorSearchInOneStatement(request, collection, scope, queryVector, options.vectorStrategy ?? 'auto')
          : await this.inTransaction(async (tx) => {
              const vector = queryVector ? await this.vectorList(tx, collection, scope, queryVector, depth, options.vectorStrategy ?? 'auto') : undefined;
              if (!vector) await this.chunks.configure(tx, SEARCH_LIMITS.statementTimeoutMs);
              const text = request.mode === 'vector' || request.query === undefined ? undefined : await this.chunks.textMatches(tx, scope, collection.textSearchConfig, request.query, depth);
              const hits = this.rank(request, collection, vector?.rows, text);
              // Both records in one insert, in the search's transaction: no record, no result.
              await this.dataAccess.recordMany(
                [
                  { resourceType: SEARCH_RESOURCE_TYPES.collection, resourceIds: [collection.id] },
                  { resourceType: SEARCH_RESOURCE_TYPES.chunk, resourceIds: hits.map((hit) => hit.chunkId) },
                ],
                tx,
              );
              return { hits, strategy: vector?.strategy };
            });

      span.setAttributes({ 'strata.vectors.result_count': hits.length, ...(strategy ? { 'strata.vectors.vector_strategy': strategy } : {}) });
      return { collectionId: collection.id, mode: request.mode, hits, tookMs: Math.round((performance.now() - started) * 100) / 100 };
    });
  }

  /**
   * Vector mode on an indexed size: the kNN statement and its data-access records in one statement
   * in autocommit (ChunkSearchRepository.nearestRecorded), the index settings applied inside it —
   * one round trip, plus the capped count only when this scope's strategy is not known from a
   * search of the last few seconds. Its work is bounded without a statement timeout: the index
   * scan by max_scan_tuples, the exact scan by the scope's counted size (≤ exactScanMaxRows).
   */
  private async vectorSearchInOneStatement(
    request: ParsedSearchRequest,
    collection: CollectionRecord,
    scope: ChunkScope,
    vector: number[],
    requested: VectorStrategy | 'auto',
  ): Promise<{ hits: SearchHit[]; strategy: VectorStrategy }> {
    const strategy = await this.strategyFor(this.prisma, collection, scope, requested);
    const index = strategy === 'index' ? { efSearch: efSearchFor(request.topK), maxScanTuples: VECTOR_PLAN_LIMITS.maxScanTuples } : undefined;
    const query = { metric: collection.metric, dimensions: collection.dimensions, vector, limit: request.topK, indexed: strategy === 'index' };
    const rows = await this.chunks.nearestRecorded(this.prisma, scope, query, index, (chunkIds) =>
      this.dataAccess.recordingSql([
        { resourceType: SEARCH_RESOURCE_TYPES.collection, resourceIds: [collection.id] },
        { resourceType: SEARCH_RESOURCE_TYPES.chunk, resourceIdsSql: chunkIds },
      ]),
    );
    return { hits: this.rank(request, collection, rows, undefined), strategy };
  }

  /** Index or exact scan for the scope: from VectorStrategyCache when decided a moment ago, else by a capped count (cached). */
  private async strategyFor(db: Prisma.TransactionClient, collection: CollectionRecord, scope: ChunkScope, requested: VectorStrategy | 'auto'): Promise<VectorStrategy> {
    if (requested !== 'auto') return chooseVectorStrategy(collection.dimensions, 0, requested);
    const cacheKey = VectorStrategyCache.keyOf(RequestContextStore.requireTenantId(), scope);
    const known = cacheKey ? this.strategies.get(cacheKey, performance.now()) : undefined;
    if (known) return known;
    const rowsInScope = await this.chunks.countInScope(db, scope, VECTOR_PLAN_LIMITS.exactScanMaxRows + 1);
    const strategy = chooseVectorStrategy(collection.dimensions, rowsInScope, requested);
    if (cacheKey) this.strategies.set(cacheKey, strategy, performance.now());
    return strategy;
  }

  /**
   * The query vector: the caller's own (`vector`, checked against the collection's size: a 400 when
   * it differs), or the query text's embedding through the gateway with the collection's alias.
   */
  private async queryVector(collection: CollectionRecord, request: ParsedSearchRequest): Promise<number[]> {
    if (request.vector) {
      if (request.vector.length !== collection.dimensions) throw new QueryVectorDimensionError(collection.id, collection.dimensions, request.vector.length);
      return request.vector;
    }
    return this.embedQuery(collection, request.query as string);
  }

  /** The query's embedding, checked against the collection's size (the alias may have been re-pointed since). */
  private async embedQuery(collection: CollectionRecord, query: string): Promise<number[]> {
    const { response } = await this.gateway.embed({ model: collection.embeddingAlias, input: [query] });
    const vector = response.embeddings[0] ?? [];
    if (vector.length !== collection.dimensions) throw new SearchDimensionMismatchError(collection.id, collection.embeddingAlias, collection.dimensions, vector.length);
    return vector;
  }

  private async vectorList(tx: Prisma.TransactionClient, collection: CollectionRecord, scope: ChunkScope, vector: number[], depth: number, requested: VectorStrategy | 'auto'): Promise<VectorList> {
    const index = { efSearch: efSearchFor(depth), maxScanTuples: VECTOR_PLAN_LIMITS.maxScanTuples };
    // A scope searched a moment ago keeps its strategy (VectorStrategyCache): no count then.
    const cacheKey = requested === 'auto' ? VectorStrategyCache.keyOf(RequestContextStore.requireTenantId(), scope) : undefined;
    const known = cacheKey ? this.strategies.get(cacheKey, performance.now()) : undefined;
    const count = requested === 'auto' && !known ? { scope, cap: VECTOR_PLAN_LIMITS.exactScanMaxRows + 1 } : undefined;
    const rowsInScope = await this.chunks.configure(tx, SEARCH_LIMITS.statementTimeoutMs, index, count);
    // A zero vector (a query without words for a lexical embedder) has no cosine direction: nothing is near it.
    if (isZeroCosine(collection, vector)) return { rows: [], strategy: 'exact' };
    const strategy = known ?? chooseVectorStrategy(collection.dimensions, rowsInScope ?? 0, requested);
    if (cacheKey && !known) this.strategies.set(cacheKey, strategy, performance.now());
    const rows = await this.chunks.nearest(tx, scope, { metric: collection.metric, dimensions: collection.dimensions, vector, limit: depth, indexed: strategy === 'index' });
    return { rows, strategy };
  }

  private rank(request: ParsedSearchRequest, collection: CollectionRecord, vector: ChunkRow[] | undefined, text: ChunkRow[] | undefined): SearchHit[] {
    const similarity = METRIC_SQL[collection.metric].similarity;
    const byId = new Map<string, ChunkRow>();
    const vectorScore = new Map<string, { score: number; rank: number }>();
    const textScore = new Map<string, { score: number; rank: number }>();
    vector?.forEach((row, index) => {
      byId.set(row.id, row);
      vectorScore.set(row.id, { score: similarity(Number(row.raw)), rank: index + 1 });
    });
    text?.forEach((row, index) => {
      byId.set(row.id, row);
      textScore.set(row.id, { score: Number(row.raw), rank: index + 1 });
    });
    const scored = (id: string, score: number): SearchHit => {
      const row = byId.get(id) as ChunkRow;
      const v = vectorScore.get(id);
      const t = textScore.get(id);
      return {
        chunkId: row.id,
        documentId: row.document_id,
        documentName: row.document_name,
        position: row.position,
        span: { start: row.span_start, end: row.span_end },
        heading: row.heading,
        text: row.text,
        score,
        scores: { ...(v ? { vector: v.score, vectorRank: v.rank } : {}), ...(t ? { text: t.score, textRank: t.rank } : {}) },
        metadata: row.metadata ?? {},
      };
    };
    if (request.mode === 'vector') return (vector ?? []).slice(0, request.topK).map((row) => scored(row.id, vectorScore.get(row.id)?.score ?? 0));
    if (request.mode === 'text') return (text ?? []).slice(0, request.topK).map((row) => scored(row.id, textScore.get(row.id)?.score ?? 0));
    const weights = request.weights ?? { vector: 1, text: 1 };
    const fused = reciprocalRankFusion(
      [
        { ids: (vector ?? []).map((row) => row.id), weight: weights.vector },
        { ids: (text ?? []).map((row) => row.id), weight: weights.text },
      ],
      request.rrfK,
    );
    return fused.slice(0, request.topK).map((entry) => scored(entry.id, entry.score));
  }

  /**
   * The caller's VectorDocument read rules. Unconditional (the built-in grants): every document of
   * a collection it may read. Conditional (a tenant policy): the readable documents' ids, applied
   * as a filter in SQL, so hits are never dropped after ranking.
   */
  private async readableDocuments(collectionId: string): Promise<string[] | undefined> {
    await this.authorization.gate('read', DOCUMENT_SUBJECT);
    const { ability } = await this.authorization.ability();
    const rules = ability.rulesFor('read', DOCUMENT_SUBJECT);
    if (rules.every((rule) => !rule.inverted && !rule.conditions)) return undefined;
    const where = await this.authorization.accessibleWhere('read', DOCUMENT_SUBJECT);
    const tenantId = RequestContextStore.requireTenantId();
    const documents = await this.prisma.vectorDocument.findMany({
      where: { AND: [where as Prisma.VectorDocumentWhereInput, { tenantId, collectionId }] },
      select: { id: true },
      take: READABLE_DOCUMENTS_MAX + 1,
    });
    if (documents.length > READABLE_DOCUMENTS_MAX) throw new DocumentPolicyTooBroadError(READABLE_DOCUMENTS_MAX);
    return documents.map((document) => document.id);
  }

  private async inTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const timeoutMs = SEARCH_LIMITS.statementTimeoutMs;
    try {
      return await this.prisma.$transaction(
        (tx) => work(tx),
        { maxWait: 10_000, timeout: timeoutMs + 5_000 },
      );
    } catch (error) {
      if (isStatementTimeout(error)) throw new SearchTimeoutError(timeoutMs);
      throw error;
    }
  }
}

/** A zero vector (a query without words for a lexical embedder) has no cosine direction: nothing is near it. */
function isZeroCosine(collection: CollectionRecord, vector: readonly number[]): boolean {
  return collection.metric === 'cosine' && vector.every((value) => value === 0);
}

function isStatementTimeout(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; meta?: { code?: unknown }; cause?: unknown };
    if (candidate.code === '57014' || candidate.meta?.code === '57014') return true;
    if (typeof candidate.message === 'string' && /canceling statement due to statement timeout/.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
