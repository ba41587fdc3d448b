import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './api-client';
import { asPage } from './vectors';

describe('vectors api', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.setHeader('content-type', 'application/json');
        if (request.url === '/vectors/media') {
          response.statusCode = 201;
          return response.end(JSON.stringify({ id: 'm1', filename: 'notes.md' }));
        }
        response.statusCode = 415;
        response.end(JSON.stringify({ error: { code: 'vectors.unsupported_media_type', message: 'Detected application/zip.' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('uploads a FormData body as multipart/form-data with the bearer key', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => 'key-1' });
    const form = new FormData();
    form.append('classification', 'internal');
    form.append('file', new Blob(['# Title\n\nBody'], { type: 'text/markdown' }), 'notes.md');
    expect(await client.postForm<{ id: string }>('/vectors/media', form)).toEqual({ id: 'm1', filename: 'notes.md' });
    const request = seen.at(-1);
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.headers.authorization).toBe('Bearer key-1');
    expect(request?.body).toContain('name="classification"');
    expect(request?.body).toContain('filename="notes.md"');
    expect(request?.body).toContain('# Title');
  });

  it('turns an upload refusal into an ApiError with its code', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => null });
    const failure = await client.postForm('/other', new FormData()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('vectors.unsupported_media_type');
    expect((failure as ApiError).status).toBe(415);
  });

  it('reads a list answer as a page, paged or whole', async () => {
    expect(await asPage(Promise.resolve({ items: [1, 2], nextCursor: 'c' }))).toEqual({ items: [1, 2], nextCursor: 'c' });
    expect(await asPage(Promise.resolve({ items: [1] }))).toEqual({ items: [1], nextCursor: null });
    expect(await asPage(Promise.resolve([3]))).toEqual({ items: [3], nextCursor: null });
  });
});
