import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '@strata/db';
import { createTestDatabase } from '@strata/testing';
import { newId } from '@strata/kernel';
import { HashingEmbeddingModel } from '@strata/model-gateway';
import type { SearchRequest } from '../vectors.contract';
import { ChunkSearchRepository } from './chunk-search.repository';
import { VectorSearchService } from './vector-search.service';
import { exactNearest, recallWithTies, seededRandom } from './testing/vector-test-data';
import { as, seedChunks, seedCollection, seedDocument, seedTenant, startSearchTestBed, user, type SearchTestBed } from './testing/search-test-bed';

const ROWS = 5_000;
const QUERIES = 20;
const K = 10;

/**
 * Generated topical texts: each topic has its own 40 words (drawn with a skew, so some are frequent)
 * and shares 60 common words with the others. Their embeddings (the local hashing embedder, the one
 * the service uses for the query) cluster by topic, like real embeddings — recall on uniform random
 * vectors would mean nothing — and query texts are drawn the same way.
 */
function topicalTexts(seed: number, topics: number) {
  const random = seededRandom(seed);
  const pick = (prefix: string, size: number, skew: number) => `${prefix}${Math.floor(size * random() ** skew)}`;
  return (words: number, topic = Math.floor(random() * topics)) =>
    Array.from({ length: words }, () => (random() < 0.75 ? pick(`t${topic}w`, 40, 2) : pick('common', 60, 1))).join(' ');
}

/**
 * Recall of the HNSW path against brute force computed here, in TypeScript, over the same
 * embeddings: the whole collection, a 1% metadata filter inside it, and a 1% tenant sharing the index.
 */
describe('vector search recall against exact search (database)', () => {
  let bed: SearchTestBed;
  let search: VectorSearchService;
  const tenantBig = newId();
  const tenantSmall = newId();
  const owner = user(['owner']);
  let big: string;
  let small: string;
  const points: Array<{ id: string; vector: Float32Array; rare: boolean }> = [];
  const smallPoints: Array<{ id: string; vector: Float32Array }> = [];
  const embedder = new HashingEmbeddingModel();
  const text = topicalTexts(7, 40);
  const queries = Array.from({ length: QUERIES }, () => text(5));

  beforeAll(async () => {
    bed = await startSearchTestBed(await createTestDatabase());
    search = bed.moduleRef.get(VectorSearchService);
    await seedTenant(bed.db, tenantBig);
    await seedTenant(bed.db, tenantSmall);
    big = await seedCollection(bed.db, { tenantId: tenantBig, name: 'big' });
    small = await seedCollection(bed.db, { tenantId: tenantSmall, name: 'small' });
    // Bulk load as one would in production: rows first, then the index (pgvector builds HNSW in
    // memory far faster than it maintains it row by row, ~20x in PGlite). Same definition as the migration's.
    const [index] = await bed.db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'vector_chunk_384_cosine_hnsw_idx'`);
    expect(index?.indexdef).toContain('hnsw');
    await bed.db.query('DROP INDEX vector_chunk_384_cosine_hnsw_idx');
    const document = await seedDocument(bed.db, tenantBig, big, 'generated');
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const chunkText = text(16);
      return { text: chunkText, vector: embedder.embed(chunkText), rare: i % 100 === 0 };
    });
    const ids = await seedChunks(
      bed.db,
      { tenantId: tenantBig, collectionId: big, documentId: document },
      rows.map((row) => ({ text: row.text, embedding: row.vector, metadata: { group: row.rare ? 'rare' : 'common' } })),
    );
    rows.forEach((row, i) => points.push({ id: ids[i] as string, vector: row.vector, rare: row.rare }));
    const smallDocument = await seedDocument(bed.db, tenantSmall, small, 'generated');
    const smallRows = Array.from({ length: ROWS / 100 }, () => text(16));
    const smallIds = await seedChunks(bed.db, { tenantId: tenantSmall, collectionId: small, documentId: smallDocument }, smallRows.map((chunkText) => ({ text: chunkText, embedding: embedder.embed(chunkText) })));
    smallRows.forEach((chunkText, i) => smallPoints.push({ id: smallIds[i] as string, vector: embedder.embed(chunkText) }));
    await bed.db.query(index?.indexdef as string);
  });

  afterAll(() => bed?.close());

  async function meanRecall(tenantId: string, request: Omit<SearchRequest, 'query' | 'mode' | 'topK'>, candidates: Array<{ id: string; vector: Float32Array }>, strategy: 'index' | 'exact' | 'auto') {
    const vectorOf = new Map(candidates.map((candidate) => [candidate.id, candidate.vector]));
    let total = 0;
    for (const query of queries) {
      const result = await as(tenantId, owner, () => search.search({ ...request, query, mode: 'vector', topK: K }, { vectorStrategy: strategy }));
      expect(result.hits).toHaveLength(K);
      const vector = embedder.embed(query);
      total += recallWithTies(vector, result.hits.map((hit) => hit.chunkId), exactNearest(vector, candidates, K), vectorOf);
    }
    return total / queries.length;
  }

  it('finds ≥ 95% of the exact top 10 through the index over the whole collection', async () => {
    expect(await meanRecall(tenantBig, { collection: big }, points, 'index')).toBeGreaterThanOrEqual(0.95);
  });

  it('finds ≥ 95% of the exact top 10 through the index for a 1% metadata filter (iterative scan)', async () => {
    expect(await meanRecall(tenantBig, { collection: big, filter: { metadata: { group: 'rare' } } }, points.filter((point) => point.rare), 'index')).toBeGreaterThanOrEqual(0.95);
  });

  it('finds ≥ 95% of the exact top 10 through the index for a tenant holding 1% of the rows', async () => {
    expect(await meanRecall(tenantSmall, { collection: small }, smallPoints, 'index')).toBeGreaterThanOrEqual(0.95);
  });

  it('applies the index settings inside the one search statement, and only for it', async () => {
    const repository = bed.moduleRef.get(ChunkSearchRepository);
    const query = { metric: 'cosine' as const, dimensions: 384, vector: Array.from(embedder.embed(queries[0] as string)), limit: K, indexed: true };
    const scope = { collectionId: big, filter: { metadata: { group: 'rare' } } };
    const rows = (index: { efSearch: number; maxScanTuples: number }) =>
      as(tenantBig, owner, () => bed.prisma.$queryRaw<Array<{ id: string }>>(repository.nearestStatement(scope, query, index)));
    // The plan these rows depend on: the HNSW scan under the settings' one-time filter.
    const plan = await as(tenantBig, owner, async () => {
      const statement = repository.nearestStatement(scope, query, { efSearch: 100, maxScanTuples: 50_000 });
      const lines = await bed.prisma.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${statement}`);
      return lines.map((line) => line['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('One-Time Filter');
    expect(plan).toContain('vector_chunk_384_cosine_hnsw_idx');
    // 1% of the rows pass the filter: with the iterative scan allowed 50,000 tuples the list is full;
    // allowed 1 tuple (and ef_search 1), the walk stops almost at once — so the values did apply.
    expect(await rows({ efSearch: 100, maxScanTuples: 50_000 })).toHaveLength(K);
    expect((await rows({ efSearch: 1, maxScanTuples: 1 })).length).toBeLessThan(K);
    // set_config(…, true) in autocommit: gone after the statement, on the pooled connection too.
    const [after] = await bed.prisma.$queryRawUnsafe<Array<{ ef: string; iterative: string }>>(`SELECT current_setting('hnsw.ef_search') AS ef, current_setting('hnsw.iterative_scan') AS iterative`);
    expect(after).toEqual({ ef: '40', iterative: 'off' });
  });

  it('is exact when it chooses the exact scan for a small scope', async () => {
    expect(await meanRecall(tenantSmall, { collection: small }, smallPoints, 'auto')).toBe(1);
    expect(await meanRecall(tenantBig, { collection: big, filter: { metadata: { group: 'rare' } } }, points.filter((point) => point.rare), 'exact')).toBe(1);
  });
});
