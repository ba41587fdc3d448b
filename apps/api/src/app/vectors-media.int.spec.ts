import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { PNG_1X1, uploadMedia } from '../testing/media-upload';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface Media {
  id: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  filename: string;
  classification: string;
  caption: string | null;
  captionModel: string | null;
  createdBy: string;
  deduplicated?: boolean;
  created?: boolean;
}

const PNG = PNG_1X1;
const MAX_BYTES = 256 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const upload = <T = Media & ErrorBody>(...args: Parameters<typeof uploadMedia>) => uploadMedia<T>(...args);

/**
 * The media store over HTTP on local disk: multipart upload (streamed, hashed, sniffed, limited),
 * content-addressed dedupe, listing, streamed download with its headers and data-access record,
 * deletion of the last reference removing the blob, bad input, roles and classification, tenant
 * isolation, and image captions through the gateway with a fake vision model.
 */
describe('vectors media store over HTTP', () => {
  let api: ApiHarness;
  let openai: FakeProvider;
  let dataDir: string;
  let owner: string;
  let tenantId: string;
  let ownerB: string;
  const keys: Record<string, string> = {};
  const notes = Buffer.from('# Field notes\n\nThe heron waited by the river.\n');

  const blobsOf = async (tenant: string) => (await readdir(path.join(dataDir, 'media', tenant)).catch(() => [] as string[])).sort();
  const staging = async () => readdir(path.join(dataDir, 'media', '.staging')).catch(() => [] as string[]);
  const mediaRows = async () => (await api.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM media_object WHERE tenant_id = $1`, [tenantId]))[0].n;

  async function keyFor(role: string): Promise<string> {
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: `${role}-media`, roles: [role] });
    const key = await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: `${role}-media`, serviceAccountId: account.body.id, roles: [role] });
    return key.body.token;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-media-'));
    openai = await startFakeProvider('openai');
    api = await startApiHarness({
      env: { STRATA_DATA_DIR: dataDir, STRATA_MEDIA_MAX_BYTES: String(MAX_BYTES), STRATA_MODEL_KEYS: `m1:${randomBytes(32).toString('base64')}`, STRATA_MODEL_RETRIES: '0' },
    });
    const a = await api.provision('media-a');
    owner = a.token;
    tenantId = a.tenant.id;
    ownerB = (await api.provision('media-b')).token;
    for (const role of ['builder', 'operator', 'viewer', 'auditor']) keys[role] = await keyFor(role);
    expect((await api.call(owner, 'POST', '/governance/purposes', { name: 'media-review' })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await openai?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads a file streamed, content-addressed, with its sniffed type, and returns the same record to a retry', async () => {
    const first = await upload(api.base, keys['operator'], { bytes: notes, name: 'notes.md', type: 'text/markdown' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      sha256: sha256(notes),
      sizeBytes: notes.length,
      contentType: 'text/markdown',
      filename: 'notes.md',
      classification: 'internal',
      caption: null,
      deduplicated: false,
      created: true,
    });
    expect(first.body.createdBy).toMatch(/^service_account:/);
    expect(await blobsOf(tenantId)).toEqual([sha256(notes)]);

    const retry = await upload(api.base, keys['operator'], { bytes: notes, name: 'notes.md', type: 'text/markdown' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: first.body.id, deduplicated: true, created: false });

    // Another name (or another principal): a new record sharing the one stored blob.
    const renamed = await upload(api.base, keys['builder'], { bytes: notes, name: 'copy.md' }, { classification: 'public' });
    expect(renamed.status).toBe(201);
    expect(renamed.body).toMatchObject({ sha256: sha256(notes), filename: 'copy.md', classification: 'public', deduplicated: true, created: true });
    expect(renamed.body.id).not.toBe(first.body.id);
    expect(await blobsOf(tenantId)).toEqual([sha256(notes)]);
    expect(await staging()).toEqual([]);

    const audit = await api.call<{ items: Array<{ action: string; targetId: string; details: Record<string, unknown> }> }>(owner, 'GET', '/governance/audit/entries?action=vectors.media.upload');
    expect(audit.status).toBe(200);
    expect(audit.body.items.filter((entry) => entry.action === 'vectors.media.upload')).toHaveLength(2);
  });

  it('lists media newest first with filters and cursor paging, and reads one record', async () => {
    const png = await upload(api.base, owner, { bytes: PNG, name: 'dot.png', type: 'image/png' });
    expect(png.status).toBe(201);
    const page = await api.call<{ items: Media[]; nextCursor: string | null }>(keys['viewer'], 'GET', '/vectors/media?limit=2');
    expect(page.status).toBe(200);
    expect(page.body.items.map((item) => item.filename)).toEqual(['dot.png', 'copy.md']);
    const next = await api.call<{ items: Media[]; nextCursor: string | null }>(keys['viewer'], 'GET', `/vectors/media?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((item) => item.filename)).toEqual(['notes.md']);
    const images = await api.call<{ items: Media[] }>(keys['viewer'], 'GET', '/vectors/media?contentType=image/png');
    expect(images.body.items.map((item) => item.id)).toEqual([png.body.id]);
    const byHash = await api.call<{ items: Media[] }>(keys['viewer'], 'GET', `/vectors/media?sha256=${sha256(notes)}&filename=COPY`);
    expect(byHash.body.items.map((item) => item.filename)).toEqual(['copy.md']);
    expect((await api.call(keys['viewer'], 'GET', '/vectors/media?contentType=application/zip')).status).toBe(400);

    const one = await api.call<Media>(keys['auditor'], 'GET', `/vectors/media/${png.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: png.body.id, contentType: 'image/png', sizeBytes: PNG.length });
    expect((await api.call(owner, 'GET', '/vectors/media/not-a-uuid')).status).toBe(404);
    expect((await api.call(owner, 'GET', '/vectors/media/01950000-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('streams content with its type, length, ETag, disposition and nosniff, and logs the read with its purpose', async () => {
    const stored = await upload(api.base, owner, { bytes: Buffer.from('<!doctype html><script>alert(1)</script>'), name: 'päge.html' });
    expect(stored.body.contentType).toBe('text/html');
    const response = await fetch(`${api.base}/vectors/media/${stored.body.id}/content?disposition=inline`, {
      headers: { authorization: `Bearer ${keys['viewer']}`, 'x-strata-purpose': 'media-review' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(stored.body.sizeBytes));
    expect(response.headers.get('etag')).toBe(`"${stored.body.sha256}"`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // HTML is never shown inline from the API's origin, and runs sandboxed if opened anyway.
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="p_ge.html"; filename*=UTF-8''p%C3%A4ge.html`);
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(await response.text()).toBe('<!doctype html><script>alert(1)</script>');

    const image = (await api.call<{ items: Media[] }>(owner, 'GET', '/vectors/media?contentType=image/png')).body.items[0];
    const inline = await fetch(`${api.base}/vectors/media/${image.id}/content?disposition=inline`, { headers: { authorization: `Bearer ${owner}` } });
    expect(inline.headers.get('content-disposition')).toMatch(/^inline; filename="dot.png"/);
    expect(Buffer.from(await inline.arrayBuffer())).toEqual(PNG);
    const cached = await fetch(`${api.base}/vectors/media/${image.id}/content`, { headers: { authorization: `Bearer ${owner}`, 'if-none-match': `"${image.sha256}"` } });
    expect(cached.status).toBe(304);

    const log = await api.call<{ items: Array<{ resourceType: string; resourceIds: string[]; purpose: string | null; actorType: string }> }>(
      keys['auditor'],
      'GET',
      `/observability/data-access?resourceType=MediaObject&resourceId=${stored.body.id}`,
    );
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({ resourceIds: [stored.body.id], purpose: 'media-review', actorType: 'service_account' });
  });

  it('refuses bad uploads with a clear 4xx and keeps nothing', async () => {
    const rowsBefore = await mediaRows();
    const blobsBefore = await blobsOf(tenantId);

    const tooLarge = await upload<ErrorBody>(api.base, owner, { bytes: randomBytes(MAX_BYTES + 1), name: 'big.png' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('vectors.media_too_large');
    expect(tooLarge.body.error.details).toMatchObject({ maxBytes: MAX_BYTES });
    // Exactly at the limit is fine (a PNG signature followed by padding).
    const atLimit = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES - PNG.length)]);
    const fits = await upload(api.base, owner, { bytes: atLimit, name: 'limit.png' });
    expect(fits.status).toBe(201);
    expect((await api.call(owner, 'DELETE', `/vectors/media/${fits.body.id}`)).status).toBe(204);

    const mislabelled = await upload<ErrorBody>(api.base, owner, { bytes: Buffer.from('plain words'), name: 'photo.png', type: 'image/png' });
    expect(mislabelled.status).toBe(415);
    expect(mislabelled.body.error.code).toBe('vectors.unsupported_media_type');
    expect(mislabelled.body.error.message).toContain('text/plain');
    expect(mislabelled.body.error.details).toMatchObject({ detected: 'text/plain', declared: 'image/png' });

    const zip = await upload<ErrorBody>(api.base, owner, { bytes: Buffer.from('504b030414000000080000000000', 'hex'), name: 'a.zip' });
    expect(zip.status).toBe(415);
    expect(zip.body.error.details).toMatchObject({ detected: 'application/zip' });
    expect(zip.body.error.message).toContain('application/pdf');

    const empty = await upload<ErrorBody>(api.base, owner, { bytes: Buffer.alloc(0), name: 'empty.txt' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('vectors.media_empty');

    const noFile = await upload<ErrorBody>(api.base, owner, null, { classification: 'public' });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('vectors.invalid_upload');
    const badClassification = await upload<ErrorBody>(api.base, owner, { bytes: notes, name: 'n.md' }, { classification: 'secret' });
    expect(badClassification.status).toBe(400);
    expect(badClassification.body.error.message).toContain('classification');
    const unknownField = await upload<ErrorBody>(api.base, owner, { bytes: notes, name: 'n.md' }, { owner: 'me' });
    expect(unknownField.status).toBe(400);
    const json = await api.call<ErrorBody>(owner, 'POST', '/vectors/media', { file: 'aGVsbG8=' });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('vectors.multipart_required');

    expect(await mediaRows()).toBe(rowsBefore);
    expect(await blobsOf(tenantId)).toEqual(blobsBefore);
    expect(await staging()).toEqual([]);
  });

  it('keeps nothing of an upload the client abandons half-way', async () => {
    const rowsBefore = await mediaRows();
    const boundary = 'strata-test-boundary';
    let stagedBeforeAbort = 0;
    const socketClosed = new Promise<void>((resolve) => {
      const request = httpRequest(`${api.base}/vectors/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * 1024 * 1024) },
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.txt"\r\nContent-Type: text/plain\r\n\r\n`);
      request.write(Buffer.alloc(128 * 1024, 'a'));
      // Cut the connection once the server has begun staging the file.
      void (async () => {
        for (let i = 0; i < 100 && !(await staging()).length; i++) await new Promise((wait) => setTimeout(wait, 20));
        stagedBeforeAbort = (await staging()).length;
        request.destroy();
      })();
    });
    await socketClosed;
    expect(stagedBeforeAbort).toBe(1);
    let left: string[] = ['?'];
    for (let i = 0; i < 50 && left.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await staging();
    }
    expect(left).toEqual([]);
    expect(await mediaRows()).toBe(rowsBefore);
    // The API still serves requests afterwards.
    expect((await api.call(owner, 'GET', '/vectors/media?limit=1')).status).toBe(200);
  });

  it('keeps restricted media to owners, admins and auditors, and confidential media behind a purpose', async () => {
    const secret = await upload(api.base, owner, { bytes: Buffer.from('restricted memo'), name: 'memo.txt' }, { classification: 'restricted' }, { 'x-strata-purpose': 'media-review' });
    expect(secret.status).toBe(201);
    // Uploading restricted media is for owners and admins only.
    expect((await upload(api.base, keys['builder'], { bytes: Buffer.from('x'), name: 'x.txt' }, { classification: 'restricted' }, { 'x-strata-purpose': 'media-review' })).status).toBe(403);
    for (const role of ['viewer', 'builder', 'operator']) {
      expect((await api.call(keys[role], 'GET', `/vectors/media/${secret.body.id}`, undefined, { 'x-strata-purpose': 'media-review' })).status).toBe(404);
      const listed = await api.call<{ items: Media[] }>(keys[role], 'GET', '/vectors/media?limit=200', undefined, { 'x-strata-purpose': 'media-review' });
      expect(listed.body.items.map((item) => item.id)).not.toContain(secret.body.id);
    }
    // Classified data needs a declared purpose, even for the auditor.
    expect((await api.call(keys['auditor'], 'GET', `/vectors/media/${secret.body.id}`)).status).toBe(404);
    const audited = await api.call<Media>(keys['auditor'], 'GET', `/vectors/media/${secret.body.id}`, undefined, { 'x-strata-purpose': 'media-review' });
    expect(audited.status).toBe(200);
    const content = await fetch(`${api.base}/vectors/media/${secret.body.id}/content`, { headers: { authorization: `Bearer ${keys['auditor']}`, 'x-strata-purpose': 'media-review' } });
    expect(await content.text()).toBe('restricted memo');

    const confidential = await upload(api.base, keys['builder'], { bytes: Buffer.from('confidential note'), name: 'c.txt' }, { classification: 'confidential' }, { 'x-strata-purpose': 'media-review' });
    expect(confidential.status).toBe(201);
    expect((await api.call(keys['viewer'], 'GET', `/vectors/media/${confidential.body.id}`)).status).toBe(404);
    expect((await api.call(keys['viewer'], 'GET', `/vectors/media/${confidential.body.id}`, undefined, { 'x-strata-purpose': 'media-review' })).status).toBe(200);
  });

  it('lets viewers and auditors read only, and operators change only their own uploads', async () => {
    expect((await upload(api.base, keys['viewer'], { bytes: notes, name: 'v.md' })).status).toBe(403);
    expect((await upload(api.base, keys['auditor'], { bytes: notes, name: 'v.md' })).status).toBe(403);
    const byBuilder = await upload(api.base, keys['builder'], { bytes: Buffer.from('builder file'), name: 'b.txt' });
    const byOperator = await upload(api.base, keys['operator'], { bytes: Buffer.from('operator file'), name: 'o.txt' });
    expect((await api.call(keys['viewer'], 'DELETE', `/vectors/media/${byBuilder.body.id}`)).status).toBe(403);
    expect((await api.call(keys['auditor'], 'DELETE', `/vectors/media/${byBuilder.body.id}`)).status).toBe(403);
    expect((await api.call(keys['operator'], 'DELETE', `/vectors/media/${byBuilder.body.id}`)).status).toBe(403);
    expect((await api.call(keys['operator'], 'DELETE', `/vectors/media/${byOperator.body.id}`)).status).toBe(204);
    expect((await api.call(keys['builder'], 'DELETE', `/vectors/media/${byBuilder.body.id}`)).status).toBe(204);
  });

  it('removes the blob with the last record that refers to it', async () => {
    const bytes = Buffer.from('shared bytes for deletion');
    const one = await upload(api.base, owner, { bytes, name: 'one.txt' });
    const two = await upload(api.base, owner, { bytes, name: 'two.txt' });
    expect(two.body.deduplicated).toBe(true);
    expect(await blobsOf(tenantId)).toContain(sha256(bytes));
    expect((await api.call(owner, 'DELETE', `/vectors/media/${one.body.id}`)).status).toBe(204);
    expect(await blobsOf(tenantId)).toContain(sha256(bytes));
    expect((await fetch(`${api.base}/vectors/media/${two.body.id}/content`, { headers: { authorization: `Bearer ${owner}` } })).status).toBe(200);
    expect((await api.call(owner, 'DELETE', `/vectors/media/${two.body.id}`)).status).toBe(204);
    expect(await blobsOf(tenantId)).not.toContain(sha256(bytes));
    expect((await api.call(owner, 'GET', `/vectors/media/${two.body.id}`)).status).toBe(404);
    expect((await api.call(owner, 'DELETE', `/vectors/media/${two.body.id}`)).status).toBe(404);
    // Uploading the same bytes again stores them again.
    const again = await upload(api.base, owner, { bytes, name: 'again.txt' });
    expect(again.body).toMatchObject({ created: true, deduplicated: false });
    expect(await blobsOf(tenantId)).toContain(sha256(bytes));
  });

  it('keeps one blob under concurrent uploads and removes it once after concurrent deletions', async () => {
    const bytes = Buffer.from(`concurrent ${randomBytes(8).toString('hex')}`);
    const uploads = await Promise.all(Array.from({ length: 6 }, (_, i) => upload(api.base, owner, { bytes, name: `c${i}.txt` })));
    expect(uploads.map((response) => response.status)).toEqual(Array(6).fill(201));
    expect(uploads.filter((response) => !response.body.deduplicated)).toHaveLength(1);
    expect((await blobsOf(tenantId)).filter((name) => name === sha256(bytes))).toHaveLength(1);
    const deletions = await Promise.all(uploads.map((response) => api.call(owner, 'DELETE', `/vectors/media/${response.body.id}`)));
    expect(deletions.map((response) => response.status)).toEqual(Array(6).fill(204));
    expect(await blobsOf(tenantId)).not.toContain(sha256(bytes));
    const audit = await api.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_entry WHERE tenant_id = $1 AND action = 'vectors.media.delete' AND details->>'blobRemoved' = 'true' AND details->>'sha256' = $2`,
      [tenantId, sha256(bytes)],
    );
    expect(audit[0].n).toBe('1');
  });

  it('isolates tenants: B sees none of A’s media and stores its own copy of the same bytes', async () => {
    const ofA = await upload(api.base, owner, { bytes: Buffer.from('tenant a only'), name: 'a.txt' });
    expect((await api.call(ownerB, 'GET', `/vectors/media/${ofA.body.id}`)).status).toBe(404);
    expect((await fetch(`${api.base}/vectors/media/${ofA.body.id}/content`, { headers: { authorization: `Bearer ${ownerB}` } })).status).toBe(404);
    expect((await api.call(ownerB, 'DELETE', `/vectors/media/${ofA.body.id}`)).status).toBe(404);
    expect((await api.call(ownerB, 'POST', `/vectors/media/${ofA.body.id}/caption`, {})).status).toBe(404);
    expect((await api.call<{ items: Media[] }>(ownerB, 'GET', '/vectors/media')).body.items).toEqual([]);
    const ofB = await upload(api.base, ownerB, { bytes: Buffer.from('tenant a only'), name: 'a.txt' });
    expect(ofB.body).toMatchObject({ created: true, deduplicated: false, sha256: ofA.body.sha256 });
    expect((await api.call(owner, 'GET', `/vectors/media/${ofB.body.id}`)).status).toBe(404);
  });

  it('captions an image through a vision-capable model and stores the caption', async () => {
    const provider = await api.call<{ id: string }>(owner, 'POST', '/model-gateway/providers', {
      name: 'openai',
      kind: 'openai',
      baseUrl: `${openai.url}/v1`,
      credentials: { type: 'api-key', apiKey: 'sk-media-test-000000000000000000' },
    });
    expect(provider.status).toBe(201);
    const chat = { operation: 'chat', providerId: provider.body.id, contextWindow: 128_000 };
    expect((await api.call(owner, 'POST', '/model-gateway/models', { ...chat, providerModelId: 'gpt-vision', capabilities: { vision: true } })).status).toBe(201);
    expect((await api.call(owner, 'POST', '/model-gateway/models', { ...chat, providerModelId: 'gpt-text' })).status).toBe(201);
    expect((await api.call(owner, 'POST', '/model-gateway/aliases', { name: 'vision', operation: 'chat', targets: [{ model: 'openai/gpt-vision' }] })).status).toBe(201);
    expect((await api.call(owner, 'POST', '/model-gateway/aliases', { name: 'text-only', operation: 'chat', targets: [{ model: 'openai/gpt-text' }] })).status).toBe(201);

    const image = await upload(api.base, keys['builder'], { bytes: PNG, name: 'heron.png' });
    openai.reset();
    openai.script({ text: 'A grey heron standing in shallow water.' });
    const captioned = await api.call<{ media: Media; document: unknown; route: { catalogModel: string } }>(keys['builder'], 'POST', `/vectors/media/${image.body.id}/caption`, { model: 'vision' });
    expect(captioned.status).toBe(200);
    expect(captioned.body.media).toMatchObject({ id: image.body.id, caption: 'A grey heron standing in shallow water.', captionModel: 'openai/gpt-vision' });
    expect(captioned.body.document).toBeNull();
    expect(captioned.body.route.catalogModel).toBe('openai/gpt-vision');
    // The provider got the image itself, inline as a data URL.
    const sent = JSON.stringify(openai.requests[0].body);
    expect(sent).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
    expect((await api.call<Media>(keys['viewer'], 'GET', `/vectors/media/${image.body.id}`)).body.caption).toBe('A grey heron standing in shallow water.');

    const textOnly = await api.call<ErrorBody>(keys['builder'], 'POST', `/vectors/media/${image.body.id}/caption`, { model: 'text-only' });
    expect(textOnly.status).toBe(400);
    expect(textOnly.body.error.code).toBe('model-gateway.no_capable_model');
    expect(textOnly.body.error.message).toContain('vision');

    const text = (await api.call<{ items: Media[] }>(owner, 'GET', '/vectors/media?contentType=text/markdown')).body.items[0];
    const notImage = await api.call<ErrorBody>(keys['builder'], 'POST', `/vectors/media/${text.id}/caption`, { model: 'vision' });
    expect(notImage.status).toBe(415);
    expect(notImage.body.error.code).toBe('vectors.not_an_image');
    expect((await api.call(keys['viewer'], 'POST', `/vectors/media/${image.body.id}/caption`, { model: 'vision' })).status).toBe(403);
    expect((await api.call(keys['builder'], 'POST', `/vectors/media/${image.body.id}/caption`, { model: 'vision', extra: 1 })).status).toBe(400);
  });

  it('ingests the caption into a collection, so a text search finds the image', async () => {
    const collection = await api.call<{ id: string }>(keys['builder'], 'POST', '/vectors/collections', { name: 'images', dimensions: 384 });
    expect(collection.status).toBe(201);
    const image = await upload(api.base, keys['builder'], { bytes: Buffer.concat([PNG, Buffer.from('kingfisher')]), name: 'kingfisher.png' });
    expect(image.status).toBe(201);
    openai.script({ text: 'A kingfisher perched on a branch above a stream.' });
    const captioned = await api.call<{ media: Media; document: { id: string; format: string; mediaId: string; collectionId: string } }>(
      keys['builder'],
      'POST',
      `/vectors/media/${image.body.id}/caption`,
      { model: 'vision', collectionId: collection.body.id },
    );
    expect(captioned.status).toBe(200);
    expect(captioned.body.document).toMatchObject({ format: 'image_caption', mediaId: image.body.id, collectionId: collection.body.id });

    let status = '';
    for (let i = 0; i < 100 && status !== 'ready' && status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await api.call<{ status: string }>(keys['builder'], 'GET', `/vectors/documents/${captioned.body.document.id}`)).body.status;
    }
    expect(status).toBe('ready');
    const found = await api.call<{ hits: Array<{ documentId: string; text: string }> }>(keys['viewer'], 'POST', `/vectors/collections/${collection.body.id}/search`, {
      query: 'kingfisher branch',
      mode: 'text',
      topK: 5,
    });
    expect(found.status).toBe(200);
    expect(found.body.hits[0]).toMatchObject({ documentId: captioned.body.document.id });
    expect(found.body.hits[0].text).toContain('kingfisher');

    // An unknown collection fails before the model is called.
    openai.reset();
    const unknown = await api.call<ErrorBody>(keys['builder'], 'POST', `/vectors/media/${image.body.id}/caption`, { model: 'vision', collectionId: '01950000-0000-7000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(openai.requests).toHaveLength(0);
  });
});
