import { randomBytes } from 'node:crypto';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Array<{ path: string; message: string }> } };
}
interface AgentBody {
  id: string;
  name: string;
  description: string;
  version: number;
  spec: { instructions: string; model: { alias: string }; limits: { maxSteps: number }; busyPolicy: string; tools: unknown[] };
  createdBy: { type: string; id: string };
}

describe('context agents over HTTP', () => {
  let api: ApiHarness;
  let openai: FakeProvider;
  let owner: string;
  let otherOwner: string;
  const keys: Record<string, string> = {};

  async function keyFor(token: string, role: string): Promise<string> {
    const account = await api.call<{ id: string }>(token, 'POST', '/governance/service-accounts', { name: `${role}-bot`, roles: [role] });
    const key = await api.call<{ token: string }>(token, 'POST', '/governance/api-keys', { name: `${role} key`, serviceAccountId: account.body.id, roles: [role] });
    return key.body.token;
  }

  const spec = (extra: Record<string, unknown> = {}) => ({ instructions: 'You help with orders.', model: { alias: 'fast' }, defaultPurpose: 'support', ...extra });

  beforeAll(async () => {
    openai = await startFakeProvider('openai');
    // No run worker: a run stays queued (active) until cancelled, which the delete test needs.
    api = await startApiHarness({ env: { STRATA_MODEL_KEYS: `gw1:${randomBytes(32).toString('base64')}`, STRATA_RUN_WORKER: 'off' } });
    owner = (await api.provision('agents-a')).token;
    otherOwner = (await api.provision('agents-b')).token;
    for (const role of ['builder', 'operator', 'viewer', 'auditor']) keys[role] = await keyFor(owner, role);
    expect((await api.call(owner, 'POST', '/governance/purposes', { name: 'support', description: 'Customer support' })).status).toBe(201);
    await api.connectFakeChat(owner, openai.url);
  });
  afterAll(async () => {
    await api?.close();
    await openai?.close();
  });

  it('rejects an invalid spec with every problem at its path, and unknown models and purposes by name', async () => {
    const invalid = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', {
      name: 'broken',
      spec: { model: { alias: 'fast', temperature: 9 }, defaultPurpose: 'support', tools: [{ kind: 'builtin', tool: 'NotATool' }], surprise: true },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('context.invalid_spec');
    const paths = invalid.body.error.details?.issues?.map((issue) => issue.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['instructions', 'model.temperature', 'tools.0.tool', '(root)']));

    const badName = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', { name: '', spec: spec() });
    expect(badName.status).toBe(400);
    expect(badName.body.error.code).toBe('context.invalid_agent');

    const model = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', { name: 'nomodel', spec: spec({ model: { alias: 'nope' } }) });
    expect(model.status).toBe(400);
    expect(model.body.error).toMatchObject({ code: 'context.unknown_model', details: { issues: [{ path: 'model.alias' }] } });
    const embeddingAsChat = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', { name: 'embedder', spec: spec({ model: { alias: 'embedding-default' } }) });
    expect(embeddingAsChat.body.error.code).toBe('context.unknown_model');
    expect(embeddingAsChat.body.error.message).toContain('not a chat model');

    const purpose = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', { name: 'nopurpose', spec: spec({ defaultPurpose: 'marketing' }) });
    expect(purpose.status).toBe(400);
    expect(purpose.body.error).toMatchObject({ code: 'context.unknown_purpose', details: { issues: [{ path: 'defaultPurpose' }] } });

    const tools = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', {
      name: 'notools',
      spec: spec({ tools: [{ kind: 'builtin', tool: 'ontology.query' }, { kind: 'builtin', tool: 'ontology.teleport' }, { kind: 'ontology_action', actionType: 'launchRocket' }] }),
    });
    expect(tools.status).toBe(400);
    expect(tools.body.error.code).toBe('context.unknown_tool');
    expect(tools.body.error.details?.issues?.map((issue) => issue.path)).toEqual(['tools.1', 'tools.2']);
    expect(tools.body.error.message).toContain('ontology.teleport');
    expect(tools.body.error.message).toContain('launchRocket');
    const twice = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', {
      name: 'twice',
      spec: spec({ tools: [{ kind: 'builtin', tool: 'ontology.query' }, { kind: 'builtin', tool: 'ontology.search', name: 'ontology_query' }] }),
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({ code: 'context.invalid_spec', details: { issues: [{ path: 'tools.1.name' }] } });

    // Nothing half-written: none of them exists.
    const list = await api.call<{ items: AgentBody[] }>(keys['builder'], 'GET', '/context/agents');
    expect(list.body.items).toEqual([]);
  });

  it('creates (builder only), reads with an ETag, lists by ability and name, isolates tenants', async () => {
    expect((await api.call(keys['operator'], 'POST', '/context/agents', { name: 'ops', spec: spec() })).status).toBe(403);
    expect((await api.call(keys['viewer'], 'POST', '/context/agents', { name: 'ops', spec: spec() })).status).toBe(403);
    const created = await api.call<AgentBody>(keys['builder'], 'POST', '/context/agents', {
      name: 'Order helper',
      description: 'Answers order questions.',
      spec: spec({ tools: [{ kind: 'builtin', tool: 'ontology.query' }] }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Order helper', version: 1, spec: { limits: { maxSteps: 25 }, busyPolicy: 'queue', tools: [{ kind: 'builtin', tool: 'ontology.query' }] } });
    const duplicate = await api.call<ErrorBody>(keys['builder'], 'POST', '/context/agents', { name: 'Order helper', spec: spec() });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('context.agent_exists');

    const response = await fetch(`${api.base}/context/agents/${created.body.id}`, { headers: { authorization: `Bearer ${keys['viewer']}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    for (const role of ['operator', 'auditor']) expect((await api.call(keys[role], 'GET', `/context/agents/${created.body.id}`)).status).toBe(200);

    await api.call(keys['builder'], 'POST', '/context/agents', { name: 'Billing helper', spec: spec() });
    const filtered = await api.call<{ items: AgentBody[]; nextCursor: string | null }>(keys['viewer'], 'GET', '/context/agents?q=order');
    expect(filtered.body.items.map((agent) => agent.name)).toEqual(['Order helper']);
    const paged = await api.call<{ items: AgentBody[]; nextCursor: string | null }>(keys['viewer'], 'GET', '/context/agents?limit=1');
    expect(paged.body.items).toHaveLength(1);
    const next = await api.call<{ items: AgentBody[] }>(keys['viewer'], 'GET', `/context/agents?limit=1&cursor=${paged.body.nextCursor}`);
    expect(next.body.items.map((agent) => agent.name)).toEqual(['Billing helper']);

    expect((await api.call(otherOwner, 'GET', `/context/agents/${created.body.id}`)).status).toBe(404);
    expect((await api.call<{ items: AgentBody[] }>(otherOwner, 'GET', '/context/agents')).body.items).toEqual([]);
    expect((await api.call(otherOwner, 'PATCH', `/context/agents/${created.body.id}`, { expectedVersion: 1, description: 'x' })).status).toBe(404);
    expect((await api.call(otherOwner, 'DELETE', `/context/agents/${created.body.id}`)).status).toBe(404);
    expect((await api.call(keys['viewer'], 'GET', '/context/agents/not-an-id')).status).toBe(404);

    // A custom rule narrowing reads filters the list in the database.
    const policy = await api.call(owner, 'PUT', '/governance/policies', {
      rules: [{ roles: ['viewer'], action: 'read', subject: 'Agent', inverted: true, conditions: { name: 'Billing helper' }, reason: 'billing is private' }],
      comment: 'hide billing',
    });
    expect(policy.status).toBe(200);
    const narrowed = await api.call<{ items: AgentBody[] }>(keys['viewer'], 'GET', '/context/agents');
    expect(narrowed.body.items.map((agent) => agent.name)).toEqual(['Order helper']);
    expect((await api.call(owner, 'PUT', '/governance/policies', { rules: [], comment: 'reset' })).status).toBe(200);
  });

  it('edits with optimistic concurrency (If-Match or expectedVersion), keeps versions, audits', async () => {
    const created = (await api.call<AgentBody>(keys['builder'], 'POST', '/context/agents', { name: 'Editor test', spec: spec() })).body;
    const missing = await api.call<ErrorBody>(keys['builder'], 'PATCH', `/context/agents/${created.id}`, { description: 'no version' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details?.issues?.[0]?.path).toBe('expectedVersion');
    const edited = await api.call<AgentBody>(keys['builder'], 'PATCH', `/context/agents/${created.id}`, { spec: spec({ instructions: 'Be brief.' }) }, { 'if-match': '"1"' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, spec: { instructions: 'Be brief.' } });
    const stale = await api.call<ErrorBody>(keys['builder'], 'PATCH', `/context/agents/${created.id}`, { description: 'late', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('context.agent_version_conflict');
    const badSpec = await api.call<ErrorBody>(keys['builder'], 'PATCH', `/context/agents/${created.id}`, { expectedVersion: 2, spec: spec({ limits: { maxSteps: 0 } }) });
    expect(badSpec.status).toBe(400);
    expect(badSpec.body.error.details?.issues?.map((issue) => issue.path)).toEqual(['limits.maxSteps']);
    expect((await api.call(keys['operator'], 'PATCH', `/context/agents/${created.id}`, { expectedVersion: 2, description: 'x' })).status).toBe(403);

    const versions = await api.call<Array<{ version: number; change: string; spec: { instructions: string } }>>(keys['viewer'], 'GET', `/context/agents/${created.id}/versions`);
    expect(versions.body.map((v) => [v.version, v.change])).toEqual([
      [2, 'updated'],
      [1, 'created'],
    ]);
    const first = await api.call<{ spec: { instructions: string } }>(keys['viewer'], 'GET', `/context/agents/${created.id}/versions/1`);
    expect(first.body.spec.instructions).toBe('You help with orders.');

    const audit = await api.call<{ items: Array<{ action: string; outcome: string }> }>(keys['auditor'], 'GET', `/governance/audit/entries?targetId=${created.id}`);
    expect(audit.body.items.map((entry) => entry.action).sort()).toEqual(['context.agent.create', 'context.agent.update']);
  });

  it('deletes softly (builder), frees the name, keeps history; validates without saving; serves the JSON Schema', async () => {
    const created = (await api.call<AgentBody>(keys['builder'], 'POST', '/context/agents', { name: 'Temporary', spec: spec() })).body;
    expect((await api.call(keys['viewer'], 'DELETE', `/context/agents/${created.id}`)).status).toBe(403);
    expect((await api.call(keys['builder'], 'DELETE', `/context/agents/${created.id}`)).status).toBe(204);
    expect((await api.call(keys['builder'], 'GET', `/context/agents/${created.id}`)).status).toBe(404);
    expect((await api.call(keys['builder'], 'DELETE', `/context/agents/${created.id}`)).status).toBe(404);
    const history = await api.call<{ version: number; change: string }>(keys['viewer'], 'GET', `/context/agents/${created.id}/versions/2`);
    expect(history.body).toMatchObject({ version: 2, change: 'deleted' });
    expect((await api.call(keys['builder'], 'POST', '/context/agents', { name: 'Temporary', spec: spec() })).status).toBe(201);

    const valid = await api.call<{ valid: boolean; spec: { context: { maxTokens: number } } }>(keys['viewer'], 'POST', '/context/agents/validate', { spec: spec() });
    expect(valid.body).toMatchObject({ valid: true, spec: { context: { maxTokens: 16_000 } } });
    const invalid = await api.call<ErrorBody>(keys['viewer'], 'POST', '/context/agents/validate', { spec: spec({ busyPolicy: 'drop' }) });
    expect(invalid.body.error.details?.issues?.[0]?.path).toBe('busyPolicy');

    const schema = await api.call<{ type: string; properties: Record<string, unknown>; required: string[] }>(keys['viewer'], 'GET', '/context/agents/spec-schema');
    expect(schema.status).toBe(200);
    expect(schema.body.type).toBe('object');
    expect(Object.keys(schema.body.properties)).toEqual(expect.arrayContaining(['instructions', 'model', 'tools', 'limits', 'defaultPurpose']));
    expect(schema.body.required).toEqual(expect.arrayContaining(['instructions', 'model', 'defaultPurpose']));
  });

  it('refuses to delete an agent while one of its runs is active, and deletes it once the run is cancelled', async () => {
    const agent = (await api.call<AgentBody>(keys['builder'], 'POST', '/context/agents', { name: 'Busy agent', spec: spec() })).body;
    const session = await api.call<{ id: string }>(keys['builder'], 'POST', '/context/sessions', { agentId: agent.id });
    expect(session.status).toBe(201);
    const sent = await api.call<{ run: { id: string; status: string } }>(keys['builder'], 'POST', `/context/sessions/${session.body.id}/messages`, { content: 'hello' });
    expect(sent.status).toBe(202);
    expect(sent.body.run.status).toBe('queued');
    const refused = await api.call<ErrorBody>(keys['builder'], 'DELETE', `/context/agents/${agent.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'context.agent_has_active_runs', details: { activeRuns: 1 } });
    expect((await api.call(keys['builder'], 'GET', `/context/agents/${agent.id}`)).status).toBe(200);

    expect((await api.call(keys['builder'], 'POST', `/context/runs/${sent.body.run.id}/cancel`)).status).toBe(200);
    const run = await api.call<{ status: string }>(keys['builder'], 'GET', `/context/runs/${sent.body.run.id}`);
    expect(run.body.status).toBe('cancelled');
    expect((await api.call(keys['builder'], 'DELETE', `/context/agents/${agent.id}`)).status).toBe(204);
  });
});
