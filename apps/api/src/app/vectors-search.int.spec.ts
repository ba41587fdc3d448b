import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HashingEmbeddingModel } from '@strata/model-gateway';
import { SearchApiLane } from '@strata/vectors';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface Hit {
  chunkId: string;
  documentId: string;
  documentName: string;
  position: number;
  span: { start: number; end: number };
  heading: string | null;
  text: string;
  score: number;
  scores: Record<string, number>;
  metadata: Record<string, unknown>;
}
interface SearchBody {
  collectionId: string;
  mode: string;
  hits: Hit[];
  tookMs: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const HANDBOOK = `# Handbook

## Refunds
Customers may ask for a refund within thirty days. The refund goes back to the original card.

## Shipping
Parcels ship from the warehouse in Leipzig every weekday. Express shipping costs extra.

## Security
Rotate API keys every ninety days and never paste them into tickets.
`;

/** Search over HTTP with the real ingestion: text → chunks (local hashing embedder) → search. */
describe('vector search over HTTP', () => {
  let api: ApiHarness;
  let owner: string;
  let ownerB: string;
  let viewer: string;
  let collectionId: string;
  let documentId: string;

  async function waitReady(token: string, id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const document = await api.call<{ status: string; error: unknown }>(token, 'GET', `/vectors/documents/${id}`);
      if (document.body.status === 'ready') return;
      if (document.body.status === 'failed') throw new Error(`ingestion failed: ${JSON.stringify(document.body.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('document never became ready');
  }

  beforeAll(async () => {
    api = await startApiHarness();
    const a = await api.provision('search-a');
    const b = await api.provision('search-b');
    owner = a.token;
    ownerB = b.token;
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: 'reader', roles: ['viewer'] });
    viewer = (await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: 'reader', serviceAccountId: account.body.id, roles: ['viewer'] })).body.token;
    expect((await api.call(owner, 'POST', '/governance/purposes', { name: 'support' })).status).toBe(201);

    const collection = await api.call<{ id: string }>(owner, 'POST', '/vectors/collections', { name: 'handbook', dimensions: 384, chunking: { strategy: 'heading_aware', maxTokens: 32, overlapTokens: 0 } });
    expect(collection.status).toBe(201);
    collectionId = collection.body.id;
    const document = await api.call<{ id: string }>(owner, 'POST', `/vectors/collections/${collectionId}/documents`, {
      name: 'handbook.md',
      format: 'markdown',
      text: HANDBOOK,
      metadata: { team: 'ops' },
    });
    expect(document.status).toBe(202);
    documentId = document.body.id;
    await waitReady(owner, documentId);
  });

  afterAll(() => api?.close());
  afterEach(() => vi.restoreAllMocks());

  it('finds the ingested section in vector, text and hybrid mode', async () => {
    for (const mode of ['vector', 'text', 'hybrid']) {
      const result = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'refund to the original card', mode, topK: 3 });
      expect(result.status, mode).toBe(200);
      expect(result.body.mode).toBe(mode);
      const top = result.body.hits[0];
      if (!top) throw new Error(`no hit in ${mode} mode`);
      expect(top, mode).toMatchObject({ documentId, documentName: 'handbook.md', metadata: { team: 'ops' } });
      expect(top.text, mode).toContain('refund');
      expect(top.heading, mode).toContain('Refunds');
      expect(top.span.end).toBeGreaterThan(top.span.start);
      expect(top.score).toBeGreaterThan(0);
    }
  });

  it('searches a collection by name and filters by metadata and document', async () => {
    const byName = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/handbook/search`, { query: 'Leipzig warehouse', mode: 'text', topK: 1 });
    expect(byName.status).toBe(200);
    expect(byName.body.hits[0]?.text).toContain('Leipzig');
    const filtered = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'Leipzig', mode: 'hybrid', filter: { metadata: { team: 'sales' } } });
    expect(filtered.body.hits).toEqual([]);
    const byDocument = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'Leipzig', mode: 'hybrid', filter: { documentIds: [documentId], metadata: { team: ['ops', 'sales'] } } });
    expect(byDocument.body.hits.length).toBeGreaterThan(0);
  });

  it('logs the search as a data access with the declared purpose', async () => {
    const result = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'API keys', mode: 'text', topK: 2, purpose: 'support' }, { 'x-strata-purpose': 'support' });
    expect(result.status).toBe(200);
    const rows = await api.db.query<{ resource_type: string; resource_ids: string[]; purpose: string }>(
      `SELECT resource_type, resource_ids, purpose FROM data_access_record WHERE purpose = 'support' ORDER BY resource_type`,
    );
    expect(rows).toEqual([
      { resource_type: 'Collection', resource_ids: [collectionId], purpose: 'support' },
      { resource_type: 'VectorChunk', resource_ids: result.body.hits.map((hit) => hit.chunkId), purpose: 'support' },
    ]);
    // A purpose in the body must be the declared one.
    const undeclared = await api.call<ErrorBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'keys', purpose: 'support' });
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.error.code).toBe('vectors.purpose_conflict');
  });

  it('searches only the documents a conditional read policy admits', async () => {
    // A custom role that may read the collection but only the documents its rule names.
    const published = await api.call(owner, 'PUT', '/governance/policies', {
      rules: [
        { roles: ['partner'], action: 'read', subject: 'Collection' },
        { roles: ['partner'], action: 'read', subject: 'VectorDocument', conditions: { name: { in: ['public-prices.txt', 'handbook.md'] } } },
      ],
      comment: 'partners read public documents',
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: 'partner', roles: ['partner'] });
    const partner = (await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: 'partner', serviceAccountId: account.body.id, roles: ['partner'] })).body.token;
    const open = await api.call<{ id: string }>(owner, 'POST', `/vectors/collections/${collectionId}/documents`, { name: 'public-prices.txt', format: 'text', text: 'Zeppelin tickets cost forty euros.' });
    const closed = await api.call<{ id: string }>(owner, 'POST', `/vectors/collections/${collectionId}/documents`, { name: 'internal-prices.txt', format: 'text', text: 'Zeppelin tickets cost us twelve euros.' });
    await waitReady(owner, open.body.id);
    await waitReady(owner, closed.body.id);

    for (const mode of ['vector', 'text', 'hybrid']) {
      const asPartner = await api.call<SearchBody>(partner, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'zeppelin tickets euros', mode, topK: 100 });
      expect(asPartner.status, mode).toBe(200);
      const names = asPartner.body.hits.map((hit) => hit.documentName);
      expect(names, mode).toContain('public-prices.txt');
      expect(names, mode).not.toContain('internal-prices.txt');
      expect(names.every((name) => name === 'public-prices.txt' || name === 'handbook.md'), mode).toBe(true);
      const asOwner = await api.call<SearchBody>(owner, 'POST', `/vectors/collections/${collectionId}/search`, { query: 'zeppelin tickets euros', mode, topK: 100 });
      expect(new Set(asOwner.body.hits.filter((hit) => hit.text.includes('Zeppelin')).map((hit) => hit.documentName)), mode).toEqual(new Set(['public-prices.txt', 'internal-prices.txt']));
    }
  });

  it('takes a precomputed query vector, logs a vector search in its statement, and refuses a vector of another size', async () => {
    const path = `/vectors/collections/${collectionId}/search`;
    const byText = await api.call<SearchBody>(viewer, 'POST', path, { query: 'refund to the original card', mode: 'vector', topK: 3 });
    const vector = Array.from(new HashingEmbeddingModel().embed('refund to the original card'));
    const byVector = await api.call<SearchBody>(viewer, 'POST', path, { vector, mode: 'vector', topK: 3 }, { 'x-strata-purpose': 'support' });
    expect(byVector.status, JSON.stringify(byVector.body)).toBe(200);
    expect(byVector.body.hits.map((hit) => hit.chunkId)).toEqual(byText.body.hits.map((hit) => hit.chunkId));
    const [logged] = await api.db.query<{ resource_ids: string[] }>(
      `SELECT resource_ids FROM data_access_record WHERE purpose = 'support' AND resource_type = 'VectorChunk' ORDER BY occurred_at DESC, id DESC LIMIT 1`,
    );
    expect(logged?.resource_ids).toEqual(byVector.body.hits.map((hit) => hit.chunkId));

    const mismatch = await api.call<ErrorBody>(viewer, 'POST', path, { vector: [0.5, 0.5], mode: 'vector' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('vectors.query_dimension_mismatch');
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { vector, query: 'refund', mode: 'vector' })).status).toBe(400);
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { vector: [1, 'x'], mode: 'vector' })).status).toBe(400);
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { mode: 'vector' })).status).toBe(400);
  });

  it('answers bad input with 4xx and another tenant with 404', async () => {
    const path = `/vectors/collections/${collectionId}/search`;
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { query: 'x', topK: 101 })).status).toBe(400);
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { query: '' })).status).toBe(400);
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { query: 'x', mode: 'semantic' })).status).toBe(400);
    expect((await api.call<ErrorBody>(viewer, 'POST', path, { query: 'x', unknown: 1 })).status).toBe(400);
    const missing = await api.call<ErrorBody>(viewer, 'POST', '/vectors/collections/00000000-0000-7000-8000-00000000beef/search', { query: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('vectors.collection_not_found');
    const foreign = await api.call<ErrorBody>(ownerB, 'POST', path, { query: 'refund', mode: 'hybrid' });
    expect(foreign.status).toBe(404);
    expect((await api.call(undefined, 'POST', path, { query: 'x' })).status).toBe(401);
  });

  it('is served in front of Nest on its exact path (same answer as the controller), with the app’s edge and error envelope', async () => {
    const serve = vi.spyOn(SearchApiLane.prototype, 'serve');
    const body = { query: 'refund to the original card', mode: 'hybrid', topK: 3 };
    const viaLane = await fetch(`${api.base}/vectors/collections/${collectionId}/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json', 'x-request-id': 'search-lane-1' },
      body: JSON.stringify(body),
    });
    expect(viaLane.status).toBe(200);
    expect(viaLane.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(viaLane.headers.get('x-request-id')).toBe('search-lane-1');
    expect(viaLane.headers.get('x-content-type-options')).toBe('nosniff');
    expect(serve).toHaveBeenCalledTimes(1);
    // Another spelling (trailing slash) reaches the Nest controller: the same answer.
    const viaNest = await api.call<SearchBody>(viewer, 'POST', `/vectors/collections/${collectionId}/search/`, body);
    expect(serve).toHaveBeenCalledTimes(1);
    const { tookMs: _lane, ...lane } = (await viaLane.json()) as SearchBody;
    const { tookMs: _nest, ...nest } = viaNest.body;
    expect(lane).toEqual(nest);
    expect(lane.hits.length).toBeGreaterThan(0);

    // Failures: the API's envelope with the request id, as the global filter renders them.
    const path = `/vectors/collections/${collectionId}/search`;
    const malformed = await fetch(`${api.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const malformedBody = (await malformed.json()) as ErrorBody & { error: { requestId: string } };
    expect(malformedBody.error.code).toBe('http.malformed_json');
    expect(malformedBody.error.requestId).toBe(malformed.headers.get('x-request-id'));
    const invalid = await api.call<ErrorBody>(viewer, 'POST', path, { query: 'x', topK: 0 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('kernel.validation_failed');
    expect(invalid.body.error.details).toMatchObject({ issues: [expect.objectContaining({ path: 'topK' })] });
    const anonymous = await api.call<ErrorBody>(undefined, 'POST', path, { query: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('governance.unauthenticated');
    expect(serve.mock.calls.length).toBeGreaterThanOrEqual(3);
  });
});
