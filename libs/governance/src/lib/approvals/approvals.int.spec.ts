import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCK, ManualClock, newId, RequestContextStore, type Actor } from '@strata/kernel';
import { DatabaseModule, PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase, failureOf as failure } from '@strata/testing';
import { AuditEntriesRepository } from '../audit/audit-entries.repository';
import { AuditLog } from '../audit/audit-log.service';
import { AUDIT_OPTIONS } from '../audit/audit-options';
import { AuthorizationService } from '../authz/authorization.service';
import { PermissionCatalog } from '../authz/permission-catalog';
import { DecisionsRepository } from '../decisions/decisions.repository';
import { PoliciesRepository } from '../policies/policies.repository';
import { ApprovalEvents, type ApprovalEvent } from './approval-events';
import { APPROVAL_OPTIONS } from './approval-options';
import { ApprovalSweeper } from './approval-sweeper';
import { APPROVAL_PROVIDERS } from './approvals.providers';
import { ApprovalsService } from './approvals.service';

const MINUTE = 60_000;

const user = (roles: string[]): Actor => ({ type: 'user', id: newId(), roles });

/** Runs `fn` as `actor` in `tenantId`, the way authentication sets the context. */
function as<T>(tenantId: string, actor: Actor, fn: () => Promise<T>, onBehalfOf?: Actor): Promise<T> {
  return RequestContextStore.run({ requestId: newId(), tenantId, actor, onBehalfOf }, fn);
}

/** The error `promise` rejects with (its code and kind are what clients branch on). */
describe('approvals (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let approvals: ApprovalsService;
  let sweeper: ApprovalSweeper;
  let prisma: PrismaService;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const events: ApprovalEvent[] = [];

  const tenant = newId();
  const otherTenant = newId();
  const requester = user(['operator']);
  const approverA = user(['approver']);
  const approverB = user(['approver']);
  const approverC = user(['approver']);
  const admin = user(['admin']);
  const outsider = user(['approver', 'admin']);

  const action = { action: 'payments.refund', subjectType: 'Payment', subjectId: 'pay_42', arguments: { amount: 120, currency: 'EUR', lines: [1, 2] } };
  const request = (patch: Record<string, unknown> = {}) => ({ ...action, summary: 'Refund order 42', approverRoles: ['approver'], expiresInSeconds: 3600, ...patch });
  const approve = { decision: 'approve', reason: 'checked the order' };

  const create = (patch: Record<string, unknown> = {}, actor = requester, tenantId = tenant) => as(tenantId, actor, () => approvals.create(request(patch)));
  const decide = (id: string, actor: Actor, body: Record<string, unknown> = approve, tenantId = tenant) => as(tenantId, actor, () => approvals.decide(id, body));
  const auditActions = async (approvalId: string) =>
    (await db.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_entry WHERE approval_id = $1 ORDER BY seq', [approvalId])).map(
      (row) => `${row.action}:${row.outcome}`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: AUDIT_OPTIONS, useValue: { dataDir: 'node_modules/.cache/strata-test-data', checkpointEvery: 10_000, checkpointIntervalMs: 0 } },
        { provide: APPROVAL_OPTIONS, useValue: { sweepIntervalMs: 0, sweepBatchSize: 2 } },
        AuditLog,
        AuditEntriesRepository,
        AuthorizationService,
        PermissionCatalog,
        PoliciesRepository,
        DecisionsRepository,
        ...APPROVAL_PROVIDERS,
      ],
    }).compile();
    await moduleRef.init();
    approvals = moduleRef.get(ApprovalsService);
    sweeper = moduleRef.get(ApprovalSweeper);
    prisma = moduleRef.get(PrismaService);
    moduleRef.get(ApprovalEvents).onAny((event) => {
      events.push(event);
    });
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
  });

  beforeEach(() => {
    events.length = 0;
  });

  it('creates a pending request bound to the hash of its exact action, audited and announced', async () => {
    const created = await create();
    expect(created).toMatchObject({ status: 'pending', requester: { type: 'user', id: requester.id }, quorum: 1, approverRoles: ['approver'] });
    expect(created.argumentsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.expiresAt.toISOString()).toBe(new Date(clock.now().getTime() + 3600_000).toISOString());
    expect(await auditActions(created.id)).toEqual(['approval.create:success']);
    expect(events.map((event) => event.type)).toEqual(['approval.requested']);
  });

  it('takes the requester from the context, never from the body', async () => {
    const error = await failure(create({ requesterId: approverA.id }));
    expect(error).toMatchObject({ code: 'governance.approval_invalid_input', kind: 'invalid_argument' });
  });

  describe('quorum', () => {
    it('approves when n of the approvers agree, not before', async () => {
      const { id } = await create({ quorum: 2 });
      expect(await decide(id, approverA)).toMatchObject({ status: 'pending', approvals: 1 });
      expect(events.filter((event) => event.type === 'approval.approved')).toHaveLength(0);
      const approved = await decide(id, approverB);
      expect(approved).toMatchObject({ status: 'approved', approvals: 2 });
      expect(approved.decisions.map((d) => d.reason)).toEqual(['checked the order', 'checked the order']);
      expect(events.filter((event) => event.type === 'approval.approved')).toEqual([expect.objectContaining({ approvalId: id, status: 'approved', tenantId: tenant })]);
      expect(await failure(decide(id, approverC))).toMatchObject({ code: 'governance.approval_not_pending', kind: 'conflict' });
    });

    it('rejects at once on one eligible reject (a veto), whatever the approvals so far', async () => {
      const { id } = await create({ quorum: 2 });
      await decide(id, approverA);
      const rejected = await decide(id, approverB, { decision: 'reject', reason: 'amount does not match the invoice' });
      expect(rejected).toMatchObject({ status: 'rejected', approvals: 1 });
      expect(events.map((event) => event.type)).toContain('approval.rejected');
    });

    it('refuses a quorum the named approvers can never reach (the requester does not count)', async () => {
      const error = await failure(create({ approverRoles: [], approverUserIds: [approverA.id, requester.id], quorum: 2 }));
      expect(error).toMatchObject({ code: 'governance.approval_invalid_input', details: { issues: [expect.objectContaining({ path: 'quorum' })] } });
    });

    it('counts a named user and refuses approvers who are neither named nor hold a listed role', async () => {
      const { id } = await create({ approverRoles: [], approverUserIds: [approverA.id] });
      expect(await failure(decide(id, approverB))).toMatchObject({ code: 'governance.approval_not_eligible', kind: 'permission_denied' });
      expect(await decide(id, approverA)).toMatchObject({ status: 'approved' });
      expect(await auditActions(id)).toEqual(['approval.create:success', 'approval.decide:denied', 'approval.decide:success']);
    });

    it('keeps one decision per approver', async () => {
      const { id } = await create({ quorum: 2 });
      await decide(id, approverA);
      expect(await failure(decide(id, approverA))).toMatchObject({ code: 'governance.approval_already_decided', kind: 'conflict' });
      expect(await failure(decide(id, approverA, { decision: 'reject', reason: 'changed my mind' }))).toMatchObject({ code: 'governance.approval_already_decided' });
      expect((await as(tenant, requester, () => approvals.get(id))).decisions).toHaveLength(1);
    });
  });

  describe('requester ≠ approver', () => {
    it('refuses the requester even when it holds the approver role', async () => {
      const selfApprover = user(['operator', 'approver']);
      const { id } = await create({}, selfApprover);
      expect(await failure(decide(id, selfApprover))).toMatchObject({ code: 'governance.approval_self_decision', kind: 'permission_denied' });
      expect(await auditActions(id)).toEqual(['approval.create:success', 'approval.decide:denied']);
    });

    it('refuses the user an agent requested for, and agents altogether', async () => {
      const agent: Actor = { type: 'agent', id: newId(), roles: ['operator', 'approver'] };
      const { id, onBehalfOf } = await as(tenant, agent, () => approvals.create(request()), approverA);
      expect(onBehalfOf).toEqual({ type: 'user', id: approverA.id });
      expect(await failure(decide(id, approverA))).toMatchObject({ code: 'governance.approval_self_decision' });
      const otherAgent: Actor = { type: 'agent', id: newId(), roles: ['approver'] };
      expect(await failure(decide(id, otherAgent))).toMatchObject({ code: 'governance.approval_not_eligible' });
      expect(await decide(id, approverB)).toMatchObject({ status: 'approved' });
    });

    it('refuses a decider acting on behalf of the requester', async () => {
      const { id } = await create();
      const service: Actor = { type: 'service_account', id: newId(), roles: ['approver'] };
      const error = await failure(as(tenant, service, () => approvals.decide(id, approve), requester));
      expect(error).toMatchObject({ code: 'governance.approval_self_decision' });
    });
  });

  describe('expiry', () => {
    it('refuses a decision after expiry before the sweeper ran, then the sweeper marks it expired', async () => {
      const { id } = await create({ expiresInSeconds: 60 });
      clock.advance(61_000);
      expect(await failure(decide(id, approverA))).toMatchObject({ code: 'governance.approval_expired', kind: 'conflict' });
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('pending');

      const swept = await sweeper.sweep(clock.now());
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('expired');
      expect(events).toContainEqual(expect.objectContaining({ type: 'approval.expired', approvalId: id, status: 'expired' }));
      expect(await failure(decide(id, approverA))).toMatchObject({ code: 'governance.approval_expired' });
      expect(await failure(as(tenant, requester, () => approvals.cancel(id, {})))).toMatchObject({ code: 'governance.approval_expired' });
      expect(await auditActions(id)).toEqual(['approval.create:success', 'approval.decide:failure', 'approval.expire:success', 'approval.decide:failure', 'approval.cancel:failure']);
    });

    it('sweeps in batches from several sweepers at once, each request exactly once', async () => {
      const ids = [];
      for (let index = 0; index < 5; index += 1) ids.push((await create({ expiresInSeconds: 60 })).id);
      clock.advance(2 * MINUTE);
      const results = await Promise.all([sweeper.sweep(clock.now()), sweeper.sweep(clock.now()), sweeper.sweep(clock.now())]);
      expect(results.reduce((sum, result) => sum + result.expired, 0)).toBe(5);
      const audited = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_entry WHERE action = 'approval.expire' AND approval_id = ANY($1::text[])`,
        [ids],
      );
      expect(audited[0].n).toBe(5);
      expect((await sweeper.sweep(clock.now())).expired).toBe(0);
    });
  });

  describe('escalation', () => {
    it('adds the escalation role to the approvers once the timeout passes', async () => {
      const { id } = await create({ escalation: { afterSeconds: 600, toRole: 'admin' } });
      expect(await failure(decide(id, admin))).toMatchObject({ code: 'governance.approval_not_eligible' });
      clock.advance(5 * MINUTE);
      expect((await sweeper.sweep(clock.now())).escalated).toBe(0);
      clock.advance(6 * MINUTE);
      expect((await sweeper.sweep(clock.now())).escalated).toBe(1);
      expect(events).toContainEqual(expect.objectContaining({ type: 'approval.escalated', approvalId: id }));
      const escalated = await as(tenant, requester, () => approvals.get(id));
      expect(escalated).toMatchObject({ approverRoles: ['approver', 'admin'], escalatedAt: clock.now() });
      expect((await sweeper.sweep(clock.now())).escalated).toBe(0);
      expect(await decide(id, admin)).toMatchObject({ status: 'approved' });
      expect(await auditActions(id)).toEqual(['approval.create:success', 'approval.decide:denied', 'approval.escalate:success', 'approval.decide:success']);
    });

    it('never escalates a request that was decided or expired first', async () => {
      const decided = await create({ escalation: { afterSeconds: 60, toRole: 'admin' } });
      await decide(decided.id, approverA);
      const expiring = await create({ expiresInSeconds: 120, escalation: { afterSeconds: 60, toRole: 'admin' } });
      clock.advance(10 * MINUTE);
      await sweeper.sweep(clock.now());
      expect((await as(tenant, requester, () => approvals.get(decided.id))).escalatedAt).toBeNull();
      expect(await as(tenant, requester, () => approvals.get(expiring.id))).toMatchObject({ status: 'expired', escalatedAt: null });
    });
  });

  describe('execution', () => {
    async function approved(patch: Record<string, unknown> = {}) {
      const { id } = await create(patch);
      await decide(id, approverA);
      return id;
    }
    const consume = (id: string, intended: typeof action, actor = requester) => as(tenant, actor, () => approvals.consumeForExecution(id, intended));

    it('refuses arguments that differ from the approved hash, and keeps the approval for the exact action', async () => {
      const id = await approved();
      const error = await failure(consume(id, { ...action, arguments: { ...action.arguments, amount: 12_000 } }));
      expect(error).toMatchObject({ code: 'governance.approval_arguments_mismatch', kind: 'permission_denied' });
      expect(await failure(consume(id, { ...action, subjectId: 'pay_43' }))).toMatchObject({ code: 'governance.approval_arguments_mismatch' });
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('approved');

      // Same action, keys in another order: the canonical hash matches.
      const receipt = await consume(id, { subjectId: 'pay_42', arguments: { lines: [1, 2], currency: 'EUR', amount: 120 }, subjectType: 'Payment', action: 'payments.refund' });
      expect(receipt.approval).toMatchObject({ status: 'executed', executedAt: clock.now() });
      expect(events.filter((event) => event.type === 'approval.executed')).toHaveLength(1);
      receipt.publish();
      expect(events.filter((event) => event.type === 'approval.executed')).toHaveLength(1);
      expect(await auditActions(id)).toEqual([
        'approval.create:success',
        'approval.decide:success',
        'approval.execute:denied',
        'approval.execute:denied',
        'approval.execute:success',
      ]);
    });

    it('executes once', async () => {
      const id = await approved();
      await consume(id, action);
      expect(await failure(consume(id, action))).toMatchObject({ code: 'governance.approval_already_executed', kind: 'conflict' });
    });

    it('refuses pending, expired and other principals', async () => {
      const { id: pending } = await create();
      expect(await failure(consume(pending, action))).toMatchObject({ code: 'governance.approval_not_approved', kind: 'failed_precondition' });
      const id = await approved({ expiresInSeconds: 60 });
      expect(await failure(consume(id, action, approverA))).toMatchObject({ code: 'governance.approval_not_requester', kind: 'permission_denied' });
      clock.advance(2 * MINUTE);
      expect(await failure(consume(id, action))).toMatchObject({ code: 'governance.approval_expired' });
    });

    it("joins the caller's transaction: rolled back with it, published only when the caller says it committed", async () => {
      const id = await approved();
      await expect(
        as(tenant, requester, () =>
          prisma.$transaction(async (tx) => {
            await approvals.consumeForExecution(id, action, tx);
            throw new Error('the tool call failed');
          }),
        ),
      ).rejects.toThrow('the tool call failed');
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('approved');

      const receipt = await as(tenant, requester, () => prisma.$transaction((tx) => approvals.consumeForExecution(id, action, tx)));
      expect(events.filter((event) => event.type === 'approval.executed')).toHaveLength(0);
      receipt.publish();
      expect(events.filter((event) => event.type === 'approval.executed')).toHaveLength(1);
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('executed');
    });
  });

  describe('tenant isolation', () => {
    it("answers not found for another tenant's approval on read, decide, comment, cancel and execute", async () => {
      const { id } = await create();
      const inOther = <T>(fn: () => Promise<T>) => as(otherTenant, outsider, fn);
      for (const attempt of [
        () => inOther(() => approvals.get(id)),
        () => inOther(() => approvals.decide(id, approve)),
        () => inOther(() => approvals.comment(id, { body: 'hello' })),
        () => inOther(() => approvals.cancel(id, {})),
        () => as(otherTenant, requester, () => approvals.consumeForExecution(id, action)),
      ]) {
        expect(await failure(attempt())).toMatchObject({ code: 'governance.approval_not_found', kind: 'not_found' });
      }
      expect((await inOther(() => approvals.list({}))).items.map((item) => item.id)).not.toContain(id);
      expect(await inOther(() => approvals.statuses([id]))).toEqual([]);
      expect(await failure(as(tenant, requester, () => approvals.get('not-a-uuid')))).toMatchObject({ code: 'governance.approval_not_found' });
      expect((await as(tenant, requester, () => approvals.get(id))).status).toBe('pending');
    });
  });

  describe('concurrency', () => {
    const codesOf = (outcomes: PromiseSettledResult<unknown>[]) =>
      outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason.code as string);
    const decisionRows = async (id: string) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM approval_decision WHERE approval_id = $1', [id]))[0].n;

    it('never over-counts the quorum when approvers decide at the same time', async () => {
      const { id } = await create({ quorum: 2 });
      const outcomes = await Promise.allSettled(
        [approverA, approverB, approverC].map((approver) => decide(id, approver)),
      );
      // The third comes too late. (A retried call whose first attempt committed reports already_decided.)
      const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      if (db.kind === 'server') expect([fulfilled, ...codesOf(outcomes)]).toEqual([2, 'governance.approval_not_pending']);
      else expect(fulfilled).toBeLessThanOrEqual(2);
      for (const code of codesOf(outcomes)) expect(['governance.approval_not_pending', 'governance.approval_already_decided']).toContain(code);
      expect(await as(tenant, requester, () => approvals.get(id))).toMatchObject({ status: 'approved', approvals: 2 });
      expect(await decisionRows(id)).toBe(2);
      expect(events.filter((event) => event.type === 'approval.approved' && event.approvalId === id)).toHaveLength(1);
    });

    it("records one decision when the same approver's decisions race", async () => {
      const { id } = await create({ quorum: 3 });
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => decide(id, approverA)));
      const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      if (db.kind === 'server') expect(fulfilled).toBe(1);
      else expect(fulfilled).toBeLessThanOrEqual(1);
      expect(codesOf(outcomes).every((code) => code === 'governance.approval_already_decided')).toBe(true);
      expect(await decisionRows(id)).toBe(1);
      expect(await as(tenant, requester, () => approvals.get(id))).toMatchObject({ status: 'pending', approvals: 1 });
    });
  });

  describe('comments, cancel, list', () => {
    it('lets the requester and approvers comment, and returns them with the request', async () => {
      const { id } = await create();
      await as(tenant, requester, () => approvals.comment(id, { body: 'Customer called twice about this.' }));
      await as(tenant, approverA, () => approvals.comment(id, { body: 'Looking at it.' }));
      const detail = await as(tenant, approverB, () => approvals.get(id));
      expect(detail.comments.map((comment) => [comment.author.id, comment.body])).toEqual([
        [requester.id, 'Customer called twice about this.'],
        [approverA.id, 'Looking at it.'],
      ]);
      const error = await failure(as(tenant, user(['viewer']), () => approvals.comment(id, { body: 'hi' })));
      expect(error).toMatchObject({ kind: 'permission_denied' });
    });

    it('lets the requester cancel a pending request, after which it cannot be decided', async () => {
      const { id } = await create();
      expect(await failure(as(tenant, user(['operator']), () => approvals.cancel(id, {})))).toMatchObject({ kind: 'permission_denied' });
      const cancelled = await as(tenant, requester, () => approvals.cancel(id, { reason: 'customer withdrew the claim' }));
      expect(cancelled.status).toBe('cancelled');
      expect(events.map((event) => event.type)).toEqual(['approval.requested', 'approval.cancelled']);
      expect(await failure(decide(id, approverA))).toMatchObject({ code: 'governance.approval_not_pending' });
    });

    it('lists mine, for me and by status, newest first, with cursor paging', async () => {
      const listTenant = newId();
      const me = user(['operator', 'approver']);
      const mine = [];
      for (let index = 0; index < 3; index += 1) mine.push((await create({}, me, listTenant)).id);
      const theirs = (await create({}, requester, listTenant)).id;
      const closed = (await create({}, requester, listTenant)).id;
      await as(listTenant, me, () => approvals.cancel(closed, {}).catch(() => undefined));
      await as(listTenant, requester, () => approvals.cancel(closed, {}));

      const page1 = await as(listTenant, me, () => approvals.list({ mine: 'true', limit: '2' }));
      expect(page1.items.map((item) => item.id)).toEqual([mine[2], mine[1]]);
      expect(page1.items[0]).not.toHaveProperty('arguments');
      const page2 = await as(listTenant, me, () => approvals.list({ mine: 'true', limit: '2', cursor: page1.nextCursor }));
      expect(page2).toEqual({ items: [expect.objectContaining({ id: mine[0] })], nextCursor: null });

      expect((await as(listTenant, me, () => approvals.list({ forMe: true }))).items.map((item) => item.id)).toEqual([theirs]);
      expect((await as(listTenant, approverA, () => approvals.list({ status: 'cancelled' }))).items.map((item) => item.id)).toEqual([closed]);
      // Without a reading role, only one's own requests are visible.
      const operator = user(['operator']);
      expect((await as(listTenant, operator, () => approvals.list({}))).items).toEqual([]);
      expect(await failure(as(listTenant, me, () => approvals.list({ status: 'nope' })))).toMatchObject({ code: 'governance.approval_invalid_input' });
    });

    it('reports statuses by id for consumers in other processes', async () => {
      const { id } = await create();
      await decide(id, approverA);
      const statuses = await as(tenant, requester, () => approvals.statuses([id, newId(), 'garbage']));
      expect(statuses).toEqual([expect.objectContaining({ id, status: 'approved' })]);
    });
  });

  describe('events', () => {
    it('publishes after the commit, and a failing listener affects no one', async () => {
      const seen: string[] = [];
      const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const bus = moduleRef.get(ApprovalEvents);
      const stopFailing = bus.onDecided(() => {
        throw new Error('listener bug');
      });
      const stopReading = bus.onDecided(async (event) => {
        // Another connection already sees the committed status.
        const rows = await db.query<{ status: string }>('SELECT status FROM approval_request WHERE id = $1', [event.approvalId]);
        seen.push(`${event.type}:${rows[0].status}`);
      });
      const { id } = await create();
      await decide(id, approverA);
      // The listener reads on its own connection, after the commit: seconds on a busy server.
      await expect.poll(() => seen, { timeout: 15_000 }).toEqual(['approval.approved:approved']);
      expect(logged).toHaveBeenCalledWith(expect.objectContaining({ event: 'approval.approved' }), 'approval event listener failed');
      logged.mockRestore();
      stopFailing();
      stopReading();
    });
  });
});
