import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@strata/testing';
import { newId } from '@strata/kernel';
import { HashingEmbeddingModel } from '@strata/model-gateway';
import type { SearchRequest } from '../vectors.contract';
import { CollectionsService } from '../collections/collections.service';
import { ChunkSearchRepository } from './chunk-search.repository';
import { VectorSearchService } from './vector-search.service';
import { as, failure, seedChunks, seedCollection, seedDocument, seedTenant, startSearchTestBed, user, type SearchTestBed } from './testing/search-test-bed';
import { normalize, seededRandom } from './testing/vector-test-data';

const embedder = new HashingEmbeddingModel();

/** The item at `index`, or a failed test. */
function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`expected an item at ${index}`);
  return item;
}
const owner = user(['owner']);

/** A unit vector far from `near` (its direction flipped and mixed with noise). */
function farFrom(near: Float32Array, seed: number): Float32Array {
  const random = seededRandom(seed);
  return normalize(Float32Array.from(near, (value) => -value + (random() - 0.5) * 0.2));
}

/** `base` nudged slightly: still its nearest neighbour, but not identical. */
function nudged(base: Float32Array, seed: number, amount = 0.05): Float32Array {
  const random = seededRandom(seed);
  return normalize(Float32Array.from(base, (value) => value + (random() - 0.5) * amount));
}

describe('VectorSearchService (database)', () => {
  let bed: SearchTestBed;
  let search: VectorSearchService;
  const tenantA = newId();
  const tenantB = newId();
  let collection: string;
  let collectionB: string;
  const docs: Record<string, string> = {};
  const chunks: Record<string, string> = {};
  const query = 'quantum flux capacitor';
  const q = embedder.embed(query);

  beforeAll(async () => {
    bed = await startSearchTestBed(await createTestDatabase());
    search = bed.moduleRef.get(VectorSearchService);
    await seedTenant(bed.db, tenantA);
    await seedTenant(bed.db, tenantB);
    collection = await seedCollection(bed.db, { tenantId: tenantA, name: 'manuals' });
    collectionB = await seedCollection(bed.db, { tenantId: tenantB, name: 'manuals' });

    // A corpus where the vector and text lists disagree:
    // - vectorOnly: its embedding is the query's, its text shares no word with it;
    // - textOnly: the best text match (all query words, twice), its embedding points away;
    // - both: second in each list;
    // - filler: neither.
    docs['guide'] = await seedDocument(bed.db, tenantA, collection, 'guide.md', { lang: 'en', team: 'red' });
    docs['notes'] = await seedDocument(bed.db, tenantA, collection, 'notes.md', { lang: 'de', team: 'blue' });
    const [vectorOnly, textOnly, both] = await seedChunks(bed.db, { tenantId: tenantA, collectionId: collection, documentId: docs['guide'] }, [
      { text: 'gardening tips for tomatoes', embedding: q, heading: 'Garden', metadata: { lang: 'en', team: 'red' } },
      { text: 'quantum flux capacitor: the quantum flux capacitor manual', embedding: farFrom(q, 1), heading: 'Manual', metadata: { lang: 'en', team: 'red' } },
      { text: 'notes on the quantum flux capacitor', embedding: nudged(q, 2), heading: null, metadata: { lang: 'en', team: 'red' } },
    ]);
    chunks['vectorOnly'] = vectorOnly as string;
    chunks['textOnly'] = textOnly as string;
    chunks['both'] = both as string;
    const filler = await seedChunks(
      bed.db,
      { tenantId: tenantA, collectionId: collection, documentId: docs['notes'] },
      Array.from({ length: 20 }, (_, i) => ({ text: `unrelated filler text number ${i} about rivers`, embedding: farFrom(q, 100 + i), metadata: { lang: 'de', team: 'blue', n: i } })),
    );
    chunks['filler0'] = filler[0] as string;
    // Tenant B: the same words and the exact query vector, in its own collection.
    const docB = await seedDocument(bed.db, tenantB, collectionB, 'b.md');
    chunks['b'] = (await seedChunks(bed.db, { tenantId: tenantB, collectionId: collectionB, documentId: docB }, [{ text: query, embedding: q }]))[0] as string;
  });

  afterAll(() => bed?.close());

  const run = (request: Partial<SearchRequest>, tenant = tenantA, actor = owner, purpose?: string) =>
    as(tenant, actor, () => search.search({ collection, query, mode: 'hybrid', topK: 10, ...request } as SearchRequest), purpose);

  it('ranks by vector similarity in vector mode, with the hit fully described', async () => {
    const result = await run({ mode: 'vector', topK: 3 });
    expect(result.collectionId).toBe(collection);
    expect(result.hits.map((hit) => hit.chunkId)).toEqual([chunks['vectorOnly'], chunks['both'], expect.any(String)]);
    const [top] = result.hits;
    expect(top).toMatchObject({ documentId: docs['guide'], documentName: 'guide.md', position: 0, heading: 'Garden', text: 'gardening tips for tomatoes', metadata: { lang: 'en', team: 'red' } });
    expect(top?.span).toEqual({ start: 0, end: 'gardening tips for tomatoes'.length });
    expect(top?.score).toBeCloseTo(1, 5);
    expect(top?.scores).toEqual({ vector: top?.score, vectorRank: 1 });
    expect(at(result.hits, 0).score).toBeGreaterThan(at(result.hits, 1).score);
    expect(result.tookMs).toBeGreaterThan(0);
  });

  it('ranks by ts_rank_cd in text mode, and only chunks that match', async () => {
    const result = await run({ mode: 'text' });
    expect(result.hits.map((hit) => hit.chunkId)).toEqual([chunks['textOnly'], chunks['both']]);
    expect(at(result.hits, 0).score).toBeGreaterThan(at(result.hits, 1).score);
    expect(at(result.hits, 0).scores).toEqual({ text: at(result.hits, 0).score, textRank: 1 });
    // websearch syntax: a quoted phrase and a negation.
    const phrase = await run({ mode: 'text', query: '"flux capacitor" -manual' });
    expect(phrase.hits.map((hit) => hit.chunkId)).toEqual([chunks['both']]);
  });

  it('fuses both lists by reciprocal rank in hybrid mode, with weights and k', async () => {
    // The oracle: each list on its own (depth 50, as hybrid uses for topK ≤ 25), fused by the formula.
    const vectorIds = (await run({ mode: 'vector', topK: 50 })).hits.map((hit) => hit.chunkId);
    const textIds = (await run({ mode: 'text', topK: 50 })).hits.map((hit) => hit.chunkId);
    const expected = (weights: { vector: number; text: number }, k: number) => {
      const score = (id: string) =>
        (vectorIds.includes(id) ? weights.vector / (k + vectorIds.indexOf(id) + 1) : 0) + (textIds.includes(id) ? weights.text / (k + textIds.indexOf(id) + 1) : 0);
      return [...new Set([...vectorIds, ...textIds])].map((id) => ({ id, score: score(id) })).sort((a, b) => b.score - a.score);
    };

    const equal = await run({ mode: 'hybrid', topK: 5 });
    // "both" is second in each list: 2/(60+2) beats 1/(60+1) + (a far rank in the other list).
    expect(at(equal.hits, 0).chunkId).toBe(chunks['both']);
    expect(at(equal.hits, 0).scores).toMatchObject({ vectorRank: 2, textRank: 2 });
    expect(equal.hits.map((hit) => hit.chunkId)).toEqual(expected({ vector: 1, text: 1 }, 60).slice(0, 5).map((entry) => entry.id));
    equal.hits.forEach((hit, index) => expect(hit.score).toBeCloseTo(at(expected({ vector: 1, text: 1 }, 60), index).score, 12));

    const textHeavy = await run({ mode: 'hybrid', topK: 3, weights: { vector: 0.1, text: 10 } });
    expect(at(textHeavy.hits, 0).chunkId).toBe(chunks['textOnly']);
    expect(textHeavy.hits.map((hit) => hit.chunkId)).toEqual(expected({ vector: 0.1, text: 10 }, 60).slice(0, 3).map((entry) => entry.id));
    const vectorHeavy = await run({ mode: 'hybrid', topK: 3, weights: { vector: 10, text: 0.1 } });
    expect(at(vectorHeavy.hits, 0).chunkId).toBe(chunks['vectorOnly']);
    // k changes the fused order below the top (k = 1 weighs rank 1 against rank 2 as 3:2, k = 60 as 62:61).
    const sharp = await run({ mode: 'hybrid', topK: 5, rrfK: 1 });
    expect(sharp.hits.map((hit) => hit.chunkId)).toEqual(expected({ vector: 1, text: 1 }, 1).slice(0, 5).map((entry) => entry.id));
    // A zero weight leaves the other list's order.
    const vectorOnlyWeights = await run({ mode: 'hybrid', topK: 5, weights: { vector: 1, text: 0 } });
    expect(vectorOnlyWeights.hits.map((hit) => hit.chunkId)).toEqual(vectorIds.slice(0, 5));
  });

  it('filters by metadata equality and in-lists, and by document ids', async () => {
    const en = await run({ mode: 'vector', topK: 100, filter: { metadata: { lang: 'en' } } });
    expect(en.hits).toHaveLength(3);
    expect(new Set(en.hits.map((hit) => hit.documentId))).toEqual(new Set([docs['guide']]));
    const some = await run({ mode: 'vector', topK: 100, filter: { metadata: { team: 'blue', n: [1, 2, 3] } } });
    expect(some.hits.map((hit) => hit.metadata['n']).sort()).toEqual([1, 2, 3]);
    const none = await run({ mode: 'hybrid', topK: 100, filter: { metadata: { lang: 'fr' } } });
    expect(none.hits).toEqual([]);
    const byDocument = await run({ mode: 'hybrid', topK: 100, filter: { documentIds: [docs['notes'] as string] } });
    expect(byDocument.hits).toHaveLength(20);
    expect(byDocument.hits.every((hit) => hit.documentId === docs['notes'])).toBe(true);
  });

  it('finds a collection by name too', async () => {
    const result = await run({ collection: 'manuals', mode: 'text', topK: 1 });
    expect(result.collectionId).toBe(collection);
  });

  it('keeps tenants apart', async () => {
    const ofB = await as(tenantB, owner, () => search.search({ collection: collectionB, query, mode: 'hybrid', topK: 100 }));
    expect(ofB.hits.map((hit) => hit.chunkId)).toEqual([chunks['b']]);
    const ownA = await run({ mode: 'hybrid', topK: 100 });
    expect(ownA.hits.map((hit) => hit.chunkId)).not.toContain(chunks['b']);
    expect(await failure(as(tenantB, owner, () => search.search({ collection, query, mode: 'vector', topK: 5 })))).toMatchObject({ code: 'vectors.collection_not_found', kind: 'not_found' });
  });

  it('logs every search as a data access with its purpose, collection and hits', async () => {
    const actor = user(['viewer']);
    const result = await run({ mode: 'text', topK: 2, purpose: 'support' }, tenantA, actor);
    const rows = await bed.db.query<{ resource_type: string; resource_ids: string[]; purpose: string | null }>(
      `SELECT resource_type, resource_ids, purpose FROM data_access_record WHERE tenant_id = $1 AND actor_id = $2 ORDER BY resource_type`,
      [tenantA, actor.id],
    );
    expect(rows).toEqual([
      { resource_type: 'Collection', resource_ids: [collection], purpose: 'support' },
      { resource_type: 'VectorChunk', resource_ids: result.hits.map((hit) => hit.chunkId), purpose: 'support' },
    ]);
    // A search without hits still records the collection.
    const other = user(['viewer']);
    await run({ mode: 'text', query: 'nothingmatchesthis' }, tenantA, other);
    const empty = await bed.db.query(`SELECT resource_type FROM data_access_record WHERE actor_id = $1`, [other.id]);
    expect(empty).toEqual([{ resource_type: 'Collection' }]);
    // A purpose in the request must agree with the declared one.
    expect(await failure(run({ purpose: 'marketing' }, tenantA, owner, 'support'))).toMatchObject({ code: 'vectors.purpose_conflict', kind: 'invalid_argument' });
  });

  it('logs a vector search in the same statement that reads the chunks (ids, order, purpose)', async () => {
    const actor = user(['viewer']);
    // Twice: the first search counts the scope (strategy cache miss), the second reuses the choice.
    for (const topK of [3, 2]) {
      const result = await run({ mode: 'vector', topK, purpose: 'support' }, tenantA, actor);
      expect(result.hits).toHaveLength(topK);
      const rows = await bed.db.query<{ resource_type: string; resource_ids: string[]; purpose: string | null; request_id: string | null }>(
        `SELECT resource_type, resource_ids, purpose, request_id FROM data_access_record WHERE tenant_id = $1 AND actor_id = $2 AND resource_type = 'VectorChunk' ORDER BY occurred_at DESC, id DESC LIMIT 1`,
        [tenantA, actor.id],
      );
      expect(rows).toEqual([{ resource_type: 'VectorChunk', resource_ids: result.hits.map((hit) => hit.chunkId), purpose: 'support', request_id: expect.any(String) }]);
    }
    const collections = await bed.db.query(`SELECT resource_ids FROM data_access_record WHERE actor_id = $1 AND resource_type = 'Collection'`, [actor.id]);
    expect(collections).toEqual([{ resource_ids: [collection] }, { resource_ids: [collection] }]);
    // No hits (a filter that matches nothing): the collection is recorded, no empty chunk record.
    const other = user(['viewer']);
    expect((await run({ mode: 'vector', filter: { metadata: { lang: 'fr' } } }, tenantA, other)).hits).toEqual([]);
    expect(await bed.db.query(`SELECT resource_type FROM data_access_record WHERE actor_id = $1`, [other.id])).toEqual([{ resource_type: 'Collection' }]);
  });

  it('returns nothing when the data access cannot be recorded (vector and hybrid)', async () => {
    const refused = user(['viewer']);
    // A real failure of the log's insert, for this actor only: the search must fail, not return unlogged hits.
    await bed.db.query(`CREATE FUNCTION test_refuse_data_access() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.actor_id = '${refused.id}' THEN RAISE EXCEPTION 'data access log refused'; END IF; RETURN NEW; END $$`);
    await bed.db.query(`CREATE TRIGGER test_refuse_data_access BEFORE INSERT ON data_access_record FOR EACH ROW EXECUTE FUNCTION test_refuse_data_access()`);
    try {
      await expect(run({ mode: 'vector', topK: 3 }, tenantA, refused)).rejects.toThrow(/data access log refused/);
      await expect(run({ mode: 'vector', query: undefined, vector: Array.from(q), topK: 3 }, tenantA, refused)).rejects.toThrow(/data access log refused/);
      await expect(run({ mode: 'hybrid', topK: 3 }, tenantA, refused)).rejects.toThrow(/data access log refused/);
      expect(await bed.db.query(`SELECT 1 FROM data_access_record WHERE actor_id = $1`, [refused.id])).toEqual([]);
      // Everyone else still searches (and is logged).
      expect((await run({ mode: 'vector', topK: 3 })).hits).toHaveLength(3);
    } finally {
      await bed.db.query('DROP TRIGGER test_refuse_data_access ON data_access_record');
      await bed.db.query('DROP FUNCTION test_refuse_data_access()');
    }
  });

  it('searches with a precomputed query vector, checked against the collection size', async () => {
    const byText = await run({ mode: 'vector', topK: 5 });
    const byVector = await run({ mode: 'vector', query: undefined, vector: Array.from(q), topK: 5 });
    expect(byVector.hits.map((hit) => hit.chunkId)).toEqual(byText.hits.map((hit) => hit.chunkId));
    expect(byVector.hits.map((hit) => hit.score)).toEqual(byText.hits.map((hit) => hit.score));
    // Hybrid: the vector for the vector list, the text for the text list.
    const hybrid = await run({ mode: 'hybrid', topK: 3, vector: Array.from(farFrom(q, 7)) });
    expect(hybrid.hits.map((hit) => hit.chunkId)).not.toEqual((await run({ mode: 'hybrid', topK: 3 })).hits.map((hit) => hit.chunkId));
    expect(await failure(run({ mode: 'vector', query: undefined, vector: [0.1, 0.2, 0.3] }))).toMatchObject({
      code: 'vectors.query_dimension_mismatch',
      kind: 'invalid_argument',
      details: { expected: 384, actual: 3 },
    });
    expect(await failure(run({ mode: 'vector', vector: Array.from(q) }))).toMatchObject({ kind: 'invalid_argument' }); // query and vector
    expect(await failure(run({ mode: 'vector', query: undefined }))).toMatchObject({ kind: 'invalid_argument' }); // neither
    expect(await failure(run({ mode: 'text', vector: Array.from(q) }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ mode: 'hybrid', query: undefined, vector: Array.from(q) }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ mode: 'vector', query: undefined, vector: [] }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ mode: 'vector', query: undefined, vector: ['x'] as never }))).toMatchObject({ kind: 'invalid_argument' });
  });

  it('refuses readers the collection does not admit, and roles without document read', async () => {
    const restricted = await seedCollection(bed.db, { tenantId: tenantA, name: 'restricted', readerRoles: ['operator'] });
    expect(await failure(as(tenantA, user(['viewer']), () => search.search({ collection: restricted, query, mode: 'text', topK: 5 })))).toMatchObject({ code: 'vectors.collection_not_found' });
    expect((await as(tenantA, user(['operator']), () => search.search({ collection: restricted, query, mode: 'text', topK: 5 }))).hits).toEqual([]);
    expect(await failure(as(tenantA, user(['approver']), () => search.search({ collection, query, mode: 'text', topK: 5 })))).toMatchObject({ kind: 'permission_denied' });
  });

  it('sees a change to the collection at once, although it reuses recent lookups', async () => {
    const collections = bed.moduleRef.get(CollectionsService);
    const name = 'changing-readers';
    const id = await seedCollection(bed.db, { tenantId: tenantA, name });
    const operator = user(['operator']);
    expect((await as(tenantA, operator, () => search.search({ collection: name, query, mode: 'text', topK: 5 }))).collectionId).toBe(id);
    const { version } = await as(tenantA, owner, () => collections.get(id));
    await as(tenantA, owner, () => collections.update(id, { expectedVersion: version, readerRoles: ['approver'] }));
    expect(await failure(as(tenantA, operator, () => search.search({ collection: name, query, mode: 'text', topK: 5 })))).toMatchObject({ code: 'vectors.collection_not_found' });
    expect(await failure(as(tenantA, operator, () => search.search({ collection: id, query, mode: 'text', topK: 5 })))).toMatchObject({ code: 'vectors.collection_not_found' });
    await as(tenantA, owner, () => collections.delete(id));
    expect(await failure(as(tenantA, owner, () => search.search({ collection: id, query, mode: 'text', topK: 5 })))).toMatchObject({ code: 'vectors.collection_not_found' });
  });

  it('refuses bad input with clear 4xx errors', async () => {
    expect(await failure(run({ topK: 101 }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ topK: 0 }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ query: '   ' }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ mode: 'fuzzy' as never }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ filter: { documentIds: ['not-a-uuid'] } }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ filter: { metadata: { a: { nested: 1 } as never } } }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ weights: { vector: 0, text: 0 } }))).toMatchObject({ kind: 'invalid_argument' });
    expect(await failure(run({ collection: newId() }))).toMatchObject({ code: 'vectors.collection_not_found', kind: 'not_found' });
    expect(await failure(run({ collection: 'no such collection' }))).toMatchObject({ code: 'vectors.collection_not_found', kind: 'not_found' });
  });

  it('refuses a search whose alias now returns vectors of another size, before touching chunks', async () => {
    // As if the alias had been re-pointed at a 384-dimensional model after the collection was made with 768.
    const stale = await seedCollection(bed.db, { tenantId: tenantA, name: 'stale', dimensions: 768 });
    const error = await failure(as(tenantA, owner, () => search.search({ collection: stale, query, mode: 'hybrid', topK: 5 })));
    expect(error).toMatchObject({ code: 'vectors.dimension_mismatch', kind: 'failed_precondition', details: { expected: 768, actual: 384 } });
    // Text search does not embed, so it still works.
    expect((await as(tenantA, owner, () => search.search({ collection: stale, query, mode: 'text', topK: 5 }))).hits).toEqual([]);
  });

  it('returns nothing similar to a query without words (zero vector) instead of NaN scores', async () => {
    const result = await run({ mode: 'vector', query: '!!! ???' });
    expect(result.hits).toEqual([]);
  });

  it('serves the kNN query from the partial HNSW index when asked to', async () => {
    const repository = bed.moduleRef.get(ChunkSearchRepository);
    const plan = await as(tenantA, owner, () =>
      bed.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
        return repository.explainNearest(tx, { collectionId: collection }, { metric: 'cosine', dimensions: 384, vector: Array.from(q), limit: 5, indexed: true });
      }),
    );
    expect(plan).toContain('vector_chunk_384_cosine_hnsw_idx');
    const exact = await as(tenantA, owner, () =>
      bed.prisma.$transaction((tx) => repository.explainNearest(tx, { collectionId: collection }, { metric: 'cosine', dimensions: 384, vector: Array.from(q), limit: 5, indexed: false })),
    );
    expect(exact).not.toContain('hnsw_idx');
  });
});
