import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './api-client';

describe('api client', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.setHeader('content-type', 'application/json');
      if (request.url === '/ok') return response.end(JSON.stringify({ fine: true }));
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

  it('accepts statuses the caller declares as answers', async () => {
    const client = createApiClient({ baseUrl, apiKey: () => null });
    expect(await client.get('/unready', [503])).toEqual({ status: 'unavailable' });
  });

  it('reports an unreachable API as a network error', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:1', apiKey: () => null });
    await expect(client.get('/ok')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});
