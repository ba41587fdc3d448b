import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake S3-compatible object store on 127.0.0.1 speaking S3's REST protocol (path-style
 * addressing): PutObject, GetObject (with Range), HeadObject, DeleteObject, ListObjectsV2 and the
 * multipart upload calls, answering with S3's XML bodies and error codes. Hand-written because the
 * npm fakes (s3rver and the like) are unmaintained; it keeps objects in memory and checks that
 * requests are SigV4-signed by the expected access key (not the signature itself).
 *
 * Bodies sent with `aws-chunked` content encoding (the SDK's streaming checksums) are decoded.
 */
export interface FakeS3Object {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface FakeS3Request {
  method: string;
  bucket: string;
  key: string;
  /** The S3 operation as the fake understood it (PutObject, UploadPart, …). */
  operation: string;
  status: number;
}

export interface FakeS3 {
  /** Endpoint for the SDK (`forcePathStyle: true`), e.g. `http://127.0.0.1:41234`. */
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects per `<bucket>/<key>`. */
  objects: Map<string, FakeS3Object>;
  /** Multipart uploads not yet completed or aborted. */
  pendingUploads(): number;
  requests: FakeS3Request[];
  /** The next request of this operation fails with S3's error (e.g. 503 SlowDown, 500 InternalError). */
  failNext(operation: string, status: number, code: string): void;
  reset(): void;
  close(): Promise<void>;
}

interface PendingUpload {
  bucket: string;
  key: string;
  contentType: string;
  parts: Map<number, { body: Buffer; etag: string }>;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;
const XML_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export async function startFakeS3(options: { buckets?: string[]; accessKeyId?: string; secretAccessKey?: string } = {}): Promise<FakeS3> {
  const buckets = new Set(options.buckets ?? ['strata-media']);
  const accessKeyId = options.accessKeyId ?? 'AKIAFAKES3TESTKEY000';
  const secretAccessKey = options.secretAccessKey ?? 'fake-s3-secret-key-for-tests-only-000000';
  const objects = new Map<string, FakeS3Object>();
  const uploads = new Map<string, PendingUpload>();
  const requests: FakeS3Request[] = [];
  const failures: Array<{ operation: string; status: number; code: string }> = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, req.method === 'HEAD', 500, 'InternalError', error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-s3');
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    const query = url.searchParams;
    const operation = operationOf(method, key, query, req);
    const head = method === 'HEAD';
    const raw = await readBody(req);
    const record = (status: number) => requests.push({ method, bucket, key, operation, status });
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      record(status);
      sendError(res, head, status, code, message, { Key: key, BucketName: bucket, ...extra });
    };

    const authorization = req.headers.authorization ?? '';
    const credential = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(authorization)?.[1];
    if (!credential) return fail(403, 'AccessDenied', 'Access Denied');
    if (credential !== accessKeyId) return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const injected = failures.findIndex((failure) => failure.operation === operation);
    if (injected >= 0) {
      const [failure] = failures.splice(injected, 1);
      return fail(failure.status, failure.code, `Injected ${failure.code}.`);
    }
    if (!buckets.has(bucket)) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const objectKey = `${bucket}/${key}`;

    switch (operation) {
      case 'ListObjectsV2': {
        const prefix = query.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((name) => name.startsWith(`${bucket}/${prefix}`)).sort();
        const contents = keys
          .map((name) => {
            const object = objects.get(name) as FakeS3Object;
            return `<Contents><Key>${escapeXml(name.slice(bucket.length + 1))}</Key><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>${escapeXml(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          })
          .join('');
        record(200);
        return sendXml(
          res,
          200,
          `<ListBucketResult xmlns="${XML_NS}"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      case 'PutObject': {
        const body = decodeBody(req, raw);
        const md5 = req.headers['content-md5'];
        if (typeof md5 === 'string' && md5 !== createHash('md5').update(body).digest('base64')) {
          return fail(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
        }
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        objects.set(objectKey, { body, contentType: header(req, 'content-type') ?? 'binary/octet-stream', etag, lastModified: new Date(), metadata: metadataOf(req) });
        record(200);
        res.writeHead(200, { etag, 'x-amz-request-id': randomUUID() });
        return void res.end();
      }
      case 'GetObject':
      case 'HeadObject': {
        const object = objects.get(objectKey);
        if (!object) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          'content-type': object.contentType,
          etag: object.etag,
          'last-modified': object.lastModified.toUTCString(),
          'accept-ranges': 'bytes',
          'x-amz-request-id': randomUUID(),
        };
        for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
        let body = object.body;
        let status = 200;
        const range = /^bytes=(\d*)-(\d*)$/.exec(header(req, 'range') ?? '');
        if (range && !head) {
          const size = object.body.length;
          const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
          const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
          if (start >= size || start > end) return fail(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: header(req, 'range') ?? '' });
          body = object.body.subarray(start, end + 1);
          headers['content-range'] = `bytes ${start}-${end}/${size}`;
          status = 206;
        }
        headers['content-length'] = String(body.length);
        record(status);
        res.writeHead(status, headers);
        return void res.end(head ? undefined : body);
      }
      case 'DeleteObject': {
        // S3 answers 204 whether or not the key existed.
        objects.delete(objectKey);
        record(204);
        res.writeHead(204, { 'x-amz-request-id': randomUUID() });
        return void res.end();
      }
      case 'CreateMultipartUpload': {
        const uploadId = randomUUID().replaceAll('-', '');
        uploads.set(uploadId, { bucket, key, contentType: header(req, 'content-type') ?? 'binary/octet-stream', parts: new Map() });
        record(200);
        return sendXml(
          res,
          200,
          `<InitiateMultipartUploadResult xmlns="${XML_NS}"><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      case 'UploadPart': {
        const upload = uploads.get(query.get('uploadId') ?? '');
        if (!upload || upload.bucket !== bucket || upload.key !== key) return fail(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: query.get('uploadId') ?? '' });
        const partNumber = Number(query.get('partNumber'));
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) return fail(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
        const body = decodeBody(req, raw);
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        upload.parts.set(partNumber, { body, etag });
        record(200);
        res.writeHead(200, { etag, 'x-amz-request-id': randomUUID() });
        return void res.end();
      }
      case 'CompleteMultipartUpload': {
        const uploadId = query.get('uploadId') ?? '';
        const upload = uploads.get(uploadId);
        if (!upload || upload.bucket !== bucket || upload.key !== key) return fail(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
        const listed = [...raw.toString('utf8').matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((match) => ({
          partNumber: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(match[1])?.[1]),
          etag: unescapeXml(/<ETag>([^<]*)<\/ETag>/.exec(match[1])?.[1] ?? ''),
        }));
        if (!listed.length) return fail(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
        // S3's checks, in its order: the list's order, each part's presence and ETag, then part sizes.
        if (listed.some((entry, i) => i > 0 && entry.partNumber <= listed[i - 1].partNumber)) return fail(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
        if (listed.some((entry) => upload.parts.get(entry.partNumber)?.etag !== normalizeEtag(entry.etag))) {
          return fail(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
        }
        if (listed.some((entry, i) => i < listed.length - 1 && (upload.parts.get(entry.partNumber)?.body.length ?? 0) < MIN_PART_BYTES)) {
          return fail(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
        }
        const parts = listed.map((entry) => upload.parts.get(entry.partNumber) as { body: Buffer; etag: string });
        const digest = createHash('md5');
        for (const part of parts) digest.update(Buffer.from(part.etag.slice(1, -1), 'hex'));
        const etag = `"${digest.digest('hex')}-${parts.length}"`;
        objects.set(objectKey, { body: Buffer.concat(parts.map((part) => part.body)), contentType: upload.contentType, etag, lastModified: new Date(), metadata: {} });
        uploads.delete(uploadId);
        record(200);
        return sendXml(
          res,
          200,
          `<CompleteMultipartUploadResult xmlns="${XML_NS}"><Location>http://fake-s3/${escapeXml(objectKey)}</Location><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></CompleteMultipartUploadResult>`,
        );
      }
      case 'AbortMultipartUpload': {
        const uploadId = query.get('uploadId') ?? '';
        if (!uploads.delete(uploadId)) return fail(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
        record(204);
        res.writeHead(204, { 'x-amz-request-id': randomUUID() });
        return void res.end();
      }
      default:
        return fail(501, 'NotImplemented', `A header or query you provided implies functionality that is not implemented (${operation}).`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    objects,
    pendingUploads: () => uploads.size,
    requests,
    failNext: (operation, status, code) => void failures.push({ operation, status, code }),
    reset: () => {
      objects.clear();
      uploads.clear();
      requests.length = 0;
      failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function operationOf(method: string, key: string, query: URLSearchParams, req: IncomingMessage): string {
  if (!key) return method === 'GET' && query.get('list-type') === '2' ? 'ListObjectsV2' : `${method}Bucket`;
  if (method === 'PUT' && req.headers['x-amz-copy-source']) return 'CopyObject';
  if (method === 'PUT') return query.has('uploadId') ? 'UploadPart' : 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  return `${method}Object`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Undoes `aws-chunked` encoding: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0…\r\n<trailers>\r\n`. */
function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = header(req, 'content-encoding') ?? '';
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  if (!encoding.includes('aws-chunked') && !sha.startsWith('STREAMING-')) return raw;
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('malformed aws-chunked body');
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) throw new Error('malformed aws-chunked chunk size');
    if (size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function metadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  return metadata;
}

function normalizeEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amz-request-id': randomUUID() });
  res.end(body);
}

/** S3's error document; HEAD answers carry no body, only the status. */
function sendError(res: ServerResponse, head: boolean, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  if (head) {
    res.writeHead(status, { 'x-amz-request-id': randomUUID() });
    res.end();
    return;
  }
  const fields = Object.entries(extra)
    .filter(([, value]) => value)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  sendXml(res, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>${randomUUID()}</RequestId></Error>`);
}

function escapeXml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

function unescapeXml(value: string): string {
  return value.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
