import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, filenameOf, queryString } from './api-client';

describe('api client', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.setHeader('content-type', 'application/json');
      if (request.url === '/ok') return response.end(JSON.stringify({ fine: true }));
      if (request.url === '/invalid') {
        response.statusCode = 400;
        return response.end(
          JSON.stringify({
            error: { code: 'governance.invalid_policy', message: 'The policy is not valid.', requestId: 'r-2', details: { issues: [{ path: '0.subject', message: 'unknown subject Nope' }] } },
          }),
        );
      }
      if (request.url === '/export?format=csv') {
        response.setHeader('content-type', 'text/csv');
        response.setHeader('content-disposition', 'attachment; filename="audit-default.csv"');
        return response.end('seq,action\n1,policy.publish\n');
      }
      if (request.url === '/unready') {
        response.statusCode = 503;
        return response.end(JSON.stringify({ status: 'unavailable' }));
      }
      response.statusCode = 409;
      response.end(JSON.stringify({ error: { code: 'governance.approval_decided', message: 'Already decided.', requestId: 'r-1' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the API key as a bearer token and returns the JSON body', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => 'sk_test_123' });
    expect(await client.get('/ok')).toEqual({ fine: true });
    expect(seen.at(-1)).toEqual({ url: '/ok', authorization: 'Bearer sk_test_123' });
  });

  it('turns the error envelope into an ApiError with the stable code and request id', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => null });
    const error = await client.get('/conflict').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'governance.approval_decided', message: 'Already decided.', requestId: 'r-1' });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('keeps the details of an error and exposes its field issues', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => null });
    const error = (await client.put('/invalid', { rules: [] }).catch((caught: unknown) => caught)) as ApiError;
    expect(error.status).toBe(400);
    expect(error.issues).toEqual([{ path: '0.subject', message: 'unknown subject Nope' }]);
    expect(new ApiError(409, 'x', 'y').issues).toEqual([]);
  });

  it('downloads a streamed file with the bearer header and the suggested name', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => 'sk_test_123' });
    const file = await client.download('/export?format=csv');
    expect(file.filename).toBe('audit-default.csv');
    expect(await file.blob.text()).toBe('seq,action\n1,policy.publish\n');
    expect(seen.at(-1)).toEqual({ url: '/export?format=csv', authorization: 'Bearer sk_test_123' });
  });

  it('accepts statuses the caller declares as answers', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => null });
    expect(await client.get('/unready', [503])).toEqual({ status: 'unavailable' });
  });

  it('reports an unreachable API as a network error', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:1', apiKey: () => null });
    await expect(client.get('/ok')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});

describe('request helpers', () => {
  it('reads the file name of a Content-Disposition header', () => {
    expect(filenameOf('attachment; filename="audit.ndjson"')).toBe('audit.ndjson');
    expect(filenameOf("attachment; filename*=UTF-8''audit%20log.csv")).toBe('audit log.csv');
    expect(filenameOf('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(filenameOf('attachment')).toBeUndefined();
    expect(filenameOf(null)).toBeUndefined();
  });

  it('builds a query string from the values that are set', () => {
    expect(queryString({ limit: 50, cursor: undefined, status: '', forMe: true, q: 'a b' })).toBe('?limit=50&forMe=true&q=a+b');
    expect(queryString({ cursor: undefined })).toBe('');
  });
});
