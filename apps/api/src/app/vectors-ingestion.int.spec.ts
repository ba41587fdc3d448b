import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { PNG_1X1, uploadMedia } from '../testing/media-upload';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface Collection {
  id: string;
  name: string;
  embeddingAlias: string;
  dimensions: number;
  metric: string;
  chunking: { strategy: string; maxTokens: number; overlapTokens: number };
  textSearchConfig: string;
  classification: string;
  readerRoles: string[];
  version: number;
}
interface Document {
  id: string;
  collectionId: string;
  name: string;
  format: string;
  mediaId: string | null;
  status: string;
  progress: { chunksTotal: number; chunksEmbedded: number };
  error: { code: string; message: string } | null;
  unchanged?: boolean;
}

/**
 * Collections and document ingestion over HTTP, with the ingestion worker polling inside the API
 * process: validation and the dimension probe, optimistic concurrency, roles, text/Markdown/media
 * documents ingested in the background, idempotent re-ingest, deletion, bad input, and a provider
 * outage retried with backoff (fake OpenAI server) while a wrong-sized answer fails the document.
 */
describe('vectors collections and ingestion over HTTP', () => {
  let api: ApiHarness;
  let openai: FakeProvider;
  let dataDir: string;
  let owner: string;
  const keys: Record<string, string> = {};
  let collection: Collection;

  async function keyFor(role: string): Promise<string> {
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: `${role}-ingest`, roles: [role] });
    const key = await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: `${role}-ingest`, serviceAccountId: account.body.id, roles: [role] });
    return key.body.token;
  }

  /** Polls the document until `until` holds (the worker runs in the background). */
  async function waitFor(id: string, until: (document: Document) => boolean, key = keys['builder']): Promise<Document> {
    let last: Document | undefined;
    for (let i = 0; i < 150; i++) {
      last = (await api.call<Document>(key, 'GET', `/vectors/documents/${id}`)).body;
      if (until(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`document ${id} never reached the expected state: ${JSON.stringify(last)}`);
  }
  const settled = (document: Document) => document.status === 'ready' || document.status === 'failed';
  const chunkCount = async (documentId: string) => Number((await api.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM vector_chunk WHERE document_id = $1`, [documentId]))[0]?.n);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-ingestion-http-'));
    openai = await startFakeProvider('openai');
    api = await startApiHarness({
      env: { STRATA_DATA_DIR: dataDir, STRATA_INGESTION_POLL_MS: '100', STRATA_MODEL_KEYS: `m1:${randomBytes(32).toString('base64')}`, STRATA_MODEL_RETRIES: '0' },
    });
    owner = (await api.provision('ingest-a')).token;
    for (const role of ['builder', 'operator', 'viewer', 'auditor']) keys[role] = await keyFor(role);
  });
  afterAll(async () => {
    await api?.close();
    await openai?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a collection with defaults, probing the alias for its dimensions first', async () => {
    const created = await api.call<Collection>(keys['builder'], 'POST', '/vectors/collections', { name: 'docs', dimensions: 384, chunking: { maxTokens: 60, overlapTokens: 10 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'docs',
      embeddingAlias: 'embedding-default',
      dimensions: 384,
      metric: 'cosine',
      chunking: { strategy: 'heading_aware', maxTokens: 60, overlapTokens: 10 },
      textSearchConfig: 'simple',
      classification: 'internal',
      readerRoles: [],
      version: 1,
    });
    collection = created.body;

    const mismatch = await api.call<ErrorBody>(keys['builder'], 'POST', '/vectors/collections', { name: 'wrong', dimensions: 1536 });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({ code: 'vectors.dimension_mismatch', details: { dimensions: 1536, modelDimensions: 384 } });
    const unknownAlias = await api.call<ErrorBody>(keys['builder'], 'POST', '/vectors/collections', { name: 'nowhere', dimensions: 384, embeddingAlias: 'no-such-alias' });
    expect(unknownAlias.status).toBe(404);
    for (const body of [{ name: 'x' }, { name: 'x', dimensions: 384, metric: 'dot' }, { name: 'x', dimensions: 384, chunking: { maxTokens: 50, overlapTokens: 50 } }, { name: 'x', dimensions: 384, extra: 1 }]) {
      const invalid = await api.call<ErrorBody>(keys['builder'], 'POST', '/vectors/collections', body);
      expect(invalid.status).toBe(400);
    }
    expect((await api.call(keys['builder'], 'POST', '/vectors/collections', { name: 'docs', dimensions: 384 })).status).toBe(409);
    const rows = await api.db.query(`SELECT name FROM vector_collection WHERE name IN ('wrong', 'nowhere', 'x')`);
    expect(rows).toEqual([]);
  });

  it('updates with optimistic concurrency; only builders and admins change collections; everyone with read lists them', async () => {
    const stale = await api.call<ErrorBody>(keys['builder'], 'PATCH', `/vectors/collections/${collection.id}`, { expectedVersion: 5, description: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('vectors.collection_version_conflict');
    expect((await api.call(keys['builder'], 'PATCH', `/vectors/collections/${collection.id}`, { description: 'no version' })).status).toBe(400);
    const updated = await api.call<Collection>(keys['builder'], 'PATCH', `/vectors/collections/${collection.id}`, { expectedVersion: 1, description: 'Product docs' });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    collection = updated.body;
    for (const role of ['operator', 'viewer', 'auditor']) {
      expect((await api.call(keys[role], 'POST', '/vectors/collections', { name: `by-${role}`, dimensions: 384 })).status).toBe(403);
      expect((await api.call(keys[role], 'PATCH', `/vectors/collections/${collection.id}`, { expectedVersion: 2, description: 'x' })).status).toBe(403);
      const listed = await api.call<{ items: Collection[] }>(keys[role], 'GET', '/vectors/collections');
      expect(listed.body.items.map((item) => item.name)).toEqual(['docs']);
    }
    expect((await api.call(keys['viewer'], 'GET', `/vectors/collections/${collection.id}`)).status).toBe(200);
    expect((await api.call(keys['viewer'], 'GET', `/vectors/collections/not-an-id`)).status).toBe(404);
  });

  it('ingests inline text in the background: 202 queued, then ready with progress; the same text again is unchanged', async () => {
    const text = Array.from({ length: 20 }, (_, i) => `Fact ${i}: the platform keeps every tenant's data apart.`).join(' ');
    const queued = await api.call<Document>(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { name: 'facts.txt', format: 'text', text, metadata: { source: 'wiki' } });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', unchanged: false, format: 'text', collectionId: collection.id });
    const ready = await waitFor(queued.body.id, settled);
    expect(ready.status).toBe('ready');
    expect(ready.progress.chunksTotal).toBeGreaterThan(1);
    expect(ready.progress.chunksEmbedded).toBe(ready.progress.chunksTotal);
    expect(await chunkCount(ready.id)).toBe(ready.progress.chunksTotal);

    const again = await api.call<Document>(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { name: 'facts-copy.txt', format: 'text', text });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: queued.body.id, unchanged: true, status: 'ready', name: 'facts.txt' });

    const listed = await api.call<{ items: Document[] }>(keys['viewer'], 'GET', `/vectors/collections/${collection.id}/documents?status=ready`);
    expect(listed.body.items.map((item) => item.id)).toContain(queued.body.id);
    expect((await api.call(keys['viewer'], 'POST', `/vectors/collections/${collection.id}/documents`, { name: 'v.txt', format: 'text', text: 'viewers only read' })).status).toBe(403);
  });

  it('ingests an uploaded Markdown file; refuses an image and bad bodies', async () => {
    const markdown = Buffer.from(`# Runbook\n\n## Restart\n\nRun strata restart and wait for the health check.\n\n## Backup\n\nCopy the data directory nightly.\n`);
    const media = await uploadMedia<{ id: string }>(api.base, keys['operator'], { bytes: markdown, name: 'runbook.md', type: 'text/markdown' });
    expect(media.status).toBe(201);
    const queued = await api.call<Document>(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { mediaId: media.body.id });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ name: 'runbook.md', format: 'markdown', mediaId: media.body.id });
    expect((await waitFor(queued.body.id, settled)).status).toBe('ready');
    const headings = await api.db.query<{ heading: string }>(`SELECT DISTINCT heading FROM vector_chunk WHERE document_id = $1 ORDER BY heading`, [queued.body.id]);
    expect(headings.map((row) => row.heading)).toEqual(['Runbook']);

    const image = await uploadMedia<{ id: string }>(api.base, keys['operator'], { bytes: PNG_1X1, name: 'dot.png', type: 'image/png' });
    const refused = await api.call<ErrorBody>(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { mediaId: image.body.id });
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('vectors.unsupported_document_type');
    for (const body of [{}, { name: 'x', format: 'pdf', text: 'x' }, { name: 'x', format: 'text', text: '   ' }, { mediaId: 'nope' }, { name: 'x', format: 'text', text: 'x', metadata: { nested: { a: 1 } } }]) {
      expect((await api.call(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, body)).status).toBe(400);
    }
    expect((await api.call(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { mediaId: '01900000-0000-7000-8000-000000000000' })).status).toBe(404);
    expect((await api.call(keys['operator'], 'POST', `/vectors/collections/01900000-0000-7000-8000-000000000000/documents`, { name: 'x', format: 'text', text: 'x' })).status).toBe(404);
  });

  it('re-ingests and deletes: delete removes the chunks with the document', async () => {
    const queued = await api.call<Document>(keys['operator'], 'POST', `/vectors/collections/${collection.id}/documents`, { name: 'tmp.txt', format: 'text', text: 'Temporary content about lighthouses.' });
    await waitFor(queued.body.id, settled);
    const again = await api.call<Document>(keys['operator'], 'POST', `/vectors/documents/${queued.body.id}/reingest`);
    expect(again.status).toBe(202);
    expect((await waitFor(queued.body.id, settled)).status).toBe('ready');
    expect(await chunkCount(queued.body.id)).toBe(1);
    expect((await api.call(keys['viewer'], 'DELETE', `/vectors/documents/${queued.body.id}`)).status).toBe(403);
    expect((await api.call(keys['operator'], 'DELETE', `/vectors/documents/${queued.body.id}`)).status).toBe(204);
    expect(await chunkCount(queued.body.id)).toBe(0);
    expect((await api.call(keys['operator'], 'GET', `/vectors/documents/${queued.body.id}`)).status).toBe(404);
    // Alias and dimensions are fixed while documents exist.
    const current = (await api.call<Collection>(keys['builder'], 'GET', `/vectors/collections/${collection.id}`)).body;
    const blocked = await api.call<ErrorBody>(keys['builder'], 'PATCH', `/vectors/collections/${collection.id}`, { expectedVersion: current.version, dimensions: 768 });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('vectors.collection_has_documents');
  });

  it('retries a provider outage with backoff, and fails a document whose embeddings have the wrong size', async () => {
    const provider = await api.call<{ id: string }>(owner, 'POST', '/model-gateway/providers', { name: 'fake', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-fake-0000000000000000' } });
    expect(provider.status).toBe(201);
    expect((await api.call(owner, 'POST', '/model-gateway/models', { providerId: provider.body.id, providerModelId: 'embed-8', operation: 'embeddings', dimensions: 8 })).status).toBe(201);
    expect((await api.call(owner, 'POST', '/model-gateway/aliases', { name: 'fake-embed', operation: 'embeddings', targets: [{ model: 'fake/embed-8' }] })).status).toBe(201);
    const created = await api.call<Collection>(owner, 'POST', '/vectors/collections', { name: 'remote', dimensions: 8, embeddingAlias: 'fake-embed', chunking: { strategy: 'fixed', maxTokens: 200, overlapTokens: 0 } });
    expect(created.status).toBe(201);

    openai.script({ error: { status: 503, message: 'overloaded, try later' } });
    const queued = await api.call<Document>(owner, 'POST', `/vectors/collections/${created.body.id}/documents`, { name: 'outage.txt', format: 'text', text: 'Written during an outage.' });
    const retrying = await waitFor(queued.body.id, (document) => document.error !== null, owner);
    expect(retrying.status).toBe('queued');
    expect(retrying.error?.message).toContain('retrying, attempt 1 of 5');
    const [job] = await api.db.query<{ attempts: number; status: string; later: boolean }>(
      `SELECT attempts, status, run_after > now() AS later FROM vector_ingestion_job WHERE document_id = $1`,
      [queued.body.id],
    );
    expect(job).toEqual({ attempts: 1, status: 'queued', later: true });
    // Skip the backoff wait: the next poll takes it and the provider answers now.
    await api.db.query(`UPDATE vector_ingestion_job SET run_after = now() WHERE document_id = $1`, [queued.body.id]);
    const recovered = await waitFor(queued.body.id, settled, owner);
    expect(recovered).toMatchObject({ status: 'ready', error: null });

    openai.script({ embeddings: [[0.1, 0.2, 0.3]] });
    const wrong = await api.call<Document>(owner, 'POST', `/vectors/collections/${created.body.id}/documents`, { name: 'wrong.txt', format: 'text', text: 'The model answers with three numbers.' });
    const failed = await waitFor(wrong.body.id, settled, owner);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('vectors.dimension_mismatch');
    expect(await chunkCount(wrong.body.id)).toBe(0);
  });
});
