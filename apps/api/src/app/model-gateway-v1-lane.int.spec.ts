import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { V1ApiLane } from '@strata/model-gateway';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

/**
 * The /v1 lane (V1ApiLane, attached in front of Express by the API app): it serves the hot /v1
 * routes, and those keep the app's HTTP edge (request id, security headers, body limits and their
 * error envelope) and authentication's revocation bounds. The /v1 behaviour itself is covered by
 * model-gateway-v1.int.spec.ts (official clients), which runs through the lane too.
 */
describe('model gateway /v1 lane', () => {
  let api: ApiHarness;
  let owner: string;
  let fake: FakeProvider;

  const chatBody = { model: 'fast', messages: [{ role: 'user', content: 'Hello' }] };
  const chat = (key: string, body: unknown = chatBody, headers: Record<string, string> = {}) =>
    fetch(`${api.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function post<T = { id: string }>(path: string, body: unknown): Promise<T> {
    const response = await api.call<T>(owner, 'POST', path, body);
    if (response.status !== 201 && response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function keyFor(name: string): Promise<{ token: string; id: string }> {
    const account = await post('/governance/service-accounts', { name, roles: ['builder'] });
    const key = await post<{ token: string; apiKey: { id: string } }>('/governance/api-keys', { name: `${name} key`, serviceAccountId: account.id, roles: ['builder'] });
    return { token: key.token, id: key.apiKey.id };
  }

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    api = await startApiHarness({ env: { STRATA_MODEL_RETRIES: '0', STRATA_BODY_LIMIT: '4kb' } });
    owner = (await api.provision('lane')).token;
    const provider = await post('/model-gateway/providers', { name: 'oa', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-fake' } });
    await post('/model-gateway/models', { providerId: provider.id, providerModelId: 'gpt-test', operation: 'chat', contextWindow: 128_000 });
    await post('/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'oa/gpt-test' }] });
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('serves POST /v1/chat/completions and /v1/messages itself, everything else through Nest', async () => {
    const serve = vi.spyOn(V1ApiLane.prototype, 'serve');
    const { token } = await keyFor('lane-bot');
    const response = await chat(token, chatBody, { 'x-request-id': 'lane-req-1' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    // The app's edge: the caller's request id and the security headers, as on every route.
    expect(response.headers.get('x-request-id')).toBe('lane-req-1');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(serve).toHaveBeenCalledTimes(1);

    const messages = await fetch(`${api.base}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(messages.status).toBe(200);
    expect(serve).toHaveBeenCalledTimes(2);

    // Not the lane's: other methods, other /v1 routes, other spellings.
    expect((await api.call(token, 'GET', '/v1/models')).status).toBe(200);
    expect((await api.call(token, 'GET', '/v1/chat/completions')).status).toBe(404);
    expect((await api.call(token, 'POST', '/v1/chat/completions/', chatBody)).status).toBe(200);
    expect(serve).toHaveBeenCalledTimes(2);
  });

  it('answers failures in the route’s envelope, and body errors as every other route does', async () => {
    const anonymous = await fetch(`${api.base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: 'authentication_error', code: 'governance.unauthenticated' } });

    const { token } = await keyFor('body-bot');
    const malformed = await chat(token, '{"model": ');
    expect(malformed.status).toBe(400);
    const malformedBody = (await malformed.json()) as { error: { code: string; requestId: string } };
    expect(malformedBody.error.code).toBe('http.malformed_json');
    expect(malformedBody.error.requestId).toBe(malformed.headers.get('x-request-id'));

    const large = await chat(token, { ...chatBody, messages: [{ role: 'user', content: 'x'.repeat(8192) }] });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ error: { code: 'http.payload_too_large', details: { limitBytes: 4096 } } });

    const invalid = await chat(token, { model: 'fast', messages: 'nope' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
  });

  it('refuses a revoked key at once on this node, and within the verified-key cache bound when revoked elsewhere', async () => {
    const here = await keyFor('revoked-here');
    expect((await chat(here.token)).status).toBe(200);
    expect((await api.call(owner, 'POST', `/governance/api-keys/${here.id}/revoke`)).status).toBe(200);
    expect((await chat(here.token)).status).toBe(401);

    // Revoked by another node (straight in the database): this node's cache may accept the key
    // until its entry is VerifiedApiKeyCache.TTL_MS (5 s) old, never longer.
    const elsewhere = await keyFor('revoked-elsewhere');
    expect((await chat(elsewhere.token)).status).toBe(200);
    const verifiedAt = Date.now();
    await api.db.query('UPDATE api_key SET revoked_at = now() WHERE id = $1', [elsewhere.id]);
    const deadline = verifiedAt + 5_000 + 1_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await chat(elsewhere.token)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
    expect(Date.now()).toBeLessThan(deadline);
  }, 20_000);
});
