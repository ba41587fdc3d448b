import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '@strata/testing';
import { MediaStorageUnavailableError } from './media.errors';
import { S3BlobStore } from './s3-blob-store';

async function bytesOf(stream: Readable | null): Promise<Buffer> {
  expect(stream).not.toBeNull();
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The S3 blob store against a fake S3 server speaking the REST protocol over HTTP. */
describe('S3BlobStore', () => {
  let s3: FakeS3;
  let store: S3BlobStore;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3 = await startFakeS3({ buckets: ['media-test'] });
    // Credentials through the AWS default chain, as in production.
    process.env['AWS_ACCESS_KEY_ID'] = s3.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = s3.secretAccessKey;
    store = new S3BlobStore({ bucket: 'media-test', endpoint: s3.url, region: 'eu-west-1', forcePathStyle: true, prefix: 'strata/' });
    dir = await mkdtemp(path.join(tmpdir(), 's3-blob-store-'));
  });
  afterEach(() => s3.reset());
  afterAll(async () => {
    store.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
    process.env = saved;
  });

  async function file(bytes: Buffer): Promise<string> {
    const name = path.join(dir, createHash('sha256').update(bytes).digest('hex'));
    await writeFile(name, bytes);
    return name;
  }

  it('puts, finds, streams and deletes a small object with one PUT', async () => {
    const bytes = Buffer.from('hello media store');
    await store.put('t1/abc', await file(bytes), 'text/plain');
    expect(s3.requests.map((request) => request.operation)).toEqual(['PutObject']);
    expect(s3.objects.get('media-test/strata/t1/abc')?.contentType).toBe('text/plain');
    expect(await store.exists('t1/abc')).toBe(true);
    expect(await bytesOf(await store.open('t1/abc'))).toEqual(bytes);
    await store.delete('t1/abc');
    expect(await store.exists('t1/abc')).toBe(false);
    expect(await store.open('t1/abc')).toBeNull();
    await store.delete('t1/abc'); // deleting a missing key is fine
  });

  it('streams a large file up as a multipart upload', async () => {
    const bytes = randomBytes(8 * 1024 * 1024 + 123_457);
    await store.put('t1/big', await file(bytes), 'image/png');
    const operations = s3.requests.map((request) => request.operation);
    expect(operations[0]).toBe('CreateMultipartUpload');
    expect(operations.filter((operation) => operation === 'UploadPart')).toHaveLength(2);
    expect(operations.at(-1)).toBe('CompleteMultipartUpload');
    expect(s3.objects.get('media-test/strata/t1/big')?.etag).toMatch(/-2"$/);
    expect(createHash('sha256').update(await bytesOf(await store.open('t1/big'))).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(s3.pendingUploads()).toBe(0);
  });

  it('aborts a multipart upload whose part fails, and reports the store as unavailable', async () => {
    const bytes = randomBytes(8 * 1024 * 1024 + 10);
    // More failures than the SDK's retries: the upload fails for good.
    for (let i = 0; i < 8; i++) s3.failNext('UploadPart', 500, 'InternalError');
    const error = await store.put('t1/broken', await file(bytes), 'image/png').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaStorageUnavailableError);
    expect((error as MediaStorageUnavailableError).kind).toBe('unavailable');
    expect(s3.requests.some((request) => request.operation === 'AbortMultipartUpload')).toBe(true);
    expect(s3.pendingUploads()).toBe(0);
    expect(s3.objects.size).toBe(0);
  });

  it('maps S3 errors: a missing bucket or a rejected key is unavailable, not "not found"', async () => {
    const noBucket = new S3BlobStore({ bucket: 'no-such-bucket', endpoint: s3.url, region: 'eu-west-1', forcePathStyle: true, prefix: '' });
    await expect(noBucket.put('t/x', await file(Buffer.from('x')), 'text/plain')).rejects.toBeInstanceOf(MediaStorageUnavailableError);
    const getError = await noBucket.open('t/x').catch((caught: unknown) => caught);
    expect(getError).toBeInstanceOf(MediaStorageUnavailableError);
    expect(((getError as Error).cause as Error).name).toBe('NoSuchBucket');
    noBucket.close();
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAUNKNOWN000000000';
    const rejected = new S3BlobStore({ bucket: 'media-test', endpoint: s3.url, region: 'eu-west-1', forcePathStyle: true, prefix: '' });
    const denied = await rejected.exists('t/x').catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(MediaStorageUnavailableError);
    rejected.close();
    process.env['AWS_ACCESS_KEY_ID'] = s3.accessKeyId;
  });
});
