import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

/**
 * "Bad input gets a clear 4xx with a stable error code; nothing half-written; never a 500 for a
 * client's mistake." The same create sent several times at once (a double click, a retry) is such a
 * mistake: for every create route with a per-tenant unique name, one request wins (its success
 * status), every other answers 409 with the error envelope, and exactly one row exists afterwards.
 * On PGlite requests serialize; with TEST_DATABASE_URL (a real server) the race is real.
 */

const N = 8;

interface Case {
  name: string;
  path: string;
  /** The body and the unique key for a tag: the same tag gives the same record. */
  body: (tag: string) => unknown;
  status?: number;
  /**
   * What a loser gets; default 409 with any code. Objects keep their released answer to a taken
   * primary key (400 `ontology.validation_failed`, a field error with code `unique`).
   */
  conflict?: { status: number; code: string };
  /** Rows the create makes, counted with `$1` = tenant id and `$2` = `key`. */
  count: string;
  key: (tag: string) => string;
}

describe('duplicate creates at once: one wins, the others get 409', () => {
  let api: ApiHarness;
  let owner: string;
  let tenantId: string;
  // A fresh suffix per run, so the names are unique even on a reused database.
  const run = randomUUID().slice(0, 8);
  let providerId = '';
  const cases: Case[] = [];

  beforeAll(async () => {
    api = await startApiHarness();
    const provisioned = await api.provision(`race-${run}`);
    owner = provisioned.token;
    tenantId = provisioned.tenant.id;

    const created = async <T extends { id: string }>(path: string, body: unknown): Promise<T> => {
      const response = await api.call<T>(owner, 'POST', path, body);
      if (response.status !== 201) throw new Error(`fixture ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    // What the races below depend on, under names none of them uses.
    await created('/governance/purposes', { name: `race-purpose-${run}` });
    await created('/ontology/object-types', { apiName: `Base${run}`, primaryKey: 'key', properties: [{ apiName: 'key', type: 'string', required: true }] });
    const provider = await created<{ id: string }>('/model-gateway/providers', {
      name: `race-base-${run}`,
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v1',
      credentials: { type: 'api-key', apiKey: 'sk-race-0000000000000000000000' },
    });
    providerId = provider.id;
    await created('/model-gateway/models', { providerId, providerModelId: 'base-model', operation: 'chat' });
    await created('/model-gateway/aliases', { name: `race-base-fast-${run}`, operation: 'chat', targets: [{ model: `race-base-${run}/base-model` }] });
  }, 120_000);
  afterAll(() => api?.close());

  const byName = (table: string, column = 'name') => `SELECT count(*) AS count FROM "${table}" WHERE tenant_id = $1 AND ${column} = $2`;

  cases.push(
    { name: 'service account', path: '/governance/service-accounts', key: (t: string) => `race-bot-${t}`, body: (t: string) => ({ name: `race-bot-${t}`, roles: ['viewer'] }), count: byName('service_account') },
    {
      name: 'member',
      path: '/governance/members',
      key: (t: string) => `race-${t}@example.com`,
      body: (t: string) => ({ email: `race-${t}@example.com`, displayName: 'Race', roles: ['viewer'] }),
      count: `SELECT count(*) AS count FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.tenant_id = $1 AND u.email = $2`,
    },
    { name: 'purpose', path: '/governance/purposes', key: (t: string) => `race-purpose-x-${t}`, body: (t: string) => ({ name: `race-purpose-x-${t}` }), count: byName('purpose') },
    {
      name: 'OIDC provider',
      path: '/governance/oidc-providers',
      key: (t: string) => `https://idp.race-${t}.example`,
      body: (t: string) => ({ issuer: `https://idp.race-${t}.example`, audience: `strata-race-${t}` }),
      count: byName('oidc_provider', 'issuer'),
    },
    {
      name: 'object type',
      path: '/ontology/object-types',
      key: (t: string) => `Race${t}`,
      body: (t: string) => ({ apiName: `Race${t}`, primaryKey: 'key', properties: [{ apiName: 'key', type: 'string', required: true }] }),
      count: byName('ontology_object_type', 'api_name'),
    },
    {
      name: 'link type',
      path: '/ontology/link-types',
      key: (t: string) => `raceRelates${t}`,
      body: (t: string) => ({ apiName: `raceRelates${t}`, fromTypeApiName: `Base${run}`, toTypeApiName: `Base${run}`, cardinality: 'many_to_many' }),
      count: byName('ontology_link_type', 'api_name'),
    },
    {
      name: 'object with a primary key',
      path: '/ontology/objects',
      key: (t: string) => `race-${t}`,
      body: (t: string) => ({ typeApiName: `Base${run}`, properties: { key: `race-${t}` } }),
      conflict: { status: 400, code: 'ontology.validation_failed' },
      count: byName('ontology_object', 'primary_key_value'),
    },
    {
      name: 'action type',
      path: '/ontology/action-types',
      key: (t: string) => `raceTouch${t}`,
      body: (t: string) => ({
        apiName: `raceTouch${t}`,
        displayName: 'Race touch',
        parameters: [{ apiName: 'thing', type: 'object_reference', objectType: `Base${run}` }],
        effects: [{ kind: 'emitEvent', eventType: 'thing.touched', payload: { thing: '{{params.thing}}' } }],
      }),
      count: byName('ontology_action_type', 'api_name'),
    },
    { name: 'vector collection', path: '/vectors/collections', key: (t: string) => `race-docs-${t}`, body: (t: string) => ({ name: `race-docs-${t}`, dimensions: 384 }), count: byName('vector_collection') },
    { name: 'budget', path: '/model-gateway/budgets', key: (t: string) => `race-budget-${t}`, body: (t: string) => ({ name: `race-budget-${t}`, tokenLimit: 1000 }), count: byName('model_budget') },
    {
      name: 'guardrail',
      path: '/model-gateway/guardrails',
      key: (t: string) => `race-rule-${t}`,
      body: (t: string) => ({ name: `race-rule-${t}`, pattern: 'R-\\d{3}', action: 'block' }),
      count: byName('model_guardrail_rule'),
    },
    {
      name: 'provider',
      path: '/model-gateway/providers',
      key: (t: string) => `race-openai-${t}`,
      body: (t: string) => ({ name: `race-openai-${t}`, kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', credentials: { type: 'api-key', apiKey: 'sk-race-0000000000000000000000' } }),
      count: byName('model_provider'),
    },
    {
      name: 'model',
      path: '/model-gateway/models',
      key: (t: string) => `race-base-${run}/race-model-${t}`,
      body: (t: string) => ({ providerId, providerModelId: `race-model-${t}`, operation: 'chat' }),
      count: byName('catalog_model'),
    },
    {
      name: 'alias',
      path: '/model-gateway/aliases',
      key: (t: string) => `race-fast-${t}`,
      body: (t: string) => ({ name: `race-fast-${t}`, operation: 'chat', targets: [{ model: `race-base-${run}/base-model` }] }),
      count: byName('model_alias'),
    },
    {
      name: 'context agent',
      path: '/context/agents',
      key: (t: string) => `race-agent-${t}`,
      body: (t: string) => ({ name: `race-agent-${t}`, spec: { instructions: 'Help.', model: { alias: `race-base-fast-${run}` }, defaultPurpose: `race-purpose-${run}` } }),
      count: byName('context_agent'),
    },
  );

  /** Tables that record requests rather than hold data: refused requests add to them. */
  const RECORDING_TABLES = new Set(['authorization_decision', 'data_access_record', 'model_usage_record', 'audit_entry']);

  /** Rows per tenant table, audit entries counted only when successful: what creates leave behind. */
  async function counts(): Promise<Record<string, number>> {
    const tables = await api.db.query<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = 'public' ORDER BY table_name`,
    );
    const result: Record<string, number> = {};
    for (const { table_name } of tables) {
      if (RECORDING_TABLES.has(table_name) && table_name !== 'audit_entry') continue;
      const where = table_name === 'audit_entry' ? `tenant_id = $1 AND outcome = 'success'` : 'tenant_id = $1';
      const [row] = await api.db.query<{ count: string | number | bigint }>(`SELECT count(*) AS count FROM "${table_name}" WHERE ${where}`, [tenantId]);
      result[table_name] = Number(row?.count ?? 0);
    }
    return result;
  }

  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).flatMap((table) => (after[table] === (before[table] ?? 0) ? [] : [[table, after[table] - (before[table] ?? 0)]])));

  async function burst(item: Case, tag: string) {
    return Promise.all(Array.from({ length: N }, () => api.call<{ error?: { code?: string; message?: string } }>(owner, 'POST', item.path, item.body(tag))));
  }

  const describeAnswers = (answers: Array<{ status: number; body: unknown }>) => answers.map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);

  it.each(cases.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
    const success = item.status ?? 201;
    const conflict = item.conflict?.status ?? 409;
    const code = item.conflict?.code ?? expect.stringMatching(/\S/);

    // What one create leaves behind (its rows, side rows and audit entries), from a create alone.
    const soloBefore = await counts();
    const solo = await api.call(owner, 'POST', item.path, item.body(`${run}solo`));
    expect(solo.status, JSON.stringify(solo.body)).toBe(success);
    const oneCreate = delta(soloBefore, await counts());

    const before = await counts();
    const first = await burst(item, run);
    const statuses = first.map((answer) => answer.status);
    expect(statuses.filter((status) => status >= 500), describeAnswers(first).join('\n')).toEqual([]);
    expect(statuses.filter((status) => status === success), describeAnswers(first).join('\n')).toHaveLength(1);
    for (const answer of first.filter((a) => a.status !== success)) {
      expect(answer.status, describeAnswers([answer])[0]).toBe(conflict);
      expect(answer.body.error?.code).toEqual(code);
      expect(answer.body.error?.message).toMatch(/\S/);
    }

    // Again, after the first burst finished: the name is taken for all of them.
    const second = await burst(item, run);
    for (const answer of second) {
      expect(answer.status, describeAnswers([answer])[0]).toBe(conflict);
      expect(answer.body.error?.code).toEqual(code);
    }

    const [row] = await api.db.query<{ count: string | number | bigint }>(item.count, [tenantId, item.key(run)]);
    expect(Number(row?.count)).toBe(1);
    // Nothing half-written by the losers: the bursts left exactly what one create leaves.
    expect(delta(before, await counts())).toEqual(oneCreate);
  }, 60_000);
});
