import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { PNG_1X1, uploadMedia } from '../testing/media-upload';

interface Media {
  id: string;
  sha256: string;
  sizeBytes: number;
  created: boolean;
  deduplicated: boolean;
  error?: { code: string };
}

const MAX_BYTES = 12 * 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The media store on S3 (STRATA_MEDIA_S3_*), against a fake S3 server speaking the REST protocol:
 * content-addressed keys under the configured prefix, multipart upload of a large file, streamed
 * download, dedupe without a second upload, deletion, and a refused upload leaving no object.
 */
describe('vectors media store on S3 over HTTP', () => {
  let api: ApiHarness;
  let s3: FakeS3;
  let dataDir: string;
  let owner: string;
  let tenantId: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3 = await startFakeS3({ buckets: ['strata-media'] });
    // Credentials come from the AWS default chain, here the environment.
    process.env['AWS_ACCESS_KEY_ID'] = s3.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = s3.secretAccessKey;
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-media-s3-'));
    api = await startApiHarness({
      env: {
        STRATA_DATA_DIR: dataDir,
        STRATA_MEDIA_MAX_BYTES: String(MAX_BYTES),
        STRATA_MEDIA_S3_BUCKET: 'strata-media',
        STRATA_MEDIA_S3_ENDPOINT: s3.url,
        STRATA_MEDIA_S3_REGION: 'eu-central-1',
        STRATA_MEDIA_S3_FORCE_PATH_STYLE: 'true',
        STRATA_MEDIA_S3_PREFIX: 'media/',
      },
    });
    const tenant = await api.provision('media-s3');
    owner = tenant.token;
    tenantId = tenant.tenant.id;
  });
  afterAll(async () => {
    await api?.close();
    await s3?.close();
    await rm(dataDir, { recursive: true, force: true });
    process.env = saved;
  });

  it('stores a large upload content-addressed in the bucket with a multipart upload, and streams it back', async () => {
    const bytes = Buffer.concat([PNG_1X1, randomBytes(9 * 1024 * 1024)]);
    const stored = await uploadMedia<Media>(api.base, owner, { bytes, name: 'large.png', type: 'image/png' });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ sha256: sha256(bytes), sizeBytes: bytes.length });
    const key = `strata-media/media/${tenantId}/${sha256(bytes)}`;
    expect(s3.objects.get(key)?.body.equals(bytes)).toBe(true);
    expect(s3.objects.get(key)?.contentType).toBe('image/png');
    const operations = s3.requests.map((request) => request.operation);
    expect(operations).toContain('CreateMultipartUpload');
    expect(operations).toContain('CompleteMultipartUpload');
    expect(s3.pendingUploads()).toBe(0);
    // Nothing of it stays on local disk: staging is cleared, blobs live in the bucket only.
    expect(await readdir(path.join(dataDir, 'media', '.staging'))).toEqual([]);

    const response = await fetch(`${api.base}/vectors/media/${stored.body.id}/content`, { headers: { authorization: `Bearer ${owner}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('does not upload known bytes again, and deletes the object with the last record', async () => {
    const bytes = Buffer.from('small text on s3');
    const first = await uploadMedia<Media>(api.base, owner, { bytes, name: 'a.txt' });
    s3.requests.length = 0;
    const second = await uploadMedia<Media>(api.base, owner, { bytes, name: 'b.txt' });
    expect(second.body).toMatchObject({ created: true, deduplicated: true });
    expect(s3.requests.map((request) => request.operation)).not.toContain('PutObject');
    const key = `strata-media/media/${tenantId}/${sha256(bytes)}`;
    expect((await api.call(owner, 'DELETE', `/vectors/media/${first.body.id}`)).status).toBe(204);
    expect(s3.objects.has(key)).toBe(true);
    expect((await api.call(owner, 'DELETE', `/vectors/media/${second.body.id}`)).status).toBe(204);
    expect(s3.objects.has(key)).toBe(false);
  });

  it('answers 503 when S3 fails, and keeps neither an object nor a record', async () => {
    const objectsBefore = s3.objects.size;
    for (let i = 0; i < 5; i++) s3.failNext('PutObject', 503, 'SlowDown');
    const failed = await uploadMedia<Media>(api.base, owner, { bytes: Buffer.from('never stored'), name: 'n.txt' });
    expect(failed.status).toBe(503);
    expect(failed.body.error?.code).toBe('vectors.media_storage_unavailable');
    expect(s3.objects.size).toBe(objectsBefore);
    const rows = await api.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM media_object WHERE sha256 = $1`, [sha256(Buffer.from('never stored'))]);
    expect(rows[0].n).toBe('0');
    s3.reset();
  });

  it('refuses an over-size upload without touching the bucket', async () => {
    s3.requests.length = 0;
    const tooLarge = await uploadMedia<Media>(api.base, owner, { bytes: randomBytes(MAX_BYTES + 10), name: 'x.png' });
    expect(tooLarge.status).toBe(413);
    expect(s3.requests).toEqual([]);
  });
});
