import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface Provider {
  id: string;
  name: string;
  hasCredential: boolean;
  credentialType: string;
  credentialHint: string | null;
  credentialKeyId: string | null;
  credentialUpdatedAt: string | null;
}
interface PlaygroundAnswer {
  text: string;
  route: { alias?: string; providerName: string; catalogModel: string; attempts: Array<{ providerName: string; outcome: string }>; zeroDataRetention: boolean };
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/**
 * The gateway's REST API and playground over HTTP with fake providers: configuration, routing
 * errors (404 naming aliases, 502 naming attempts, no provider configured), fallback, permissions,
 * zero data retention, and a provider-key canary that must appear nowhere but sealed in its column.
 */
describe('model gateway over HTTP', () => {
  let api: ApiHarness;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let owner: string;
  const keys: Record<string, string> = {};
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const contextManager = new AsyncLocalStorageContextManager();
  const output: string[] = [];
  const responses: string[] = [];
  const canary = `sk-canary-${randomBytes(12).toString('hex')}`;
  const canary2 = `sk-canary-${randomBytes(12).toString('hex')}`;
  const restore: Array<() => void> = [];
  let providerId = '';

  /** Every call's raw answer is kept: the canary must not be in any of them. */
  async function call<T>(key: string | undefined, method: string, path: string, body?: unknown) {
    const response = await api.call<T>(key, method, path, body);
    responses.push(JSON.stringify(response.body ?? null));
    return response;
  }

  /** The API's log output: pino writes to fd 1 through sonic-boom (fs.write/fs.writeSync), Nest to process.stdout. */
  function captureOutput(): void {
    const capture = (fd: unknown, data: unknown) => {
      if (fd === 1 || fd === 2) output.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    };
    const originalWrite = fs.write;
    const originalWriteSync = fs.writeSync;
    const originalStdout = process.stdout.write.bind(process.stdout);
    // Log lines are kept, not printed (debug level would flood the test output).
    (fs as { write: unknown }).write = (fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd !== 1 && fd !== 2) return (originalWrite as (...args: unknown[]) => unknown)(fd, data, ...rest);
      capture(fd, data);
      const done = rest.at(-1);
      const written = Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));
      if (typeof done === 'function') process.nextTick(() => (done as (error: null, written: number) => void)(null, written));
    };
    (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd !== 1 && fd !== 2) return (originalWriteSync as (...args: unknown[]) => unknown)(fd, data, ...rest);
      capture(fd, data);
      return Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));
    };
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (originalStdout as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    restore.push(() => {
      (fs as { write: unknown }).write = originalWrite;
      (fs as { writeSync: unknown }).writeSync = originalWriteSync;
      process.stdout.write = originalStdout as typeof process.stdout.write;
    });
  }

  async function keyFor(role: string): Promise<string> {
    const account = await call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: `${role}-gw`, roles: [role] });
    const key = await call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: `${role}-gw`, serviceAccountId: account.body.id, roles: [role] });
    return key.body.token;
  }

  const ask = (key: string, body: Record<string, unknown>) => call<PlaygroundAnswer & ErrorBody>(key, 'POST', '/model-gateway/playground', body);

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    captureOutput();
    openai = await startFakeProvider('openai');
    anthropic = await startFakeProvider('anthropic');
    api = await startApiHarness({
      env: {
        LOG_LEVEL: 'debug',
        STRATA_MODEL_KEYS: `gw1:${randomBytes(32).toString('base64')}`,
        STRATA_MODEL_RETRIES: '1',
        STRATA_MODEL_BACKOFF_INITIAL_MS: '10',
        STRATA_MODEL_BACKOFF_MAX_MS: '200',
        STRATA_MODEL_ATTEMPT_TIMEOUT_MS: '1000',
        STRATA_MODEL_BREAKER_THRESHOLD: '100',
      },
    });
    owner = (await api.provision('gateway-http')).token;
    for (const role of ['builder', 'operator', 'viewer', 'auditor']) keys[role] = await keyFor(role);
  });
  afterAll(async () => {
    await api?.close();
    await openai?.close();
    await anthropic?.close();
    for (const undo of restore) undo();
    trace.disable();
    context.disable();
    await tracerProvider.shutdown();
  });

  it('asks to configure a provider when chat is requested without one', async () => {
    const response = await ask(owner, { model: 'fast', prompt: 'hello' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('model-gateway.no_provider_configured');
    expect(response.body.error.message).toContain('Models → Providers');
    expect(response.body.error.message).toContain('POST /model-gateway/providers');
    // Embeddings still work: the built-in local model is in every catalog.
    const catalog = await call<{ items: Array<{ id: string; kind: string }> }>(keys['viewer'], 'GET', '/model-gateway/catalog');
    expect(catalog.status).toBe(200);
    expect(catalog.body.items.map((item) => item.id)).toEqual(['embedding-default', 'local/strata-hashing-embed-v1']);
  });

  it('configures providers (write-only credentials), models and aliases', async () => {
    const created = await call<Provider>(owner, 'POST', '/model-gateway/providers', {
      name: 'openai',
      kind: 'openai',
      baseUrl: `${openai.url}/v1`,
      credentials: { type: 'api-key', apiKey: canary },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'openai', hasCredential: true, credentialType: 'api-key', credentialHint: `…${canary.slice(-4)}`, credentialKeyId: 'gw1' });
    providerId = created.body.id;
    const second = await call<Provider>(owner, 'POST', '/model-gateway/providers', {
      name: 'anthropic',
      kind: 'anthropic',
      baseUrl: anthropic.url,
      credentials: { type: 'api-key', apiKey: 'sk-ant-not-the-canary-000000000000' },
    });
    expect(second.status).toBe(201);

    const invalid = await call<ErrorBody>(owner, 'POST', '/model-gateway/providers', { name: 'bedrock', kind: 'bedrock', credentials: { type: 'api-key', apiKey: canary } });
    expect(invalid.status).toBe(400);
    const duplicate = await call<ErrorBody>(owner, 'POST', '/model-gateway/providers', { name: 'openai', kind: 'openai', credentials: { type: 'api-key', apiKey: canary } });
    expect(duplicate.status).toBe(409);

    const chat = { operation: 'chat', capabilities: { tools: true, structuredOutput: true, streaming: true }, contextWindow: 128_000, inputPricePerMTok: 0.15, outputPricePerMTok: '0.6' };
    const mini = await call<{ id: string; name: string; inputPricePerMTok: string }>(keys['builder'], 'POST', '/model-gateway/models', { ...chat, providerId, providerModelId: 'gpt-mini' });
    expect(mini.status).toBe(201);
    expect(mini.body).toMatchObject({ name: 'openai/gpt-mini', inputPricePerMTok: '0.15' });
    expect((await call(keys['builder'], 'POST', '/model-gateway/models', { ...chat, providerId: second.body.id, providerModelId: 'claude-haiku' })).status).toBe(201);
    const fast = await call<{ id: string }>(keys['builder'], 'POST', '/model-gateway/aliases', {
      name: 'fast',
      operation: 'chat',
      taskClasses: ['summarize'],
      targets: [{ model: 'openai/gpt-mini' }, { model: 'anthropic/claude-haiku' }],
    });
    expect(fast.status).toBe(201);
    const privateAlias = await call(keys['builder'], 'POST', '/model-gateway/aliases', { name: 'private', operation: 'chat', targets: [{ model: 'openai/gpt-mini' }], zeroDataRetention: true });
    expect(privateAlias.status).toBe(201);
    const badTarget = await call<ErrorBody>(keys['builder'], 'POST', '/model-gateway/aliases', { name: 'broken', operation: 'chat', targets: [{ model: 'openai/nope' }] });
    expect(badTarget.status).toBe(400);
    expect(badTarget.body.error.message).toContain('openai/nope');

    const listed = await call<{ items: Provider[] }>(keys['auditor'], 'GET', '/model-gateway/providers');
    expect(listed.body.items.map((item) => item.name)).toEqual(['anthropic', 'openai']);
  });

  it('enforces the built-in roles', async () => {
    expect((await call(keys['viewer'], 'POST', '/model-gateway/providers', { name: 'x', kind: 'openai', credentials: { type: 'api-key', apiKey: 'sk-x-000000000000000000' } })).status).toBe(403);
    expect((await call(keys['builder'], 'POST', '/model-gateway/providers', { name: 'x', kind: 'openai', credentials: { type: 'api-key', apiKey: 'sk-x-000000000000000000' } })).status).toBe(403);
    expect((await call(keys['builder'], 'GET', '/model-gateway/providers')).status).toBe(200);
    expect((await call(keys['viewer'], 'GET', '/model-gateway/providers')).status).toBe(403);
    expect((await call(keys['viewer'], 'GET', '/model-gateway/aliases')).status).toBe(200);
    expect((await ask(keys['viewer'], { model: 'fast', prompt: 'hi' })).status).toBe(403);
    expect((await call(keys['auditor'], 'PUT', '/model-gateway/settings', { contentCapture: true })).status).toBe(403);
    expect((await call(keys['operator'], 'POST', '/model-gateway/aliases', { name: 'ops', operation: 'chat', targets: [{ model: 'openai/gpt-mini' }] })).status).toBe(403);
  });

  it('answers the playground with the routed model, latency and tokens', async () => {
    openai.reset();
    const response = await ask(keys['operator'], { alias: 'fast', prompt: 'Say hello', maxOutputTokens: 50 });
    expect(response.status).toBe(200);
    expect(response.body.text).toBe('echo: Say hello');
    expect(response.body.route).toMatchObject({ alias: 'fast', providerName: 'openai', catalogModel: 'openai/gpt-mini', zeroDataRetention: false });
    expect(response.body.usage.inputTokens).toBeGreaterThan(0);
    expect(openai.requests[0].headers.authorization).toBe(`Bearer ${canary}`);
  });

  it('answers an unknown alias with 404 naming the available ones, and bad input with 400 and its path', async () => {
    const unknown = await ask(owner, { model: 'fastest', prompt: 'hi' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('model-gateway.unknown_model');
    expect(unknown.body.error.message).toContain('fast');
    expect(unknown.body.error.message).toContain('private');
    expect(unknown.body.error.details?.['available']).toMatchObject({ aliases: ['fast', 'private'] });
    const invalid = await ask(owner, { model: 'fast', prompt: 'hi', maxOutputTokens: -1 });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.error.details)).toContain('maxOutputTokens');
  });

  it('falls back across providers on 500 and 429, and fails with 502 naming every attempt', async () => {
    openai.reset();
    anthropic.reset();
    openai.script({ error: { status: 500 } }, { retryAfter: 60 });
    const fallback = await ask(owner, { model: 'fast', prompt: 'fall back' });
    expect(fallback.status).toBe(200);
    expect(fallback.body.route.providerName).toBe('anthropic');
    expect(fallback.body.route.attempts.map((attempt) => `${attempt.providerName}:${attempt.outcome}`)).toEqual(['openai:error', 'anthropic:success']);

    openai.script({ error: { status: 503 } }, { error: { status: 503 } });
    anthropic.script({ error: 'overloaded' }, { error: 'overloaded' });
    const failed = await ask(owner, { model: 'fast', prompt: 'nobody' });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('model-gateway.all_routes_failed');
    expect(failed.body.error.message).toContain('openai/gpt-mini: server (503)');
    expect(failed.body.error.message).toContain('anthropic/claude-haiku');
    expect(failed.body.error.details?.['attempts']).toHaveLength(2);
  });

  it('never repeats a key a provider echoes in its error, and reports a rejected credential as such', async () => {
    openai.reset();
    openai.script({ error: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: `Incorrect API key provided: ${canary}.` } });
    const rejected = await ask(owner, { model: 'openai/gpt-mini', prompt: 'with a bad key' });
    expect(rejected.status).toBe(409);
    expect(rejected.body.error.code).toBe('model-gateway.provider_auth_failed');
    openai.script({ error: { status: 400, message: `Bad request for key ${canary}` } });
    const invalid = await ask(owner, { model: 'openai/gpt-mini', prompt: 'bad request' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('model-gateway.provider_rejected_request');
  });

  it('replaces credentials write-only and re-wraps them on request', async () => {
    const replaced = await call<Provider>(owner, 'PUT', `/model-gateway/providers/${providerId}/credentials`, { type: 'api-key', apiKey: canary2 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ hasCredential: true, credentialHint: `…${canary2.slice(-4)}` });
    openai.reset();
    expect((await ask(owner, { model: 'openai/gpt-mini', prompt: 'new key' })).status).toBe(200);
    expect(openai.requests[0].headers.authorization).toBe(`Bearer ${canary2}`);
    const rotated = await call<{ activeKeyId: string; rewrapped: number }>(owner, 'POST', '/model-gateway/providers/rotate-credentials');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ activeKeyId: 'gw1', rewrapped: 0 });
  });

  it('records redacted content only when the tenant opted in, and never under zero data retention', async () => {
    expect((await call(owner, 'PUT', '/model-gateway/settings', { contentCapture: true })).status).toBe(200);
    spans.reset();
    openai.reset();
    expect((await ask(owner, { model: 'fast', prompt: 'captured prompt' })).status).toBe(200);
    expect((await ask(owner, { model: 'private', prompt: 'zdr prompt' })).status).toBe(200);
    const chatSpans = spans.getFinishedSpans().filter((span) => span.name === 'chat gpt-mini');
    expect(chatSpans).toHaveLength(2);
    expect(String(chatSpans[0].attributes['gen_ai.input.messages'])).toContain('captured prompt');
    expect(chatSpans[1].attributes['gen_ai.input.messages']).toBeUndefined();
    expect(chatSpans[1].attributes['strata.gateway.zero_data_retention']).toBe(true);
    expect(JSON.stringify(spans.getFinishedSpans().map((span) => span.attributes))).not.toContain('zdr prompt');
    // The provider was asked not to store it either.
    expect(openai.requests[1].body.store).toBe(false);
    expect((await call(owner, 'PUT', '/model-gateway/settings', { zeroDataRetention: true })).status).toBe(200);
    spans.reset();
    expect((await ask(owner, { model: 'fast', prompt: 'tenant zdr prompt' })).status).toBe(200);
    expect(JSON.stringify(spans.getFinishedSpans().map((span) => span.attributes))).not.toContain('tenant zdr prompt');
  });

  it('canary: the provider key appears nowhere but sealed in its encrypted column', async () => {
    // Let batched writers (usage, audit) flush.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const tables = await api.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const rows = await api.db.query(`SELECT * FROM "${table_name}"`);
      dump.push(`${table_name}: ${JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`);
    }
    const database = dump.join('\n');
    const spanText = JSON.stringify(
      spans.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })),
    );
    const logs = output.join('');
    const audit = await api.db.query<{ details: unknown }>(`SELECT * FROM audit_entry`);
    expect(database).toContain('model_provider');
    expect(audit.length).toBeGreaterThan(5);
    expect(logs).toContain('/model-gateway/playground');
    expect(logs).toContain('"code":"model-gateway.all_routes_failed"');
    expect(responses.length).toBeGreaterThan(20);

    const sealed = await api.db.query<{ credential_ciphertext: string }>(`SELECT credential_ciphertext FROM model_provider WHERE name = 'openai'`);
    expect(sealed[0].credential_ciphertext).toMatch(/^v1\.gw1\./);
    for (const secret of [canary, canary2]) {
      const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('hex')];
      for (const form of forms) {
        expect(database, 'database').not.toContain(form);
        expect(spanText, 'spans').not.toContain(form);
        expect(logs, 'logs').not.toContain(form);
        expect(JSON.stringify(audit), 'audit').not.toContain(form);
        expect(responses.join('\n'), 'responses').not.toContain(form);
      }
      // The part after the prefix, in case something kept a slice of it.
      expect(database + spanText + logs + responses.join('')).not.toContain(secret.slice(10, 30));
    }
  });
});
