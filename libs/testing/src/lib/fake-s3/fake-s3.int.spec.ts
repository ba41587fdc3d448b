import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from './fake-s3-server';

/** The fake's own wire behaviour (the SDK-level round trips are in libs/vectors' S3BlobStore suite). */
describe('fake S3 server', () => {
  let s3: FakeS3;
  const signed = (s3Key: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${s3Key}/20261122/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00` });

  beforeAll(async () => {
    s3 = await startFakeS3({ buckets: ['b'] });
  });
  afterAll(() => s3.close());

  it('refuses unsigned requests and unknown access keys with S3 XML errors', async () => {
    const unsigned = await fetch(`${s3.url}/b/k`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
    const unknown = await fetch(`${s3.url}/b/k`, { headers: signed('AKIAOTHER') });
    expect(unknown.status).toBe(403);
    expect(await unknown.text()).toContain('<Code>InvalidAccessKeyId</Code>');
  });

  it('answers PUT, GET with Range, HEAD and DELETE like S3, and 404s with NoSuchKey / NoSuchBucket', async () => {
    const put = await fetch(`${s3.url}/b/dir/k%20x`, { method: 'PUT', body: 'hello world', headers: { ...signed(s3.accessKeyId), 'content-type': 'text/plain' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    expect(s3.objects.get('b/dir/k x')?.body.toString()).toBe('hello world');
    const range = await fetch(`${s3.url}/b/dir/k%20x`, { headers: { ...signed(s3.accessKeyId), range: 'bytes=6-' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 6-10/11');
    expect(await range.text()).toBe('world');
    const head = await fetch(`${s3.url}/b/dir/k%20x`, { method: 'HEAD', headers: signed(s3.accessKeyId) });
    expect(head.headers.get('content-length')).toBe('11');
    expect((await fetch(`${s3.url}/b/dir/k%20x`, { method: 'DELETE', headers: signed(s3.accessKeyId) })).status).toBe(204);
    const missing = await fetch(`${s3.url}/b/dir/k%20x`, { headers: signed(s3.accessKeyId) });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>dir\/k x<\/Key>/);
    const missingHead = await fetch(`${s3.url}/b/nothing`, { method: 'HEAD', headers: signed(s3.accessKeyId) });
    expect(missingHead.status).toBe(404);
    expect(await missingHead.text()).toBe('');
    const noBucket = await fetch(`${s3.url}/nope/k`, { headers: signed(s3.accessKeyId) });
    expect(await noBucket.text()).toContain('<Code>NoSuchBucket</Code>');
  });

  it('checks multipart uploads: part order, part ETags and the 5 MiB minimum of all parts but the last', async () => {
    const auth = signed(s3.accessKeyId);
    const created = await (await fetch(`${s3.url}/b/m?uploads`, { method: 'POST', headers: auth })).text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1] as string;
    const part1 = await fetch(`${s3.url}/b/m?partNumber=1&uploadId=${uploadId}`, { method: 'PUT', body: 'small', headers: auth });
    const part2 = await fetch(`${s3.url}/b/m?partNumber=2&uploadId=${uploadId}`, { method: 'PUT', body: 'tail', headers: auth });
    const xml = (parts: Array<[number, string | null]>) =>
      `<CompleteMultipartUpload>${parts.map(([n, etag]) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const complete = (body: string) => fetch(`${s3.url}/b/m?uploadId=${uploadId}`, { method: 'POST', body, headers: auth });
    const tooSmall = await complete(xml([[1, part1.headers.get('etag')], [2, part2.headers.get('etag')]]));
    expect(tooSmall.status).toBe(400);
    expect(await tooSmall.text()).toContain('<Code>EntityTooSmall</Code>');
    expect(await (await complete(xml([[2, part2.headers.get('etag')], [1, part1.headers.get('etag')]]))).text()).toContain('InvalidPartOrder');
    expect(await (await complete(xml([[1, '"0000"']]))).text()).toContain('InvalidPart');
    const single = await complete(xml([[1, part1.headers.get('etag')]]));
    expect(single.status).toBe(200);
    expect(await single.text()).toMatch(/<ETag>&quot;[0-9a-f]{32}-1&quot;<\/ETag>/);
    expect(s3.objects.get('b/m')?.body.toString()).toBe('small');
    expect(s3.pendingUploads()).toBe(0);
    expect((await fetch(`${s3.url}/b/m?uploadId=${uploadId}`, { method: 'DELETE', headers: auth })).status).toBe(404);
  });
});
