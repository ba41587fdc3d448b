import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, loadConfig, newId, RequestContextStore, SystemClock, type Actor } from '@strata/kernel';
import { DatabaseModule } from '@strata/db';
import { auditOptionsFromConfig, GovernanceModule } from '@strata/governance';
import { ObservabilityModule } from '@strata/observability';
import { createTestDatabase, startFakeProvider, type FakeProvider, type TestDatabase } from '@strata/testing';
import { AliasesService } from '../catalog/aliases.service';
import { CatalogModelsService } from '../catalog/catalog-models.service';
import { ProvidersService } from '../catalog/providers.service';
import { CredentialRotation } from '../credentials/credential-rotation.service';
import { ModelGatewayModule } from '../model-gateway.module';
import type { ChatStreamEvent } from '../providers/model-provider';
import { GatewaySettingsService } from '../settings/gateway-settings.service';
import { ModelGateway } from './model-gateway.service';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class TestClockModule {}

const key = () => randomBytes(32).toString('base64');

async function gatewayApp(db: TestDatabase, env: Record<string, string>): Promise<INestApplicationContext> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    STRATA_DATA_DIR: path.join(tmpdir(), 'strata-gateway-tests'),
    STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: '600000',
    STRATA_APPROVAL_SWEEP_INTERVAL_MS: '600000',
    STRATA_MODEL_RETRIES: '1',
    STRATA_MODEL_BACKOFF_INITIAL_MS: '10',
    STRATA_MODEL_BACKOFF_MAX_MS: '200',
    STRATA_MODEL_ATTEMPT_TIMEOUT_MS: '500',
    STRATA_MODEL_BREAKER_THRESHOLD: '100',
    STRATA_MODEL_BREAKER_HALF_OPEN_MS: '60000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false }),
      TestClockModule,
      ObservabilityModule.forRoot(config),
      GovernanceModule.forRoot({ audit: auditOptionsFromConfig(config), approvals: { sweepIntervalMs: 600_000 } }),
      ModelGatewayModule.forRoot(config),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function readAll(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _event of events) continue;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; kind: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a failure');
}

describe('ModelGateway with its catalog (database, fake providers)', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  const tenantId = newId();
  const owner: Actor = { type: 'user', id: newId(), roles: ['owner'] };
  const as = <T>(fn: () => Promise<T>, actor: Actor = owner, tenant = tenantId) => RequestContextStore.run({ requestId: newId(), tenantId: tenant, actor }, fn);
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    openai = await startFakeProvider('openai');
    anthropic = await startFakeProvider('anthropic');
    await db.prisma.tenant.create({ data: { id: tenantId, slug: `t-${tenantId.slice(-8)}`, name: 'Gateway tests' } });
    app = await gatewayApp(db, { STRATA_MODEL_KEYS: k1 });
    const providers = app.get(ProvidersService);
    const models = app.get(CatalogModelsService);
    const aliases = app.get(AliasesService);
    await as(async () => {
      ids['openai'] = (await providers.create({ name: 'openai', kind: 'openai', baseUrl: `${openai.url}/v1`, options: {}, enabled: true, credentials: { type: 'api-key', apiKey: 'sk-openai-test-0000000000001234' } })).id;
      ids['anthropic'] = (await providers.create({ name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.url, options: {}, enabled: true, credentials: { type: 'api-key', apiKey: 'sk-ant-test-00000000000000005678' } })).id;
      const chatModel = { operation: 'chat' as const, capabilities: { tools: true, structuredOutput: true, streaming: true }, inputPricePerMTok: '1', outputPricePerMTok: '2', enabled: true };
      await models.create({ ...chatModel, providerId: ids['openai'], providerModelId: 'gpt-mini', contextWindow: 4_000 });
      await models.create({ ...chatModel, providerId: ids['anthropic'], providerModelId: 'claude-haiku', contextWindow: 200_000, inputPricePerMTok: '0.5' });
      await aliases.create({ name: 'fast', description: '', operation: 'chat', taskClasses: ['summarize'], strategy: 'priority', targets: [{ model: 'openai/gpt-mini', weight: 1 }, { model: 'anthropic/claude-haiku', weight: 1 }], zeroDataRetention: false });
    });
  });
  afterAll(async () => {
    await app?.close();
    await openai?.close();
    await anthropic?.close();
    await db?.close();
  });

  it('stores credentials only sealed, and answers with a hint, never the key', async () => {
    const rows = await db.query<{ credential_ciphertext: string; credential_key_id: string; credential_hint: string }>(
      'SELECT credential_ciphertext, credential_key_id, credential_hint FROM model_provider WHERE tenant_id = $1 ORDER BY name',
      [tenantId],
    );
    expect(rows.map((row) => row.credential_key_id)).toEqual(['k1', 'k1']);
    expect(rows.map((row) => row.credential_hint)).toEqual(['…5678', '…1234']);
    for (const row of rows) expect(row.credential_ciphertext).not.toMatch(/sk-(openai|ant)-test/);
    const dto = await as(() => app.get(ProvidersService).get(ids['openai']));
    expect(dto).toMatchObject({ hasCredential: true, credentialType: 'api-key', credentialHint: '…1234', credentialKeyId: 'k1' });
    expect(JSON.stringify(dto)).not.toContain('sk-openai-test');
  });

  it('routes an alias to its first target, sending the decrypted key and the provider model id', async () => {
    openai.reset();
    const { response, route } = await as(() => app.get(ModelGateway).chat({ model: 'fast', messages: [{ role: 'user', content: 'hello there' }] }));
    expect(response.text).toBe('echo: hello there');
    expect(route).toMatchObject({ alias: 'fast', providerName: 'openai', catalogModel: 'openai/gpt-mini', model: 'gpt-mini', zeroDataRetention: false });
    expect(route.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    expect(openai.requests[0].headers.authorization).toBe('Bearer sk-openai-test-0000000000001234');
    expect(openai.requests[0].body.model).toBe('gpt-mini');
  });

  for (const [label, reply] of [
    ['500', { error: { status: 500 } }],
    ['429 with Retry-After', { retryAfter: 120 }],
    ['timeout', { hang: true }],
    ['context overflow', { error: 'context_overflow' as const }],
  ] as const) {
    it(`falls back to the next provider on ${label}`, async () => {
      openai.reset();
      anthropic.reset();
      // Retry-After 120 s is beyond the 200 ms cap: no retry, straight to the fallback.
      openai.script(reply, reply);
      const { response, route } = await as(() => app.get(ModelGateway).chat({ model: 'fast', messages: [{ role: 'user', content: `fallback ${label}` }] }));
      expect(response.text).toBe(`echo: fallback ${label}`);
      expect(route.providerName).toBe('anthropic');
      expect(route.attempts[0]).toMatchObject({ providerName: 'openai', outcome: 'error' });
      expect(route.attempts.at(-1)).toMatchObject({ providerName: 'anthropic', outcome: 'success' });
      expect(anthropic.requests).toHaveLength(1);
    });
  }

  it('skips models whose context window is too small before calling them', async () => {
    openai.reset();
    anthropic.reset();
    const long = 'word '.repeat(5_000);
    const { route } = await as(() => app.get(ModelGateway).chat({ model: 'fast', messages: [{ role: 'user', content: long }] }));
    expect(route.providerName).toBe('anthropic');
    expect(route.attempts).toHaveLength(1);
    expect(openai.requests).toHaveLength(0);
  });

  it('gives up at once on an invalid request, with the provider\'s reason and no fallback', async () => {
    openai.reset();
    anthropic.reset();
    openai.script({ error: { status: 400, type: 'invalid_request_error', message: 'tools[0].name is invalid' } });
    const error = await failure(as(() => app.get(ModelGateway).chat({ model: 'fast', messages: [{ role: 'user', content: 'bad' }] })));
    expect(error.code).toBe('model-gateway.provider_rejected_request');
    expect(error.kind).toBe('invalid_argument');
    expect(anthropic.requests).toHaveLength(0);
  });

  it('streams, falling back before the first event only', async () => {
    openai.reset();
    anthropic.reset();
    openai.script({ error: { status: 503 } }, { error: { status: 503 } });
    const stream = await as(() => app.get(ModelGateway).streamChat({ model: 'fast', messages: [{ role: 'user', content: 'stream me please' }] }));
    const events: ChatStreamEvent[] = [];
    for await (const event of stream.events) events.push(event);
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text).join('')).toBe('echo: stream me please');
    expect(events.at(-1)?.type).toBe('finish');
    expect(stream.route()).toMatchObject({ providerName: 'anthropic' });
    expect(stream.route().timeToFirstChunkMs).toBeGreaterThan(0);
  });

  it('opens the breaker of a dead endpoint, skips it without calling it, and names every attempt when all fail (502)', async () => {
    // Its own process-like instance: threshold 2, so the other tests' failures do not count.
    const breakerApp = await gatewayApp(db, { STRATA_MODEL_KEYS: k1, STRATA_MODEL_BREAKER_THRESHOLD: '2' });
    try {
      openai.reset();
      anthropic.reset();
      const gateway = breakerApp.get(ModelGateway);
      // One retry: the first call fails twice on openai, which opens its circuit.
      openai.script({ error: { status: 500 } }, { error: { status: 500 } });
      await as(() => gateway.chat({ model: 'fast', messages: [{ role: 'user', content: 'one' }] }));
      expect(gateway.circuitState(ids['openai'])).toBe('open');
      const before = openai.requests.length;
      const { route } = await as(() => gateway.chat({ model: 'fast', messages: [{ role: 'user', content: 'two' }] }));
      expect(openai.requests.length).toBe(before);
      expect(route.attempts[0]).toMatchObject({ providerName: 'openai', outcome: 'skipped_circuit_open' });
      expect(route.providerName).toBe('anthropic');

      anthropic.script({ error: 'overloaded' }, { error: 'overloaded' });
      const error = await failure(as(() => gateway.chat({ model: 'fast', messages: [{ role: 'user', content: 'nobody home' }] })));
      expect(error.code).toBe('model-gateway.all_routes_failed');
      expect(error.kind).toBe('bad_gateway');
      expect(error.message).toContain('openai/gpt-mini: circuit open');
      expect(error.message).toMatch(/anthropic\/claude-haiku: server \(5\d\d\)/);
      expect(error.details['attempts']).toHaveLength(2);
    } finally {
      await breakerApp.close();
    }
  });

  it('passes same-format traffic through unchanged but for the model, metering its usage', async () => {
    openai.reset();
    const gateway = app.get(ModelGateway);
    const body = { model: 'fast', messages: [{ role: 'user', content: 'pass me through' }], stream: true, stream_options: { include_usage: true } };
    const result = await as(() => gateway.passthrough('openai-chat', body, {}));
    if (!result) throw new Error('expected a passthrough result');
    expect(result.response.status).toBe(200);
    let text = '';
    for await (const chunk of result.response.body) text += Buffer.from(chunk).toString('utf8');
    expect(text).toContain('data: [DONE]');
    expect(openai.requests[0].body).toMatchObject({ model: 'gpt-mini', stream: true, messages: body.messages });
    expect(result.route()).toMatchObject({ alias: 'fast', providerName: 'openai', model: 'gpt-mini' });
    // The first healthy candidate speaks OpenAI, not Anthropic Messages: the caller translates.
    expect(await as(() => gateway.passthrough('anthropic-messages', { model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, {}))).toBeNull();
  });

  it('records one usage row per call, with outcome and attempts and no content', async () => {
    // The recorder writes in batches (250 ms).
    await new Promise((resolve) => setTimeout(resolve, 700));
    const rows = await db.query<{ outcome: string; model: string | null; alias: string | null; error_code: string | null; input_tokens: number; streamed: boolean }>(
      'SELECT outcome, model, alias, error_code, input_tokens, streamed FROM model_usage_record WHERE tenant_id = $1',
      [tenantId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'success', model: 'anthropic/claude-haiku', alias: 'fast', streamed: true }));
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'success', model: 'openai/gpt-mini', alias: 'fast', streamed: true }));
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'error', error_code: 'model-gateway.provider_rejected_request' }));
    const all = JSON.stringify(await db.query('SELECT * FROM model_usage_record WHERE tenant_id = $1', [tenantId]));
    expect(all).not.toContain('hello there');
    expect(all).not.toContain('stream me please');
  });

  it('records a call its caller went away from as cancelled, and a provider failure or a timeout still as an error', async () => {
    openai.reset();
    anthropic.reset();
    const gateway = app.get(ModelGateway);
    const ask = (runId: string) => ({ model: 'fast', messages: [{ role: 'user' as const, content: runId }], runId });

    // A consumer that stops reading a stream before its end, without any failure.
    openai.script({ text: 'one two three four five six', chunkDelayMs: 50 });
    const early = await as(() => gateway.streamChat(ask('stops-early')));
    for await (const event of early.events) if (event.type === 'text-delta') break;

    // A caller that aborts its signal while the provider is still answering a plain call.
    openai.script({ delayMs: 400 });
    const plain = new AbortController();
    const sent = openai.requests.length;
    const answered = as(() => gateway.chat({ ...ask('aborts-plain'), signal: plain.signal }));
    await expect.poll(() => openai.requests.length, { interval: 10 }).toBe(sent + 1);
    plain.abort();
    await expect(answered).rejects.toThrow();

    // A caller that aborts in the middle of a stream.
    openai.script({ text: 'a b c d e f', chunkDelayMs: 100 });
    const midway = new AbortController();
    const aborted = await as(() => gateway.streamChat({ ...ask('aborts-stream'), signal: midway.signal }));
    const consumed = (async () => {
      for await (const event of aborted.events) if (event.type === 'text-delta') midway.abort();
    })();
    await expect(consumed).rejects.toThrow();

    // A passthrough whose relay stops reading (what the /v1 relay does when its client left).
    openai.script({ text: 'p q r s', chunkDelayMs: 50 });
    const relayed = await as(() => gateway.passthrough('openai-chat', { model: 'fast', messages: [{ role: 'user', content: 'x' }], stream: true }, { runId: 'relay-stops' }));
    if (!relayed) throw new Error('expected a passthrough result');
    for await (const _chunk of relayed.response.body) break;

    // Embeddings asked for by a caller that already left.
    await expect(as(() => gateway.embed({ input: ['too late'], runId: 'embed-aborted', signal: AbortSignal.abort() }))).rejects.toThrow();

    // The provider's failures stay errors: a stream cut midway, and one idle past the attempt deadline (500 ms).
    // (paced, so that the client reads the chunks before the reset)
    openai.script({ chunks: ['a ', 'b ', 'c ', 'd'], cutAfterChunks: 3, chunkDelayMs: 40 });
    const cut = await as(() => gateway.streamChat(ask('provider-cut')));
    await expect(readAll(cut.events)).rejects.toThrow();
    openai.script({ text: 'slow slow slow', chunkDelayMs: 900 });
    const idle = await as(() => gateway.streamChat(ask('provider-idle')));
    await expect(readAll(idle.events)).rejects.toThrow();

    const runs = ['stops-early', 'aborts-plain', 'aborts-stream', 'relay-stops', 'embed-aborted', 'provider-cut', 'provider-idle'];
    type Row = { run_id: string; outcome: string; error_code: string | null; streamed: boolean; operation: string };
    const read = () => db.query<Row>('SELECT run_id, outcome, error_code, streamed, operation FROM model_usage_record WHERE tenant_id = $1 AND run_id = ANY($2)', [tenantId, runs]);
    // The recorder writes in batches (250 ms).
    await expect.poll(async () => (await read()).length, { timeout: 5_000, interval: 100 }).toBe(runs.length);
    const byRun = Object.fromEntries((await read()).map((row) => [row.run_id, row]));
    const cancelled = { outcome: 'cancelled', error_code: 'http.client_closed_request' };
    expect(byRun['stops-early']).toMatchObject({ ...cancelled, streamed: true });
    expect(byRun['aborts-plain']).toMatchObject({ ...cancelled, streamed: false });
    expect(byRun['aborts-stream']).toMatchObject({ ...cancelled, streamed: true });
    expect(byRun['relay-stops']).toMatchObject({ ...cancelled, streamed: true });
    expect(byRun['embed-aborted']).toMatchObject({ ...cancelled, operation: 'embeddings' });
    expect(byRun['provider-cut']).toMatchObject({ outcome: 'error', error_code: 'model-gateway.stream_interrupted' });
    expect(byRun['provider-idle']).toMatchObject({ outcome: 'error', error_code: 'model-gateway.stream_interrupted' });
  });

  it('embeds with the built-in local model when nothing else is configured', async () => {
    const { response, route } = await as(() => app.get(ModelGateway).embed({ input: ['alpha beta', 'gamma'] }));
    expect(route).toMatchObject({ alias: 'embedding-default', providerKind: 'local', catalogModel: 'local/strata-hashing-embed-v1' });
    expect(response.embeddings).toHaveLength(2);
  });

  it('lists aliases and models, built-ins included', async () => {
    const listed = await as(() => app.get(ModelGateway).listModels());
    expect(listed.map((entry) => `${entry.kind}:${entry.id}`)).toEqual(
      expect.arrayContaining(['alias:fast', 'alias:embedding-default', 'model:openai/gpt-mini', 'model:anthropic/claude-haiku', 'model:local/strata-hashing-embed-v1']),
    );
  });

  it('refuses to delete a model an alias routes to, and a provider with models', async () => {
    const models = await as(() => app.get(CatalogModelsService).list({ providerId: ids['openai'] }));
    expect((await failure(as(() => app.get(CatalogModelsService).delete(models[0].id)))).code).toBe('model-gateway.in_use');
    expect((await failure(as(() => app.get(ProvidersService).delete(ids['openai'])))).code).toBe('model-gateway.in_use');
  });

  it('validates defaults in the settings and audits changes without secrets', async () => {
    expect((await failure(as(() => app.get(GatewaySettingsService).update({ defaultChatAlias: 'embedding-default' })))).code).toBe('model-gateway.invalid_catalog_input');
    const saved = await as(() => app.get(GatewaySettingsService).update({ defaultChatAlias: 'fast', contentCapture: true }));
    expect(saved).toMatchObject({ defaultChatAlias: 'fast', contentCapture: true, zeroDataRetention: false });
    const { route } = await as(() => app.get(ModelGateway).chat({ messages: [{ role: 'user', content: 'default route' }] }));
    expect(route.alias).toBe('fast');
    const audit = await db.query<{ action: string; details: unknown }>('SELECT action, details FROM audit_entry WHERE tenant_id = $1 ORDER BY seq', [tenantId]);
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['model_provider.create', 'catalog_model.create', 'model_alias.create', 'gateway_settings.update']));
    expect(JSON.stringify(audit)).not.toMatch(/sk-(openai|ant)-test/);
  });

  it('rotates: a new first key re-wraps every credential, and only the new key is needed afterwards', async () => {
    const rotatedApp = await gatewayApp(db, { STRATA_MODEL_KEYS: `${k2},${k1}` });
    try {
      // A replaced credential is written under the new key at once.
      const replaced = await as(() => rotatedApp.get(ProvidersService).replaceCredentials(ids['anthropic'], { type: 'api-key', apiKey: 'sk-ant-test-00000000000000009999' }));
      expect(replaced.credentialKeyId).toBe('k2');
      // The start-up rotation may have done some already; after this, nothing is left under k1.
      await rotatedApp.get(CredentialRotation).rotateAll();
      const keyIds = await db.query<{ credential_key_id: string }>('SELECT credential_key_id FROM model_provider WHERE tenant_id = $1', [tenantId]);
      expect(keyIds.map((row) => row.credential_key_id)).toEqual(['k2', 'k2']);
      const audit = await db.query<{ action: string }>("SELECT action FROM audit_entry WHERE tenant_id = $1 AND action = 'model_provider.credentials_rewrap'", [tenantId]);
      expect(audit.length).toBeGreaterThanOrEqual(1);
    } finally {
      await rotatedApp.close();
    }
    const onlyNew = await gatewayApp(db, { STRATA_MODEL_KEYS: k2 });
    try {
      openai.reset();
      const { route } = await as(() => onlyNew.get(ModelGateway).chat({ model: 'openai/gpt-mini', messages: [{ role: 'user', content: 'after rotation' }] }));
      expect(route.providerName).toBe('openai');
      expect(openai.requests[0].headers.authorization).toBe('Bearer sk-openai-test-0000000000001234');
    } finally {
      await onlyNew.close();
    }
  });
});
