import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

/**
 * "Limits on sizes are explicit": a per-tenant limit on how many of a thing a tenant has holds
 * when creates race for the last places. A tenant three short of the limit sends eight creates at
 * once: exactly three succeed, the others get the limit's error, and the tenant ends at the limit,
 * never over it. On PGlite requests serialize; with TEST_DATABASE_URL (a real server) the race is
 * real (each create counts inside its transaction, under a per-tenant lock).
 */

const RACERS = 8;
const ROOM = 3;

interface Case {
  name: string;
  path: string;
  table: string;
  limit: number;
  /** The status and code of a create refused for the limit. */
  refused: { status: number; code: string };
  body: (tag: string) => unknown;
  /** The id of a row of the tenant to copy (an existing fixture, or one created now). */
  seed: (path: string, body: unknown) => Promise<string>;
}

describe('per-tenant limits under concurrent creates', () => {
  let api: ApiHarness;
  let owner: string;
  let tenantId: string;
  const run = randomUUID().slice(0, 8);
  let providerName = '';

  const created = async <T extends { id: string }>(path: string, body: unknown): Promise<T> => {
    const response = await api.call<T>(owner, 'POST', path, body);
    if (response.status !== 201) throw new Error(`fixture ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const count = async (table: string) => Number((await api.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table}" WHERE tenant_id = $1`, [tenantId]))[0]?.n);

  /** Copies one row of the tenant until the table holds `total` of its rows (fixture only: no API, no audit). */
  async function fillTo(table: string, id: string, total: number): Promise<void> {
    const columns = (await api.db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, [table])).map((row) => row.column_name);
    const missing = total - (await count(table));
    const values = columns.map((column) => (column === 'id' ? 'gen_random_uuid()' : column === 'name' ? `name || '-fill-' || g` : `"${column}"`));
    await api.db.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) SELECT ${values.join(', ')} FROM "${table}", generate_series(1, $2::int) AS g WHERE id = $1`, [id, missing]);
    expect(await count(table)).toBe(total);
  }

  let providerId = '';
  let modelId = '';
  const providerBody = (tag: string) => ({ name: `limit-${tag}`, kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', credentials: { type: 'api-key', apiKey: 'sk-limit-000000000000000000000' } });

  beforeAll(async () => {
    api = await startApiHarness();
    const provisioned = await api.provision(`limits-${run}`);
    owner = provisioned.token;
    tenantId = provisioned.tenant.id;
    const provider = await created<{ id: string; name: string }>('/model-gateway/providers', providerBody(`base-${run}`));
    providerId = provider.id;
    providerName = provider.name;
    modelId = (await created('/model-gateway/models', { providerId, providerModelId: 'base-model', operation: 'chat' })).id;
  }, 120_000);
  afterAll(() => api?.close());

  const cases: Case[] = [
    {
      name: 'model providers',
      path: '/model-gateway/providers',
      table: 'model_provider',
      limit: 100,
      refused: { status: 429, code: 'model-gateway.limit_reached' },
      body: providerBody,
      seed: async () => providerId,
    },
    {
      name: 'catalog models',
      path: '/model-gateway/models',
      table: 'catalog_model',
      limit: 1000,
      refused: { status: 429, code: 'model-gateway.limit_reached' },
      body: (tag) => ({ providerId, providerModelId: `limit-${tag}`, operation: 'chat' }),
      seed: async () => modelId,
    },
    {
      name: 'aliases',
      path: '/model-gateway/aliases',
      table: 'model_alias',
      limit: 500,
      refused: { status: 429, code: 'model-gateway.limit_reached' },
      body: (tag) => ({ name: `limit-${tag}`, operation: 'chat', targets: [{ model: `${providerName}/base-model` }] }),
      seed: async (path, body) => (await created(path, body)).id,
    },
    {
      name: 'guardrail rules',
      path: '/model-gateway/guardrails',
      table: 'model_guardrail_rule',
      limit: 100,
      refused: { status: 409, code: 'model-gateway.too_many_guardrail_rules' },
      body: (tag) => ({ name: `limit-${tag}`, pattern: 'L-\\d{3}', action: 'block' }),
      seed: async (path, body) => (await created(path, body)).id,
    },
  ];

  it.each(cases)('$name: $limit at most, however many creates race for the last places', async (entry) => {
    await fillTo(entry.table, await entry.seed(entry.path, entry.body(`seed-${run}`)), entry.limit - ROOM);

    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => api.call<{ error?: { code: string } }>(owner, 'POST', entry.path, entry.body(`race-${run}-${i}`))));
    expect(answers.map((answer) => answer.status).filter((status) => status === 201)).toHaveLength(ROOM);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(entry.refused.status);
      expect(answer.body.error?.code).toBe(entry.refused.code);
    }
    expect(await count(entry.table)).toBe(entry.limit);
  });
});
