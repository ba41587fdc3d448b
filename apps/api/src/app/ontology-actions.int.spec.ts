import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface ActionTypeBody {
  id: string;
  apiName: string;
  version: number;
  parametersSchema: Record<string, unknown>;
  webhookSigningSecret?: string;
}
interface ActionBody {
  id: string;
  status: string;
  changes: Array<{ kind: string; op: string; id: string }>;
  approvalId: string | null;
}
interface ObjectBody {
  id: string;
  version: number;
  properties: Record<string, unknown>;
}

describe('ontology actions and queries over HTTP', () => {
  let api: ApiHarness;
  let owner: string;
  let builder: string;
  let operator: string;
  let viewer: string;
  let approver: string;
  let otherOwner: string;

  async function keyFor(token: string, role: string): Promise<string> {
    const account = await api.call<{ id: string }>(token, 'POST', '/governance/service-accounts', { name: `${role}-bot`, roles: [role] });
    const key = await api.call<{ token: string }>(token, 'POST', '/governance/api-keys', { name: `${role} key`, serviceAccountId: account.body.id, roles: [role] });
    return key.body.token;
  }

  const refundType = (apiName: string, extra: Record<string, unknown> = {}) => ({
    apiName,
    displayName: 'Refund order',
    description: 'Refunds a delivered order.',
    parameters: [
      { apiName: 'order', type: 'object_reference', objectType: 'Order' },
      { apiName: 'amount', type: 'decimal', minimum: 0 },
    ],
    criteria: [{ id: 'delivered', kind: 'objectProperty', parameter: 'order', property: 'status', op: 'eq', value: 'delivered' }],
    effects: [
      { kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'refunded' } },
      { kind: 'emitEvent', eventType: 'refund.issued', payload: { amount: '{{params.amount}}' } },
    ],
    ...extra,
  });

  async function order(status = 'delivered', id = `O-${Math.random().toString(36).slice(2, 8)}`): Promise<ObjectBody> {
    const created = await api.call<ObjectBody>(operator, 'POST', '/ontology/objects', { typeApiName: 'Order', properties: { orderId: id, status, total: 100 } });
    expect(created.status).toBe(201);
    return created.body;
  }

  beforeAll(async () => {
    api = await startApiHarness();
    owner = (await api.provision('actions-a')).token;
    otherOwner = (await api.provision('actions-b')).token;
    [builder, operator, viewer, approver] = await Promise.all(['builder', 'operator', 'viewer', 'approver'].map((role) => keyFor(owner, role)));
    // Sequential: the embedded database serializes anyway, and the schema version must advance in order.
    const created = await api.call(builder, 'POST', '/ontology/object-types', {
      apiName: 'Order',
      primaryKey: 'orderId',
      properties: [
        { apiName: 'orderId', type: 'string', required: true },
        { apiName: 'status', type: 'enum', enumValues: ['open', 'delivered', 'refunded'], required: true },
        { apiName: 'total', type: 'decimal', required: true },
      ],
    });
    expect(created.status).toBe(201);
    expect((await api.call(builder, 'POST', '/ontology/link-types', { apiName: 'follows', fromTypeApiName: 'Order', toTypeApiName: 'Order', cardinality: 'many_to_many' })).status).toBe(201);
  });
  afterAll(() => api?.close());

  it('manages action types: create 201, read, patch with version, 400 per field, 403, 404 across tenants', async () => {
    const bad = await api.call<ErrorBody>(builder, 'POST', '/ontology/action-types', refundType('bad', { effects: [{ kind: 'modifyObject', object: '{{params.nope}}', properties: {} }] }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ontology.invalid_action_type');
    expect((await api.call(operator, 'POST', '/ontology/action-types', refundType('byOperator'))).status).toBe(403);
    const created = await api.call<ActionTypeBody>(builder, 'POST', '/ontology/action-types', refundType('refund'));
    expect(created.status).toBe(201);
    expect(created.body.webhookSigningSecret).toBeTruthy();
    const read = await api.call<ActionTypeBody>(viewer, 'GET', `/ontology/action-types/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.webhookSigningSecret).toBeUndefined();
    expect(read.body.parametersSchema).toMatchObject({ required: ['order', 'amount'] });
    const patched = await api.call<ActionTypeBody>(builder, 'PATCH', `/ontology/action-types/${created.body.id}`, { expectedVersion: 1, description: 'Refunds.' });
    expect(patched.body.version).toBe(2);
    expect((await api.call<ErrorBody>(builder, 'PATCH', `/ontology/action-types/${created.body.id}`, { expectedVersion: 1 })).status).toBe(409);
    const list = await api.call<{ items: ActionTypeBody[] }>(viewer, 'GET', '/ontology/action-types');
    expect(list.body.items.map((t) => t.apiName)).toContain('refund');
    expect((await api.call(otherOwner, 'GET', `/ontology/action-types/${created.body.id}`)).status).toBe(404);
    expect((await api.call(otherOwner, 'GET', '/ontology/action-types/not-an-id')).status).toBe(404);
    const describe = await api.call<{ actionTypes: Array<{ apiName: string }> }>(viewer, 'GET', '/ontology/describe');
    expect(describe.body.actionTypes.map((t) => t.apiName)).toContain('refund');
  });

  it('validates without effect, applies with 200, explains criteria with 400, logs and reverts', async () => {
    const type = (await api.call<ActionTypeBody>(builder, 'POST', '/ontology/action-types', refundType('refundFlow'))).body;
    const target = await order();
    const invalid = await api.call<{ valid: boolean; errors: Array<{ path: string }> }>(operator, 'POST', `/ontology/action-types/${type.id}/validate`, { parameters: { order: target.id, amount: 'x' } });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ valid: false, errors: [{ path: 'amount' }] });
    const bad = await api.call<ErrorBody>(operator, 'POST', `/ontology/action-types/${type.id}/apply`, { parameters: { order: target.id, amount: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ontology.action_invalid_parameters');
    const open = await order('open');
    const unmet = await api.call<ErrorBody>(operator, 'POST', `/ontology/action-types/${type.id}/apply`, { parameters: { order: open.id, amount: 5 } });
    expect(unmet.status).toBe(400);
    expect(unmet.body.error).toMatchObject({ code: 'ontology.action_criteria_not_met', details: { failures: [{ id: 'delivered', expected: 'order.status eq "delivered"', actual: 'open' }] } });
    expect((await api.call(viewer, 'POST', `/ontology/action-types/${type.id}/apply`, { parameters: { order: target.id, amount: 5 } })).status).toBe(403);

    const applied = await api.call<{ status: string; action: ActionBody }>(operator, 'POST', `/ontology/action-types/${type.id}/apply`, { parameters: { order: target.id, amount: 5 } });
    expect(applied.status).toBe(200);
    expect(applied.body.status).toBe('applied');
    expect(applied.body.action.changes.map((c) => `${c.kind}.${c.op}`)).toEqual(['object.modified']);
    const after = await api.call<ObjectBody>(viewer, 'GET', `/ontology/objects/${target.id}`);
    expect(after.body.properties['status']).toBe('refunded');
    const log = await api.call<{ items: ActionBody[] }>(viewer, 'GET', `/ontology/actions?actionTypeId=${type.id}`);
    // Newest first; the criteria refusal is logged as failed, malformed parameters are not (nothing valid to record).
    expect(log.body.items.map((a) => a.status)).toEqual(['applied', 'failed']);
    expect((await api.call<ActionBody>(viewer, 'GET', `/ontology/actions/${applied.body.action.id}`)).body.status).toBe('applied');
    const reverted = await api.call<ActionBody>(operator, 'POST', `/ontology/actions/${applied.body.action.id}/revert`);
    expect(reverted.status).toBe(200);
    expect((await api.call<ObjectBody>(viewer, 'GET', `/ontology/objects/${target.id}`)).body.properties['status']).toBe('delivered');
    const again = await api.call<ErrorBody>(operator, 'POST', `/ontology/actions/${applied.body.action.id}/revert`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ontology.action_not_revertible');
  });

  it('answers 202 for an approval-required action and executes it once after approval', async () => {
    const type = (await api.call<ActionTypeBody>(builder, 'POST', '/ontology/action-types', refundType('refundApproval', { approval: { approverRoles: ['approver'], expiresInSeconds: 3600 } }))).body;
    const target = await order();
    const pending = await api.call<{ status: string; approvalId: string; action: ActionBody }>(operator, 'POST', `/ontology/action-types/${type.id}/apply`, { parameters: { order: target.id, amount: 9 } });
    expect(pending.status).toBe(202);
    expect(pending.body.status).toBe('awaiting_approval');
    expect((await api.call<ObjectBody>(viewer, 'GET', `/ontology/objects/${target.id}`)).body.properties['status']).toBe('delivered');
    const decided = await api.call(approver, 'POST', `/governance/approvals/${pending.body.approvalId}/decisions`, { decision: 'approve', reason: 'ok' });
    expect(decided.status).toBe(200);
    const results = await Promise.all([1, 2].map(() => api.call<ErrorBody>(operator, 'POST', `/ontology/action-types/${type.id}/apply`, { approvalId: pending.body.approvalId })));
    for (const result of results) expect([200, 409]).toContain(result.status);
    let status = '';
    for (let i = 0; i < 100 && status !== 'applied'; i += 1) {
      status = (await api.call<ActionBody>(viewer, 'GET', `/ontology/actions/${pending.body.action.id}`)).body.status;
      if (status !== 'applied') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('applied');
    expect((await api.call<ObjectBody>(viewer, 'GET', `/ontology/objects/${target.id}`)).body.version).toBe(2);
  });

  it('queries, traverses, aggregates and searches, tenant-scoped', async () => {
    const a = await order('open', 'Q-1');
    const b = await order('open', 'Q-2');
    const c = await order('delivered', 'Q-3');
    for (const [from, to] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      expect((await api.call(operator, 'POST', '/ontology/links', { linkTypeApiName: 'follows', fromId: from.id, toId: to.id })).status).toBe(201);
    }
    const query = await api.call<{ items: ObjectBody[] }>(viewer, 'POST', '/ontology/query', { objectType: 'Order', filter: { property: 'orderId', op: 'startsWith', value: 'Q-' }, sort: [{ property: 'orderId', direction: 'desc' }] });
    expect(query.status).toBe(200);
    expect(query.body.items.map((o) => o.properties['orderId'])).toEqual(['Q-3', 'Q-2', 'Q-1']);
    const traverse = await api.call<{ objects: Array<{ id: string; depth: number }> }>(viewer, 'POST', '/ontology/traverse', {
      start: { objectIds: [a.id] },
      hops: [{ linkTypes: ['follows'] }, { linkTypes: ['follows'] }, { linkTypes: ['follows'] }],
      return: 'all',
    });
    expect(traverse.body.objects.map((o) => [o.id, o.depth])).toEqual([
      [b.id, 1],
      [c.id, 2],
    ]);
    const aggregate = await api.call<{ groups: Array<{ key: string; metrics: Record<string, number> }> }>(viewer, 'POST', '/ontology/aggregate', {
      objectType: 'Order',
      filter: { property: 'orderId', op: 'startsWith', value: 'Q-' },
      groupBy: 'status',
      metrics: [{ op: 'count' }, { op: 'sum', property: 'total' }],
    });
    expect(aggregate.body.groups).toEqual([
      { key: 'delivered', metrics: { count: 1, 'sum.total': 100 } },
      { key: 'open', metrics: { count: 2, 'sum.total': 200 } },
    ]);
    const search = await api.call<{ items: ObjectBody[] }>(viewer, 'GET', '/ontology/search?q=Q-2&type=Order');
    expect(search.body.items.map((o) => o.id)).toContain(b.id);
    const bad = await api.call<ErrorBody>(viewer, 'POST', '/ontology/query', { objectType: 'Order', filter: { property: 'nope', op: 'eq', value: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ontology.invalid_query');
    const foreign = await api.call<{ objects: unknown[] }>(otherOwner, 'POST', '/ontology/traverse', { start: { objectIds: [a.id] }, hops: [{ linkTypes: ['follows'] }] });
    expect([200, 400]).toContain(foreign.status);
    if (foreign.status === 200) expect(foreign.body.objects).toEqual([]);
  });
});
