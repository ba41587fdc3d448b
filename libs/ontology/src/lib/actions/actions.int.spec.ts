import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@strata/testing';
import { ApprovalsService } from '@strata/governance';
import { newId } from '@strata/kernel';
import { LinkWriter } from '../links/link-writer';
import { ObjectWriter } from '../objects/object-writer';
import type { ObjectRecord } from '../objects/object-record';
import { ActionTypesService } from './action-types.service';
import { ActionsService } from './actions.service';
import { as, failure, seedSalesOntology, startOntologyTestBed, user, type OntologyTestBed } from './testing/ontology-test-module';
import { webhookSignature } from './webhook-dispatcher';

const tenant = newId();
const otherTenant = newId();
const builder = user(['builder']);
const operator = user(['operator']);
const viewer = user(['viewer']);
const approver = user(['approver']);
const otherBuilder = user(['builder']);

/** Refund: marks the order refunded, opens a ticket linked to it, emits an event. */
const refundType = (patch: Record<string, unknown> = {}) => ({
  apiName: 'refundOrder',
  displayName: 'Refund order',
  description: 'Refunds a delivered order and opens a follow-up ticket.',
  parameters: [
    { apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order' },
    { apiName: 'amount', type: 'decimal', minimum: 0 },
    { apiName: 'note', type: 'string', required: false },
  ],
  criteria: [
    { id: 'delivered', kind: 'objectProperty', parameter: 'order', property: 'status', op: 'eq', value: 'delivered', description: 'Only delivered orders are refunded' },
    { id: 'notAboveTotal', kind: 'objectProperty', parameter: 'order', property: 'total', op: 'gte', value: { parameter: 'amount' } },
    { id: 'support', kind: 'purpose', anyOf: ['customer-support'] },
  ],
  effects: [
    { kind: 'createObject', objectType: 'Ticket', as: 'ticket', properties: { ticketId: 'refund-{{objects.order.orderId}}', note: 'Refund of {{params.amount}}: {{params.note}}' } },
    { kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'refunded', refunded: '{{params.amount}}' } },
    { kind: 'createLink', linkType: 'concerns', from: '{{created.ticket.id}}', to: '{{params.order}}' },
    { kind: 'emitEvent', eventType: 'refund.issued', payload: { order: '{{params.order}}', amount: '{{params.amount}}' } },
  ],
  ...patch,
});

describe('governed actions (database)', () => {
  let bed: OntologyTestBed;
  let types: ActionTypesService;
  let actions: ActionsService;
  let writer: ObjectWriter;
  let approvals: ApprovalsService;

  const newOrder = (status = 'delivered', total = 100, tenantId = tenant) =>
    as(tenantId, builder, () =>
      bed.prisma.$transaction(async (tx) => (await writer.create(tx, { typeApiName: 'Order', properties: { orderId: `o-${newId().slice(-8)}`, status, total } })).after as ObjectRecord),
    );
  const count = async (sql: string, params: unknown[] = []) => Number((await bed.db.query<{ n: string }>(sql, params))[0]?.n ?? 0);
  const support = <T>(actor: typeof builder, fn: () => Promise<T>, tenantId = tenant) => as(tenantId, actor, fn, 'customer-support');

  beforeAll(async () => {
    bed = await startOntologyTestBed(await createTestDatabase());
    await seedSalesOntology(bed, tenant);
    await seedSalesOntology(bed, otherTenant);
    types = bed.moduleRef.get(ActionTypesService);
    actions = bed.moduleRef.get(ActionsService);
    writer = bed.moduleRef.get(ObjectWriter);
    approvals = bed.moduleRef.get(ApprovalsService);
  });
  afterAll(() => bed?.close());

  describe('action types', () => {
    it('are created with a version, a JSON Schema of their parameters and a signing secret shown once', async () => {
      const created = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundOnce' })));
      expect(created).toMatchObject({ apiName: 'refundOnce', version: 1 });
      expect(created.webhookSigningSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.parametersSchema).toMatchObject({ type: 'object', required: ['order', 'amount'], properties: { order: { 'x-strata-object-type': 'Order' } } });
      const read = await as(tenant, viewer, () => types.get(created.id));
      expect(read).not.toHaveProperty('webhookSigningSecret');
      const updated = await as(tenant, builder, () => types.update(created.id, { expectedVersion: 1, description: 'Changed' }));
      expect(updated.version).toBe(2);
      expect((await failure(as(tenant, builder, () => types.update(created.id, { expectedVersion: 1, description: 'Stale' })))).code).toBe('ontology.action_type_version_conflict');
      const versions = await as(tenant, viewer, () => types.versions(created.id));
      expect(versions.map((v) => `${v.version}:${v.change}`)).toEqual(['2:updated', '1:created']);
      expect(await count(`SELECT count(*) AS n FROM audit_entry WHERE action LIKE 'ontology.action_type.%' AND target_id = $1`, [created.id])).toBe(2);
    });

    it('refuse definitions that refer to undeclared parameters, unknown types or reserved events, naming each', async () => {
      const error = await failure(
        as(tenant, builder, () =>
          types.create(
            refundType({
              apiName: 'broken',
              criteria: [{ kind: 'parameter', parameter: 'ghost', op: 'eq', value: 1 }],
              effects: [
                { kind: 'createObject', objectType: 'Ticket', properties: { note: '{{params.missing}}', ticketId: '{{created.nothing.id}}' } },
                { kind: 'emitEvent', eventType: 'object.created', payload: {} },
              ],
            }),
          ),
        ),
      );
      expect(error).toMatchObject({ code: 'ontology.invalid_action_type', kind: 'invalid_argument' });
      const messages = (error.details?.['issues'] as Array<{ message: string }>).map((i) => i.message).join('\n');
      expect(messages).toMatch(/unknown parameter ghost/);
      expect(messages).toMatch(/params.missing/);
      expect(messages).toMatch(/created.nothing.id/);
      expect(messages).toMatch(/the ontology itself emits/);
      const unknownType = await failure(as(tenant, builder, () => types.create(refundType({ apiName: 'broken2', parameters: [{ apiName: 'order', type: 'object_reference', objectType: 'Nope' }], criteria: [], effects: [{ kind: 'emitEvent', eventType: 'x.y' }] }))));
      expect(unknownType.details?.['issues']).toEqual([{ path: 'parameters.0.objectType', message: 'unknown object type Nope' }]);
    });

    it('are managed by builders only and invisible to other tenants', async () => {
      expect((await failure(as(tenant, operator, () => types.create(refundType({ apiName: 'byOperator' }))))).kind).toBe('permission_denied');
      const created = await as(tenant, builder, () => types.create(refundType({ apiName: 'tenantScoped' })));
      expect((await failure(as(otherTenant, otherBuilder, () => types.get(created.id)))).code).toBe('ontology.action_type_not_found');
      const list = await as(otherTenant, otherBuilder, () => types.list({}));
      expect(list.items.map((t) => t.id)).not.toContain(created.id);
      expect((await failure(as(otherTenant, otherBuilder, () => actions.apply(created.id, { parameters: {} })))).code).toBe('ontology.action_type_not_found');
    });
  });

  describe('validation', () => {
    let typeId: string;
    beforeAll(async () => {
      typeId = (await as(tenant, builder, () => types.create(refundType({ apiName: 'refundValidate' })))).id;
    });

    it('reports parameter errors per field without effect', async () => {
      const report = await support(operator, () => actions.validate(typeId, { parameters: { order: 'x', amount: -1, extra: true } }));
      expect(report.valid).toBe(false);
      expect(report.errors.map((e) => e.path).sort()).toEqual(['amount', 'extra', 'order']);
      const missing = await support(operator, () => actions.validate(typeId, { parameters: { order: newId(), amount: 1 } }));
      expect(missing.errors).toEqual([{ path: 'order', message: expect.stringMatching(/no live Order/) }]);
    });

    it('explains failing criteria: which one, expected and actual, on parameters, purpose and object state', async () => {
      const order = await newOrder('open', 50);
      const report = await as(tenant, operator, () => actions.validate(typeId, { parameters: { order: order.id, amount: 80 } }), 'marketing');
      expect(report.valid).toBe(false);
      expect(report.failures).toEqual([
        expect.objectContaining({ id: 'delivered', expected: 'order.status eq "delivered"', actual: 'open', description: 'Only delivered orders are refunded' }),
        expect.objectContaining({ id: 'notAboveTotal', expected: 'order.total gte parameter amount (80)', actual: 50 }),
        expect.objectContaining({ id: 'support', expected: 'purpose one of [customer-support]', actual: 'marketing' }),
      ]);
      const error = await failure(as(tenant, operator, () => actions.apply(typeId, { parameters: { order: order.id, amount: 80 } }), 'marketing'));
      expect(error).toMatchObject({ code: 'ontology.action_criteria_not_met', kind: 'invalid_argument' });
      expect((error.details?.['failures'] as unknown[]).length).toBe(3);
      expect(await count(`SELECT count(*) AS n FROM ontology_object WHERE tenant_id = $1 AND type_api_name = 'Ticket' AND properties->>'ticketId' = $2`, [tenant, `refund-${order.properties['orderId']}`])).toBe(0);
    });

    it('passes for valid parameters, roles and purpose', async () => {
      const order = await newOrder();
      const report = await support(operator, () => actions.validate(typeId, { parameters: { order: order.id, amount: 20 } }));
      expect(report).toMatchObject({ valid: true, errors: [], failures: [], requiresApproval: false });
      expect(report.criteria.every((c) => c.passed)).toBe(true);
    });
  });

  describe('apply', () => {
    it('applies every effect in one transaction, with history, events and a log entry of exact inputs and changes', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundApply' })));
      const order = await newOrder();
      const outcome = await support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 40, note: 'dented' } }));
      expect(outcome.status).toBe('applied');
      const action = outcome.action;
      expect(action).toMatchObject({ status: 'applied', parameters: { order: order.id, amount: 40, note: 'dented' }, actor: { id: operator.id }, purpose: 'customer-support' });
      const changes = action.changes as Array<{ kind: string; op: string; id: string; before: { properties: Record<string, unknown> } | null; after: { properties: Record<string, unknown> } }>;
      expect(changes.map((c) => `${c.kind}.${c.op}`)).toEqual(['object.created', 'object.modified', 'link.created']);
      expect(changes[0]?.after.properties).toEqual({ ticketId: `refund-${order.properties['orderId']}`, note: 'Refund of 40: dented' });
      expect(changes[1]?.before?.properties['status']).toBe('delivered');
      expect(changes[1]?.after.properties).toMatchObject({ status: 'refunded', refunded: 40 });
      expect(await count(`SELECT count(*) AS n FROM ontology_object_history WHERE action_id = $1`, [action.id])).toBe(2);
      const events = await bed.db.query<{ type: string }>(`SELECT type FROM ontology_event WHERE action_id = $1 ORDER BY sequence`, [action.id]);
      expect(events.map((e) => e.type)).toEqual(['object.created', 'object.changed', 'link.created', 'refund.issued', 'action.applied']);
      expect(await count(`SELECT count(*) AS n FROM audit_entry WHERE action = 'ontology.action.apply' AND outcome = 'success' AND details->>'actionId' = $1`, [action.id])).toBe(1);
      expect((await as(tenant, viewer, () => actions.get(action.id))).status).toBe('applied');
    });

    it('rolls everything back when a later effect fails: no object, history, event or applied log entry', async () => {
      const type = await as(
        tenant,
        builder,
        () =>
          types.create(
            refundType({
              apiName: 'refundBroken',
              criteria: [],
              // The second effect violates the Order type (status must be one of its enum values).
              effects: [
                { kind: 'createObject', objectType: 'Ticket', properties: { ticketId: 'broken-{{params.amount}}', note: 'x' } },
                { kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'lost' } },
              ],
            }),
          ),
      );
      const order = await newOrder();
      const eventsBefore = await count(`SELECT count(*) AS n FROM ontology_event WHERE tenant_id = $1`, [tenant]);
      const error = await failure(support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 7 } })));
      expect(error).toMatchObject({ code: 'ontology.action_effect_failed', kind: 'invalid_argument', details: { effect: 1, kind: 'modifyObject', cause: { code: 'ontology.validation_failed' } } });
      expect(await count(`SELECT count(*) AS n FROM ontology_object WHERE tenant_id = $1 AND properties->>'ticketId' = 'broken-7'`, [tenant])).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM ontology_event WHERE tenant_id = $1`, [tenant])).toBe(eventsBefore);
      expect(await count(`SELECT count(*) AS n FROM ontology_object_history h JOIN ontology_action a ON a.id = h.action_id WHERE a.action_type_id = $1`, [type.id])).toBe(0);
      const log = await as(tenant, viewer, () => actions.list({ actionTypeId: type.id }));
      expect(log.items.map((entry) => entry.status)).toEqual(['failed']);
      expect(log.items[0]?.error).toMatchObject({ code: 'ontology.action_effect_failed' });
      const current = await bed.db.query<{ status: string; version: number }>(`SELECT properties->>'status' AS status, version FROM ontology_object WHERE id = $1`, [order.id]);
      expect(current[0]).toEqual({ status: 'delivered', version: 1 });
    });

    it('requires the apply permission', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundDenied' })));
      const order = await newOrder();
      expect((await failure(support(viewer, () => actions.apply(type.id, { parameters: { order: order.id, amount: 1 } })))).kind).toBe('permission_denied');
    });
  });

  describe('approval', () => {
    const approval = { approverRoles: ['approver'], quorum: 1, expiresInSeconds: 3600 };

    async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
      for (let i = 0; i < 200; i += 1) {
        const value = await read();
        if (done(value)) return value;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('timed out waiting');
    }

    it('waits for approval, then executes exactly once although the event and three re-submissions race', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundApproved', approval })));
      const order = await newOrder();
      const parameters = { order: order.id, amount: 30 };
      const pending = await support(operator, () => actions.apply(type.id, { parameters }));
      expect(pending.status).toBe('awaiting_approval');
      if (pending.status !== 'awaiting_approval') throw new Error('unreachable');
      expect(pending.action.status).toBe('awaiting_approval');
      expect(await count(`SELECT count(*) AS n FROM ontology_object_history WHERE object_id = $1`, [order.id])).toBe(1);
      // Not approved yet: re-submitting does not run it.
      expect((await failure(support(operator, () => actions.apply(type.id, { approvalId: pending.approvalId })))).code).toBe('governance.approval_not_approved');

      await as(tenant, approver, () => approvals.decide(pending.approvalId, { decision: 'approve', reason: 'checked' }));
      const attempts = await Promise.allSettled([1, 2, 3].map(() => support(operator, () => actions.apply(type.id, { approvalId: pending.approvalId }))));
      const final = await waitFor(() => as(tenant, viewer, () => actions.get(pending.action.id)), (a) => a.status === 'applied');
      expect(final.approvalId).toBe(pending.approvalId);
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') expect(['ontology.action_not_awaiting_approval', 'governance.approval_already_executed']).toContain((attempt.reason as { code: string }).code);
      }
      expect(attempts.filter((a) => a.status === 'fulfilled').length).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await count(`SELECT count(*) AS n FROM ontology_event WHERE action_id = $1 AND type = 'action.applied'`, [pending.action.id])).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM ontology_object WHERE tenant_id = $1 AND properties->>'ticketId' = $2`, [tenant, `refund-${order.properties['orderId']}`])).toBe(1);
      expect((await bed.db.query<{ status: string }>(`SELECT status FROM approval_request WHERE id = $1`, [pending.approvalId]))[0]?.status).toBe('executed');
      expect((await failure(support(operator, () => actions.apply(type.id, { approvalId: pending.approvalId })))).kind).toBe('conflict');
    });

    it('marks the entry rejected when the approval is rejected, and never runs it', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundRejected', approval })));
      const order = await newOrder();
      const pending = await support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 5 } }));
      if (pending.status !== 'awaiting_approval') throw new Error('expected approval');
      await as(tenant, approver, () => approvals.decide(pending.approvalId, { decision: 'reject', reason: 'no' }));
      const final = await waitFor(() => as(tenant, viewer, () => actions.get(pending.action.id)), (a) => a.status !== 'awaiting_approval');
      expect(final.status).toBe('rejected');
      expect(await count(`SELECT count(*) AS n FROM ontology_object_history WHERE object_id = $1`, [order.id])).toBe(1);
    });
  });

  describe('revert', () => {
    it('undoes created objects and links and restores modified ones, once', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundRevert' })));
      const order = await newOrder();
      const applied = await support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 10 } }));
      const reverted = await as(tenant, operator, () => actions.revert(applied.action.id));
      expect(reverted).toMatchObject({ status: 'applied', revertOfId: applied.action.id });
      expect((reverted.changes as Array<{ kind: string; op: string }>).map((c) => `${c.kind}.${c.op}`)).toEqual(['link.deleted', 'object.modified', 'object.deleted']);
      const current = await bed.db.query<{ properties: Record<string, unknown>; version: number }>(`SELECT properties, version FROM ontology_object WHERE id = $1`, [order.id]);
      expect(current[0]?.properties).toEqual(order.properties);
      expect(current[0]?.version).toBe(3);
      expect((await as(tenant, viewer, () => actions.get(applied.action.id))).status).toBe('reverted');
      const again = await failure(as(tenant, operator, () => actions.revert(applied.action.id)));
      expect(again).toMatchObject({ code: 'ontology.action_not_revertible', kind: 'conflict' });
    });

    it('refuses, explained, when an object changed since', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundChanged' })));
      const order = await newOrder();
      const applied = await support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 10 } }));
      await as(tenant, builder, () => bed.prisma.$transaction((tx) => writer.update(tx, { id: order.id, patch: { refunded: 11 } })));
      const error = await failure(as(tenant, operator, () => actions.revert(applied.action.id)));
      expect(error).toMatchObject({ code: 'ontology.action_not_revertible', kind: 'conflict' });
      expect(error.details?.['reasons']).toEqual([`object ${order.id} changed since (version 2 → 3)`]);
    });

    it('restores an object the action deleted, with the links its deletion removed', async () => {
      const type = await as(tenant, builder, () =>
        types.create({
          apiName: 'cancelOrder',
          displayName: 'Cancel order',
          description: 'Deletes an order.',
          parameters: [{ apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order' }],
          effects: [{ kind: 'deleteObject', object: '{{params.order}}' }],
        }),
      );
      const order = await newOrder();
      const ticket = await as(tenant, builder, () =>
        bed.prisma.$transaction(async (tx) => {
          const created = (await writer.create(tx, { typeApiName: 'Ticket', properties: { ticketId: `t-${newId().slice(-8)}`, note: 'about it' } })).after as ObjectRecord;
          await bed.moduleRef.get(LinkWriter).create(tx, { linkTypeApiName: 'concerns', fromId: created.id, toId: order.id });
          return created;
        }),
      );
      const applied = await as(tenant, operator, () => actions.apply(type.id, { parameters: { order: order.id } }));
      expect(applied.status).toBe('applied');
      const liveLinks = () => count(`SELECT count(*) AS n FROM ontology_link WHERE to_object_id = $1 AND deleted_at IS NULL`, [order.id]);
      expect(await liveLinks()).toBe(0);
      const reverted = await as(tenant, operator, () => actions.revert(applied.action.id));
      expect((reverted.changes as Array<{ kind: string; op: string }>).map((c) => `${c.kind}.${c.op}`)).toEqual(['object.restored', 'link.created']);
      const [row] = await bed.db.query<{ deleted_at: Date | null; version: number; properties: Record<string, unknown> }>(`SELECT deleted_at, version, properties FROM ontology_object WHERE id = $1`, [order.id]);
      expect(row).toMatchObject({ deleted_at: null, version: 3, properties: order.properties });
      expect(await liveLinks()).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM ontology_link WHERE from_object_id = $1 AND to_object_id = $2 AND deleted_at IS NULL`, [ticket.id, order.id])).toBe(1);
      const kinds = await bed.db.query<{ change_kind: string; action_id: string }>(`SELECT change_kind, action_id::text FROM ontology_object_history WHERE object_id = $1 ORDER BY version`, [order.id]);
      expect(kinds.map((k) => k.change_kind)).toEqual(['created', 'deleted', 'restored']);
      expect(kinds[2]?.action_id).toBe(reverted.id);
      expect(await count(`SELECT count(*) AS n FROM ontology_event WHERE object_id = $1 AND type = 'object.restored' AND action_id = $2`, [order.id, reverted.id])).toBe(1);

      // A deleted object restored by hand since is not restored twice.
      const again = await as(tenant, operator, () => actions.apply(type.id, { parameters: { order: order.id } }));
      await as(tenant, builder, () => bed.prisma.$transaction((tx) => writer.restore(tx, { id: order.id })));
      const refused = await failure(as(tenant, operator, () => actions.revert(again.action.id)));
      expect(refused.details?.['reasons']).toEqual([`object ${order.id} was restored since`]);
    });

    it('lets operators revert only their own actions', async () => {
      const type = await as(tenant, builder, () => types.create(refundType({ apiName: 'refundOwn' })));
      const order = await newOrder();
      const applied = await support(operator, () => actions.apply(type.id, { parameters: { order: order.id, amount: 10 } }));
      expect((await failure(as(tenant, user(['operator']), () => actions.revert(applied.action.id)))).kind).toBe('permission_denied');
    });
  });

  describe('webhooks', () => {
    let server: Server;
    let url: string;
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          received.push({ headers: request.headers, body });
          if (request.url === '/slow') setTimeout(() => response.end('late'), 1_000);
          else response.writeHead(request.url === '/fail' ? 500 : 200).end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('are sent after the commit, signed, and make the action not revertible', async () => {
      const created = await as(tenant, builder, () =>
        types.create(refundType({ apiName: 'refundHook', effects: [...refundType().effects, { kind: 'webhook', url: `${url}/hook`, body: { order: '{{params.order}}', by: '{{actor.id}}' } }] })),
      );
      const order = await newOrder();
      const applied = await support(operator, () => actions.apply(created.id, { parameters: { order: order.id, amount: 10 } }));
      expect(applied.action.webhooks).toEqual([expect.objectContaining({ delivered: true, status: 200, url: `${url}/hook` })]);
      const call = received.at(-1) as { headers: IncomingHttpHeaders; body: string };
      expect(JSON.parse(call.body)).toEqual({ order: order.id, by: operator.id });
      expect(call.headers['x-strata-signature']).toBe(webhookSignature(created.webhookSigningSecret, String(call.headers['x-strata-timestamp']), call.body));
      expect(call.headers['x-strata-action-id']).toBe(applied.action.id);
      const error = await failure(as(tenant, operator, () => actions.revert(applied.action.id)));
      expect((error.details?.['reasons'] as string[])[0]).toMatch(/webhook/);
    });

    it('record a failed or timed-out delivery without undoing the committed effects', async () => {
      const created = await as(tenant, builder, () =>
        types.create(
          refundType({
            apiName: 'refundSlowHook',
            effects: [...refundType().effects, { kind: 'webhook', url: `${url}/slow`, timeoutMs: 200 }, { kind: 'webhook', url: `${url}/fail` }],
          }),
        ),
      );
      const order = await newOrder();
      const applied = await support(operator, () => actions.apply(created.id, { parameters: { order: order.id, amount: 10 } }));
      expect(applied.action.status).toBe('applied');
      expect(applied.action.webhooks).toEqual([
        expect.objectContaining({ delivered: false, status: null, error: 'timed out after 200 ms' }),
        expect.objectContaining({ delivered: false, status: 500, error: 'HTTP 500' }),
      ]);
      const body = JSON.parse((received.at(-1) as { body: string }).body) as Record<string, unknown>;
      expect(body).toMatchObject({ actionId: applied.action.id, actionType: 'refundSlowHook', parameters: { order: order.id, amount: 10 } });
      expect((await bed.db.query<{ status: string }>(`SELECT properties->>'status' AS status FROM ontology_object WHERE id = $1`, [order.id]))[0]?.status).toBe('refunded');
    });
  });

  it('describes action types for agents through the core self-description hook', async () => {
    const { ActionDescriptionRegistry } = await import('../describe/action-description-registry');
    const described = await as(tenant, viewer, () => bed.moduleRef.get(ActionDescriptionRegistry).describe());
    const refund = described.find((d) => d.apiName === 'refundApply');
    expect(refund).toMatchObject({ requiresApproval: false, effects: ['creates Ticket', 'modifies status, refunded of {{params.order}}', 'links {{created.ticket.id}} to {{params.order}} (concerns)', 'emits event refund.issued'] });
    expect(refund?.parametersSchema).toMatchObject({ type: 'object', required: ['order', 'amount'] });
  });
});
