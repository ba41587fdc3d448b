import { DiscoveryModule } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '@strata/governance';
import { BatchedUsageRecorder, LeasedBudgetGate } from '@strata/model-gateway';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { appRoutes, type AppRoute } from '../testing/app-routes';
import { PNG_1X1, uploadMedia } from '../testing/media-upload';

/** Every route with an `:id` parameter (see {@link appRoutes}). */
function routesWithIds(api: ApiHarness): AppRoute[] {
  return appRoutes(api).filter((route) => route.path.includes(':id'));
}

/** A body most write routes accept, so a cross-tenant write reaches the lookup rather than stopping at validation. */
const SAMPLE_BODY = {
  roles: ['viewer'],
  description: 'cross-tenant probe',
  decision: 'approve',
  reason: 'cross-tenant probe',
  body: 'cross-tenant probe',
  requiresJustification: false,
  archived: true,
  disabled: true,
};

describe('tenancy matrix: no route with an id reads or changes another tenant', () => {
  let api: ApiHarness;
  const keysOfA = new Map<string, string>();
  let ownerB: string;
  const idsOfB: string[] = [];
  let snapshotOfB: string;

  async function snapshot(tenantId: string): Promise<string> {
    const tables = await api.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = 'public' ORDER BY table_name`,
    );
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const rows = await api.db.query(`SELECT * FROM "${table_name}" WHERE tenant_id = $1 ORDER BY 1, 2`, [tenantId]);
      parts.push(`${table_name}:${JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`);
    }
    return parts.join('\n');
  }

  beforeAll(async () => {
    api = await startApiHarness({ imports: [DiscoveryModule] });
    const a = await api.provision('tenant-a');
    const b = await api.provision('tenant-b');
    ownerB = b.token;

    for (const role of BUILT_IN_ROLES) {
      const account = await api.call<{ id: string }>(a.token, 'POST', '/governance/service-accounts', { name: `${role}-a`, roles: [role] });
      const key = await api.call<{ token: string }>(a.token, 'POST', '/governance/api-keys', { name: role, serviceAccountId: account.body.id, roles: [role] });
      keysOfA.set(role, key.body.token);
    }

    // One record of every kind in tenant B, made through its API.
    const account = await api.call<{ id: string }>(ownerB, 'POST', '/governance/service-accounts', { name: 'b-bot', roles: ['viewer'] });
    const key = await api.call<{ apiKey: { id: string } }>(ownerB, 'POST', '/governance/api-keys', { name: 'b', serviceAccountId: account.body.id, roles: ['viewer'] });
    const member = await api.call<{ id: string }>(ownerB, 'POST', '/governance/members', { email: 'b@example.com', displayName: 'B', roles: ['viewer'] });
    const purpose = await api.call<{ id: string }>(ownerB, 'POST', '/governance/purposes', { name: 'b-purpose' });
    const provider = await api.call<{ id: string }>(ownerB, 'POST', '/governance/oidc-providers', { issuer: 'https://idp.b.example', audience: 'strata-b' });
    idsOfB.push(account.body.id, key.body.apiKey.id, member.body.id, purpose.body.id, provider.body.id);
    const decisions = await api.call<{ items: Array<{ id: string }> }>(ownerB, 'GET', '/governance/decisions?limit=1');
    idsOfB.push(...decisions.body.items.map((item) => item.id));
    // Ontology: an object type, a link type, an object and a link (to itself).
    const objectType = await api.call<{ id: string }>(ownerB, 'POST', '/ontology/object-types', {
      apiName: 'Thing',
      primaryKey: 'key',
      properties: [{ apiName: 'key', type: 'string', required: true }],
    });
    const linkType = await api.call<{ id: string }>(ownerB, 'POST', '/ontology/link-types', {
      apiName: 'relatesTo',
      fromTypeApiName: 'Thing',
      toTypeApiName: 'Thing',
      cardinality: 'many_to_many',
    });
    const thing1 = await api.call<{ id: string }>(ownerB, 'POST', '/ontology/objects', { typeApiName: 'Thing', properties: { key: 'b-1' } });
    const link = await api.call<{ id: string }>(ownerB, 'POST', '/ontology/links', { linkTypeApiName: 'relatesTo', fromId: thing1.body.id, toId: thing1.body.id });
    for (const created of [objectType, linkType, thing1, link]) expect(created.status).toBe(201);
    idsOfB.push(objectType.body.id, linkType.body.id, thing1.body.id, link.body.id);
    // Ontology actions: an action type and an applied action (a log entry).
    const actionType = await api.call<{ id: string }>(ownerB, 'POST', '/ontology/action-types', {
      apiName: 'touchThing',
      displayName: 'Touch thing',
      parameters: [{ apiName: 'thing', type: 'object_reference', objectType: 'Thing' }],
      effects: [{ kind: 'emitEvent', eventType: 'thing.touched', payload: { thing: '{{params.thing}}' } }],
    });
    expect(actionType.status).toBe(201);
    const action = await api.call<{ action: { id: string } }>(ownerB, 'POST', `/ontology/action-types/${actionType.body.id}/apply`, { parameters: { thing: thing1.body.id } });
    expect(action.status).toBe(200);
    idsOfB.push(actionType.body.id, action.body.action.id);
    // Vectors: a collection and a document in it, ingested (waited for, so the snapshot below is final;
    // before the budget below exists, so no budget meter of B moves after the snapshot).
    const collection = await api.call<{ id: string }>(ownerB, 'POST', '/vectors/collections', { name: 'b-docs', dimensions: 384 });
    expect(collection.status).toBe(201);
    const document = await api.call<{ id: string }>(ownerB, 'POST', `/vectors/collections/${collection.body.id}/documents`, { name: 'b.txt', format: 'text', text: 'Tenant B private notes.' });
    expect(document.status).toBe(202);
    for (let i = 0; i < 100 && (await api.call<{ status: string }>(ownerB, 'GET', `/vectors/documents/${document.body.id}`)).body.status !== 'ready'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    idsOfB.push(collection.body.id, document.body.id);
    // Vectors media: an uploaded image (multipart).
    const media = await uploadMedia<{ id: string }>(api.base, ownerB, { bytes: PNG_1X1, name: 'b.png', type: 'image/png' });
    expect(media.status).toBe(201);
    idsOfB.push(media.body.id);
    // Model gateway: a budget and a guardrail rule.
    const budget = await api.call<{ id: string }>(ownerB, 'POST', '/model-gateway/budgets', { name: 'b-budget', tokenLimit: 1000 });
    const guardrail = await api.call<{ id: string }>(ownerB, 'POST', '/model-gateway/guardrails', { name: 'b-rule', pattern: 'B-\\d{3}', action: 'block' });
    for (const created of [budget, guardrail]) expect(created.status).toBe(201);
    idsOfB.push(budget.body.id, guardrail.body.id);
    // Model gateway: a provider (with a credential), a catalog model and an alias.
    const modelProvider = await api.call<{ id: string }>(ownerB, 'POST', '/model-gateway/providers', {
      name: 'b-openai',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v1',
      credentials: { type: 'api-key', apiKey: 'sk-tenant-b-0000000000000000' },
    });
    const catalogModel = await api.call<{ id: string }>(ownerB, 'POST', '/model-gateway/models', { providerId: modelProvider.body.id, providerModelId: 'b-model', operation: 'chat' });
    const alias = await api.call<{ id: string }>(ownerB, 'POST', '/model-gateway/aliases', { name: 'b-fast', operation: 'chat', targets: [{ model: 'b-openai/b-model' }] });
    for (const created of [modelProvider, catalogModel, alias]) expect(created.status).toBe(201);
    idsOfB.push(modelProvider.body.id, catalogModel.body.id, alias.body.id);
    // Context: an agent (its spec names B's alias and purpose).
    const agent = await api.call<{ id: string }>(ownerB, 'POST', '/context/agents', {
      name: 'b-agent',
      spec: { instructions: 'Help tenant B.', model: { alias: 'b-fast' }, defaultPurpose: 'b-purpose' },
    });
    expect(agent.status).toBe(201);
    idsOfB.push(agent.body.id);
    // Context memory: a fact B's owner adds for the agent.
    const memory = await api.call<{ id: string }>(ownerB, 'POST', '/context/memories', { agentId: agent.body.id, content: 'Tenant B prefers email.' });
    expect(memory.status).toBe(201);
    idsOfB.push(memory.body.id);
    // Its embedding call leased tokens from B's budget: give the lease back before the snapshot.
    await api.app.get(LeasedBudgetGate).flush(true);
    // Context runtime: a session and a run. The agent's cost cap is 0, so the run suspends for a
    // budget extension before any model call: settled before the snapshot, nothing leased.
    const runner = await api.call<{ id: string }>(ownerB, 'POST', '/context/agents', {
      name: 'b-runner',
      spec: { instructions: 'Help tenant B.', model: { alias: 'b-fast' }, defaultPurpose: 'b-purpose', limits: { maxCostUsd: 0 } },
    });
    expect(runner.status).toBe(201);
    const session = await api.call<{ id: string }>(ownerB, 'POST', '/context/sessions', { agentId: runner.body.id });
    expect(session.status).toBe(201);
    const posted = await api.call<{ run: { id: string } }>(ownerB, 'POST', `/context/sessions/${session.body.id}/messages`, { content: 'Hello B' });
    expect(posted.status).toBe(202);
    for (let waited = 0; ; waited += 50) {
      const run = await api.call<{ status: string }>(ownerB, 'GET', `/context/runs/${posted.body.run.id}`);
      if (run.body.status === 'waiting_budget') break;
      if (waited > 30_000) throw new Error(`B's run did not suspend: ${JSON.stringify(run.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    idsOfB.push(runner.body.id, session.body.id, posted.body.run.id);
    for (const table of ['approval_request', 'audit_entry', 'audit_checkpoint']) {
      const rows = await api.db.query<{ id: string }>(`SELECT id FROM "${table}" WHERE tenant_id = $1 LIMIT 3`, [b.tenant.id]);
      idsOfB.push(...rows.map((row) => row.id));
    }
    expect(idsOfB.length).toBeGreaterThanOrEqual(6);
    // B's model calls (the memory's embedding, the run's refused call) are accounted in batches:
    // written before the snapshot, so no usage row of B appears after it.
    await api.app.get(BatchedUsageRecorder).flush();
    snapshotOfB = await snapshot(b.tenant.id);
  });
  afterAll(() => api?.close());

  it('finds the id routes in Nest metadata', () => {
    const routes = routesWithIds(api);
    expect(routes.length).toBeGreaterThan(8);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/governance/api-keys/:id' }));
  });

  it('answers 403 or 404, never data, to every role of tenant A, for ids of tenant B, on every route', async () => {
    const routes = routesWithIds(api);
    const leaks: string[] = [];
    const roles = [...keysOfA.keys()];
    // The owner (`manage all`, no conditions: tenant scoping is all that stands between it and B's
    // rows) probes every route with every id. Each other role probes every route with its share of
    // the ids, so every (route, id) pair is also tried by one role with conditional grants. The
    // full product (roles × routes × ids) grew past ten thousand requests as layers landed.
    const others = roles.filter((role) => role !== 'owner');
    for (const [index, id] of idsOfB.entries()) {
      for (const role of ['owner', others[index % others.length] as string]) {
        const key = keysOfA.get(role) as string;
        for (const route of routes) {
          const path = route.path.replace(':id', id);
          const response = await api.call(key, route.method, path, route.method === 'GET' || route.method === 'DELETE' ? undefined : SAMPLE_BODY);
          // 403: the role may not use the route at all; 404: not found in the caller's tenant; 400: the probe body did not fit.
          if (![400, 403, 404].includes(response.status)) leaks.push(`${role} ${route.method} ${path} -> ${response.status}`);
          if (role === 'owner' && route.method === 'GET' && response.status !== 404) leaks.push(`owner ${route.method} ${path} -> ${response.status} (expected 404)`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 180_000);

  it('left every row of tenant B as it was', async () => {
    const b = await api.db.query<{ id: string }>(`SELECT id FROM tenant WHERE slug = 'tenant-b'`);
    expect(await snapshot(b[0]?.id as string)).toBe(snapshotOfB);
  });

  it('still serves tenant B its own records on the same routes (the matrix can fail)', async () => {
    const [accountId] = idsOfB;
    const own = await api.call<{ id: string }>(ownerB, 'GET', `/governance/service-accounts/${accountId}`);
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(accountId);
  });
});
