import { DiscoveryModule } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeasedBudgetGate } from '@strata/model-gateway';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { appRoutes, type AppRoute } from '../testing/app-routes';
import { PNG_1X1, uploadMedia } from '../testing/media-upload';

/**
 * "Bad input gets a clear 4xx with a stable error code and message; nothing half-written, nothing
 * lost; never a 500 for a client's mistake." Every route of the app, read from Nest's own route
 * metadata (so routes later layers add are swept without editing this test), gets hostile path
 * params, bodies, query strings and content types from the tenant's owner (full permissions, so
 * requests get past authorization to validation and the domain code). Every offender is collected
 * and reported at once.
 */

const UNKNOWN_UUID = '01936f3e-7c2a-7000-8000-00000000dead';

/** Hostile values for one path parameter, already in URL form. */
const HOSTILE_PATH_VALUES: Record<string, string> = {
  'not a uuid': 'not-a-uuid',
  'unknown uuid': UNKNOWN_UUID,
  '5,000 characters': 'a'.repeat(5_000),
  'percent-encoded NUL': '%00',
  'encoded traversal': '..%2F..',
  'malformed escape': '%E0%A4%A',
  unicode: encodeURIComponent('ünïcødé-☃-𝌆'),
  'integer overflow': '99999999999999999999',
  negative: '-1',
  fraction: '1.5',
  huge: '1e308',
};

const NUL = 'strata\u0000sweep';
const SURROGATE = 'strata\ud800sweep';

function deep(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Every commonly used field, each of the wrong type. */
const WRONG_TYPES = {
  name: 123,
  description: ['x'],
  roles: 'owner',
  model: { id: 1 },
  messages: 'hello',
  input: { text: 1 },
  query: 42,
  q: [],
  vector: 'not-a-vector',
  topK: 'ten',
  limit: '5x',
  filter: 'status=active',
  metadata: 'x',
  properties: [1, 2],
  parameters: 'x',
  spec: 'x',
  content: 123,
  text: 42,
  format: 7,
  typeApiName: [],
  apiName: {},
  agentId: 12,
  expectedVersion: '1',
  rules: 'x',
  decision: 5,
  reason: {},
  policyVersion: 'x',
  email: false,
  serviceAccountId: 1,
  providerId: true,
  targets: 'x',
  tokenLimit: 'lots',
  pattern: 1,
  action: [],
  dimensions: 'wide',
  rows: 'x',
  changes: {},
  max_tokens: 'x',
  stream: 'yes',
};

/** Plausible shapes with hostile strings in them, so they get past type checks to the domain code and the database. */
function withStrings(text: string) {
  return [
    { name: text, description: text },
    { name: text, roles: ['viewer'] },
    { name: text, dimensions: 384 },
    { name: text, pattern: text, action: 'block' },
    { content: text },
    { text },
    { title: text },
    { query: text, text, topK: 5 },
    { q: text },
    { model: text, messages: [{ role: 'user', content: text }], max_tokens: 16 },
    { model: text, input: text },
    { prompt: text, alias: text },
    { parameters: { [text]: text } },
    { properties: { [text]: text } },
    { metadata: { [text]: text } },
    { reason: text, comment: text, body: text },
    { email: `${text}@example.com`, displayName: text, roles: ['viewer'] },
    { issuer: `https://${text}.example`, audience: text },
    { typeApiName: text, properties: {} },
    { apiName: text, primaryKey: text, properties: [{ apiName: text, type: 'string' }] },
    { spec: { instructions: text, model: { alias: text } }, name: text },
  ];
}

/**
 * The name of a fixture purpose: a route that takes just a name (and drops unknown fields) answers
 * 409 instead of creating a record from a body meant for another route.
 */
const TAKEN_NAME = 'sweep-purpose';

/** Numbers where integers (counts, limits, versions) are expected; 2^40 is a safe integer no int4 column holds. */
const NUMBERS = [1e308, -1, 1.5, 2 ** 40];
const NUMBER_FIELDS = ['limit', 'topK', 'tokenLimit', 'dimensions', 'expectedVersion', 'policyVersion', 'max_tokens', 'maxOutputTokens', 'contextWindow'];
/** Each numeric field alone, and beside the fields its usual schema requires, so a strict schema does not stop it first. */
const BAD_NUMBERS: Array<[string, unknown]> = NUMBERS.flatMap((n) => [
  [`numbers ${n}`, Object.fromEntries(NUMBER_FIELDS.map((field) => [field, n]))],
  ...NUMBER_FIELDS.map((field): [string, unknown] => [`${field} ${n}`, { [field]: n }]),
  [`expectedVersion ${n} with properties`, { properties: {}, expectedVersion: n }],
  [`tokenLimit ${n} with a name`, { name: TAKEN_NAME, tokenLimit: n }],
  [`dimensions ${n} with a name`, { name: TAKEN_NAME, dimensions: n }],
  [`topK ${n} with a query`, { query: 'sweep', topK: n }],
  [`max_tokens ${n} with a chat`, { model: 'sweep-fast', messages: [{ role: 'user', content: 'hi' }], max_tokens: n }],
]);

const HOSTILE_BODIES: Array<[string, unknown]> = [
  ['[]', []],
  ['"text"', 'text'],
  ['123', 123],
  ['null', null],
  ['true', true],
  ['{}', {}],
  ['wrong types', WRONG_TYPES],
  ...withStrings(NUL).map((body, i): [string, unknown] => [`NUL strings #${i}`, body]),
  ...withStrings(SURROGATE).map((body, i): [string, unknown] => [`lone surrogate #${i}`, body]),
  ...BAD_NUMBERS,
  ['depth 200', deep(200)],
  ['depth 200 in fields', { name: deep(200), metadata: deep(200), properties: deep(200), parameters: deep(200), filter: deep(200), spec: deep(200) }],
  ['10,000-element array', Array.from({ length: 10_000 }, (_, i) => i)],
  ['10,000-element arrays in fields', { roles: Array.from({ length: 10_000 }, () => 'viewer'), messages: Array.from({ length: 10_000 }, () => ({ role: 'user', content: 'x' })), vector: Array.from({ length: 10_000 }, () => 0.5) }],
];

const HOSTILE_QUERIES = [
  '?limit=-1',
  '?limit=abc',
  '?limit=1e9',
  '?limit=0',
  '?cursor=zzz',
  `?cursor=${'z'.repeat(5_000)}`,
  '?from=not-a-date&to=2020-13-45',
  '?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z',
  '?limit=1&limit=2',
  '?cursor=a&cursor=b&after=1&after=2',
  '?unknownParam=1&another=%00',
  '?q=%00&name=%00&type=%00&status=%00&agentId=%00&userId=%00&after=%00',
  '?q=%ED%A0%80&name=%ED%A0%80&filename=%ED%A0%80',
  '?after=-1&before=abc&beforeVersion=1.5&minDurationMs=-1',
  '?where=%7B&includeDeleted=maybe&dryRun=1',
  '?before=99999999999&beforeVersion=99999999999&expectedVersion=99999999999&after=99999999999999999999&minDurationMs=1e308',
];

interface Probe {
  route: AppRoute;
  method: string;
  url: string;
  input: string;
  body?: string;
  contentType?: string;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Tables that record requests rather than hold the tenant's data, so they legitimately grow during
 * the sweep (row counts of every other table must not move).
 */
const RECORDING_TABLES = new Set([
  // The audit trail of what the sweep did that was accepted (an export, no-op updates whose unknown fields were dropped).
  'audit_entry',
  // Every authorization check is recorded, allowed or not.
  'authorization_decision',
  // Reads of governed records (objects, media, memories) by the GET probes that found them.
  'data_access_record',
  // Model calls are accounted even when refused (`model-gateway.unknown_model` for a hostile model name).
  'model_usage_record',
]);

describe('bad-input sweep: every route answers hostile input with a clean 4xx', () => {
  let api: ApiHarness;
  let owner: string;
  let tenantId: string;
  const fixtureIds: string[] = [];
  let countsBefore: Record<string, number>;

  async function counts(): Promise<Record<string, number>> {
    const tables = await api.db.query<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = 'public' ORDER BY table_name`,
    );
    const result: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await api.db.query<{ count: string | number | bigint }>(`SELECT count(*) AS count FROM "${table_name}" WHERE tenant_id = $1`, [tenantId]);
      result[table_name] = Number(row?.count ?? 0);
    }
    return result;
  }

  async function send(probe: Probe): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15_000);
    try {
      const response = await fetch(`${api.base}${probe.url}`, {
        method: probe.method,
        headers: { authorization: `Bearer ${owner}`, ...(probe.contentType ? { 'content-type': probe.contentType } : {}) },
        body: probe.body,
        signal: controller.signal,
      });
      const contentType = response.headers.get('content-type') ?? '';
      // A success that streams (SSE run events, an export or media download) may never end on its own.
      if (response.status < 400 && !contentType.includes('application/json')) {
        controller.abort();
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, contentType, text: '' };
      }
      return { status: response.status, contentType, text: await response.text() };
    } catch (error) {
      return { status: -1, contentType: '', text: `no answer: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why an answer breaks the standard, or undefined. */
  function problemOf(probe: Probe, answer: Answer): string | undefined {
    if (answer.status < 0) return 'no answer within 15 s';
    if (answer.status >= 500) return `status ${answer.status}`;
    if (answer.status < 400) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `${answer.status} without a JSON body`;
    }
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    const nonEmpty = (value: unknown) => typeof value === 'string' && value.length > 0;
    if (error && nonEmpty(error['code']) && nonEmpty(error['message'])) return undefined;
    if (probe.route.path.startsWith('/v1/') && error && nonEmpty(error['type']) && nonEmpty(error['message'])) return undefined;
    return `${answer.status} without the error envelope`;
  }

  /** Concrete URL for a route: `hostile` replaces one parameter, the others get plausible values. */
  function urlFor(route: AppRoute, plausible: Map<string, string>, hostileParam?: string, hostileValue?: string): string {
    return route.path.replace(/:(\w+)/g, (_match, name: string) => (name === hostileParam ? (hostileValue as string) : (plausible.get(`${route.path}:${name}`) ?? defaultParam(name))));
  }

  function defaultParam(name: string): string {
    return name === 'id' ? UNKNOWN_UUID : '1';
  }

  beforeAll(async () => {
    api = await startApiHarness({ imports: [DiscoveryModule] });
    const provisioned = await api.provision('sweep');
    owner = provisioned.token;
    tenantId = provisioned.tenant.id;

    // One record of most kinds, so hostile bodies and queries aimed at existing records get past
    // the lookup to validation and the domain code. No run: a run moves its own rows (worker, model
    // calls, approvals) while the sweep counts them; the run routes get the hostile ids only.
    const created = async <T extends { id: string }>(path: string, body: unknown, status = 201): Promise<T> => {
      const response = await api.call<T>(owner, 'POST', path, body);
      if (response.status !== status) throw new Error(`fixture ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      fixtureIds.push(response.body.id);
      return response.body;
    };
    const account = await created('/governance/service-accounts', { name: 'sweep-bot', roles: ['viewer'] });
    const key = await api.call<{ apiKey: { id: string } }>(owner, 'POST', '/governance/api-keys', { name: 'sweep', serviceAccountId: account.id, roles: ['viewer'] });
    fixtureIds.push(key.body.apiKey.id);
    await created('/governance/members', { email: 'sweep@example.com', displayName: 'Sweep', roles: ['viewer'] });
    await created('/governance/purposes', { name: TAKEN_NAME });
    await created('/governance/oidc-providers', { issuer: 'https://idp.sweep.example', audience: 'strata-sweep' });
    await created('/ontology/object-types', { apiName: 'Thing', primaryKey: 'key', properties: [{ apiName: 'key', type: 'string', required: true }] });
    await created('/ontology/link-types', { apiName: 'relatesTo', fromTypeApiName: 'Thing', toTypeApiName: 'Thing', cardinality: 'many_to_many' });
    const thing = await created('/ontology/objects', { typeApiName: 'Thing', properties: { key: 'sweep-1' } });
    await created('/ontology/links', { linkTypeApiName: 'relatesTo', fromId: thing.id, toId: thing.id });
    const actionType = await created('/ontology/action-types', {
      apiName: 'touchThing',
      displayName: 'Touch thing',
      parameters: [{ apiName: 'thing', type: 'object_reference', objectType: 'Thing' }],
      effects: [{ kind: 'emitEvent', eventType: 'thing.touched', payload: { thing: '{{params.thing}}' } }],
    });
    const action = await api.call<{ action: { id: string } }>(owner, 'POST', `/ontology/action-types/${actionType.id}/apply`, { parameters: { thing: thing.id } });
    expect(action.status).toBe(200);
    fixtureIds.push(action.body.action.id);
    const collection = await created('/vectors/collections', { name: 'sweep-docs', dimensions: 384 });
    const document = await created(`/vectors/collections/${collection.id}/documents`, { name: 'sweep.txt', format: 'text', text: 'Sweep notes.' }, 202);
    // Ingested before the snapshot, so no background job moves a count during the sweep.
    let ingested = '';
    for (let i = 0; i < 100 && ingested !== 'ready'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ingested = (await api.call<{ status: string }>(owner, 'GET', `/vectors/documents/${document.id}`)).body.status;
    }
    expect(ingested).toBe('ready');
    const media = await uploadMedia<{ id: string }>(api.base, owner, { bytes: PNG_1X1, name: 'sweep.png', type: 'image/png' });
    expect(media.status).toBe(201);
    fixtureIds.push(media.body.id);
    await created('/model-gateway/budgets', { name: 'sweep-budget', tokenLimit: 1000 });
    await created('/model-gateway/guardrails', { name: 'sweep-rule', pattern: 'S-\\d{3}', action: 'block' });
    const provider = await created('/model-gateway/providers', {
      name: 'sweep-openai',
      kind: 'openai-compatible',
      // Nothing listens there: a probe that gets as far as a model call fails fast.
      baseUrl: 'http://127.0.0.1:9/v1',
      credentials: { type: 'api-key', apiKey: 'sk-sweep-0000000000000000000000' },
    });
    await created('/model-gateway/models', { providerId: provider.id, providerModelId: 'sweep-model', operation: 'chat' });
    await created('/model-gateway/aliases', { name: 'sweep-fast', operation: 'chat', targets: [{ model: 'sweep-openai/sweep-model' }] });
    const agent = await created('/context/agents', { name: 'sweep-agent', spec: { instructions: 'Help.', model: { alias: 'sweep-fast' }, defaultPurpose: TAKEN_NAME } });
    await created('/context/memories', { agentId: agent.id, content: 'The sweep prefers email.' });
    await api.app.get(LeasedBudgetGate).flush(true);
    await created('/context/sessions', { agentId: agent.id });
    // The settings row is made on first write: made here, so an accepted empty PUT changes no count.
    expect((await api.call(owner, 'PUT', '/model-gateway/settings', {})).status).toBe(200);
    const decisions = await api.call<{ items: Array<{ id: string }> }>(owner, 'GET', '/governance/decisions?limit=1');
    fixtureIds.push(...decisions.body.items.map((item) => item.id));
    for (const table of ['audit_entry', 'audit_checkpoint']) {
      const rows = await api.db.query<{ id: string }>(`SELECT id FROM "${table}" WHERE tenant_id = $1 ORDER BY id LIMIT 1`, [tenantId]);
      fixtureIds.push(...rows.map((row) => row.id));
    }
    countsBefore = await counts();
  }, 120_000);
  afterAll(() => api?.close());

  it('finds the routes in Nest metadata, the lane routes included', () => {
    const routes = appRoutes(api).map(({ method, path }) => `${method} ${path}`);
    expect(routes.length).toBeGreaterThan(80);
    expect(routes).toEqual(expect.arrayContaining(['POST /v1/chat/completions', 'POST /v1/messages', 'POST /vectors/collections/:id/search', 'GET /governance/members/:id']));
  });

  it('never answers 5xx, and every 4xx carries a stable code and a message', async () => {
    const started = performance.now();
    const routes = appRoutes(api);

    // A plausible value for each route's `:id`: the fixture record its GET counterpart finds.
    const plausible = new Map<string, string>();
    const getPaths = new Set(routes.filter((route) => route.method === 'GET').map((route) => route.path));
    const found = new Map<string, string | undefined>();
    for (const route of routes) {
      const at = route.path.indexOf(':id');
      if (at < 0) continue;
      const counterpart = route.path.slice(0, at + 3);
      if (!getPaths.has(counterpart)) continue;
      if (!found.has(counterpart)) {
        let hit: string | undefined;
        for (const id of fixtureIds) {
          if ((await api.call(owner, 'GET', counterpart.replace(':id', id))).status === 200) {
            hit = id;
            break;
          }
        }
        found.set(counterpart, hit);
      }
      const id = found.get(counterpart);
      if (id) plausible.set(`${route.path}:id`, id);
    }

    const probes: Probe[] = [];
    for (const route of routes) {
      const bodyMethod = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const emptyBody = bodyMethod && route.readsBody ? { body: '{}', contentType: 'application/json' } : {};
      // Path parameters: each one hostile in turn.
      for (const param of route.path.match(/:\w+/g) ?? []) {
        for (const [label, value] of Object.entries(HOSTILE_PATH_VALUES)) {
          probes.push({ route, method: route.method, url: urlFor(route, plausible, param.slice(1), value), input: `:${param.slice(1)} = ${label}`, ...emptyBody });
        }
      }
      if (bodyMethod && route.readsBody) {
        for (const [label, body] of HOSTILE_BODIES) {
          // `{}` is a valid, empty partial update: at a real record it would be a write, not bad input.
          const at = label === '{}' && ['PATCH', 'PUT'].includes(route.method) ? new Map<string, string>() : plausible;
          probes.push({ route, method: route.method, url: urlFor(route, at), input: `body ${label}`, body: JSON.stringify(body), contentType: 'application/json' });
        }
        probes.push({ route, method: route.method, url: urlFor(route, plausible), input: 'text/plain body', body: '{"name":"sweep"}', contentType: 'text/plain' });
        probes.push({ route, method: route.method, url: urlFor(route, plausible), input: 'urlencoded body', body: `name=${TAKEN_NAME}&roles=viewer&limit=x`, contentType: 'application/x-www-form-urlencoded' });
        probes.push({ route, method: route.method, url: urlFor(route, plausible), input: 'malformed JSON', body: '{"name":', contentType: 'application/json' });
      }
      if (route.readsQuery) {
        // Reads at real records; anything else only at records that do not exist (a DELETE that ignores
        // an unknown parameter would rightly delete).
        const url = route.method === 'GET' ? urlFor(route, plausible) : urlFor(route, new Map());
        for (const query of HOSTILE_QUERIES) {
          probes.push({ route, method: route.method, url: `${url}${query}`, input: `query ${query.slice(0, 80)}`, ...emptyBody });
        }
      }
    }

    const offenders: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < probes.length) {
        const probe = probes[next++] as Probe;
        const answer = await send(probe);
        const problem = problemOf(probe, answer);
        const where = `${probe.method} ${probe.url.length > 120 ? `${probe.url.slice(0, 120)}…` : probe.url}`;
        if (problem) offenders.push(`${where} [${probe.input}] -> ${problem}: ${answer.text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    console.info(`bad-input sweep: ${probes.length} probes over ${routes.length} routes in ${Math.round(performance.now() - started)} ms`);
    expect(offenders.sort(), `${offenders.length} offenders`).toEqual([]);
  }, 180_000);

  it('left every table of the tenant as it was, but those that record the attempt', async () => {
    const after = await counts();
    const changed = Object.keys({ ...countsBefore, ...after })
      .filter((table) => !RECORDING_TABLES.has(table) && countsBefore[table] !== after[table])
      .map((table) => `${table}: ${countsBefore[table]} -> ${after[table]}`);
    expect(changed).toEqual([]);
  });
});
