import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import {
  Prisma,
  PrismaService,
  type ContextEffectModel,
  type ContextMessageModel,
  type ContextRunEventModel,
  type ContextRunModel,
  type ContextRunStepModel,
  type ContextSessionModel,
  type ContextToolCallModel,
} from '@strata/db';
import type { ChatMessage } from '@strata/model-gateway';
import { TERMINAL_RUN_STATUSES, type RunEventType } from './run.contract';

export type SessionRow = ContextSessionModel;
export type MessageRow = ContextMessageModel;
export type RunRow = ContextRunModel;
export type StepRow = ContextRunStepModel;
export type ToolCallRow = ContextToolCallModel;
export type EffectRow = ContextEffectModel;
export type EventRow = ContextRunEventModel;

type Client = Prisma.TransactionClient | PrismaService;

export const ACTIVE_RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'waiting_budget'] as const;

/** A run a worker just took: its id and tenant (the worker then works inside that tenant's context). */
export interface ClaimedRun {
  id: string;
  tenantId: string;
}

/**
 * The runtime's tables (context-runtime.prisma). Tenant-scoped methods read the tenant from the
 * request context; the worker's cross-tenant methods (claim, lease, resume) are marked as such and
 * only ever touch scheduling columns.
 */
@Injectable()
export class RuntimeRepository {
  constructor(private readonly prisma: PrismaService) {}

  // ---- sessions and conversation ----

  createSession(data: Omit<Prisma.ContextSessionUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<SessionRow> {
    return tx.contextSession.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  findSession(id: string, client: Client = this.prisma): Promise<SessionRow | null> {
    return client.contextSession.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  listSessions(where: Prisma.ContextSessionWhereInput, limit: number, cursor?: string): Promise<SessionRow[]> {
    return this.prisma.contextSession.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { lt: cursor } } : {}] },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  /** The session row is the lock that orders its runs (message posting, claiming). */
  async lockSession(id: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.$queryRaw`SELECT id FROM context_session WHERE id = ${id}::uuid AND tenant_id = ${RequestContextStore.requireTenantId()}::uuid FOR UPDATE`;
  }

  async appendMessages(sessionId: string, runId: string | null, messages: Array<{ message: ChatMessage; untrusted: boolean; id?: string }>, tx: Prisma.TransactionClient): Promise<MessageRow[]> {
    const first = await this.insertMessages(sessionId, runId, messages, tx);
    if (first === null) return [];
    return tx.contextMessage.findMany({ where: { sessionId, seq: { gte: first } }, orderBy: { seq: 'asc' } });
  }

  /**
   * Appends messages without reading them back, in ONE statement (a checkpoint runs this on every
   * step: each round trip costs more than the work): the session's sequence counter is advanced and
   * the rows inserted by a data-modifying CTE. Returns the first sequence number written, null when
   * there was nothing to write.
   */
  async insertMessages(sessionId: string, runId: string | null, messages: Array<{ message: ChatMessage; untrusted: boolean; id?: string }>, tx: Prisma.TransactionClient): Promise<number | null> {
    if (messages.length === 0) return null;
    const tenantId = RequestContextStore.requireTenantId();
    const count = messages.length;
    const entries = JSON.stringify(messages.map((entry) => ({ id: entry.id ?? newId(), role: entry.message.role, message: entry.message, untrusted: entry.untrusted })));
    const rows = await tx.$queryRaw<Array<{ seq: number }>>`
      WITH s AS (
        UPDATE context_session SET next_seq = next_seq + ${count}::int, updated_at = now()
        WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid
        RETURNING next_seq - ${count}::int AS first
      )
      INSERT INTO context_message (id, tenant_id, session_id, seq, run_id, role, message, untrusted)
      SELECT (e.m->>'id')::uuid, ${tenantId}::uuid, ${sessionId}::uuid, s.first + (e.o::int - 1), ${runId}::uuid, e.m->>'role', e.m->'message', (e.m->>'untrusted')::boolean
      FROM s, jsonb_array_elements(${entries}::jsonb) WITH ORDINALITY AS e(m, o)
      RETURNING seq`;
    if (rows.length !== count) throw new Error(`session ${sessionId} not found while appending messages`);
    return Math.min(...rows.map((row) => Number(row.seq)));
  }

  conversation(sessionId: string, client: Client = this.prisma): Promise<MessageRow[]> {
    return client.contextMessage.findMany({ where: { sessionId, tenantId: RequestContextStore.requireTenantId() }, orderBy: { seq: 'asc' } });
  }

  // ---- runs ----

  createRun(data: Omit<Prisma.ContextRunUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<RunRow> {
    return tx.contextRun.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  findRun(id: string, client: Client = this.prisma): Promise<RunRow | null> {
    return client.contextRun.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  listRuns(where: Prisma.ContextRunWhereInput, limit: number, cursor?: string): Promise<RunRow[]> {
    return this.prisma.contextRun.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { lt: cursor } } : {}] },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  activeRuns(sessionId: string, tx: Prisma.TransactionClient): Promise<RunRow[]> {
    return tx.contextRun.findMany({
      where: { sessionId, tenantId: RequestContextStore.requireTenantId(), status: { in: [...ACTIVE_RUN_STATUSES] } },
      orderBy: { id: 'asc' },
    });
  }

  /**
   * A checkpoint's fence in one statement: locks the run's row (UPDATE … RETURNING) only while
   * `owner` still holds the lease of a running run, and returns the row; null when the lease is
   * lost or the run stopped running. Replaces a `SELECT … FOR UPDATE` plus a read (one round trip
   * less per checkpoint; the row lock is the same kind the heartbeat and other writers take).
   */
  async fenceRun(id: string, owner: string, tx: Prisma.TransactionClient): Promise<RunRow | null> {
    const where = { id, tenantId: RequestContextStore.requireTenantId(), leaseOwner: owner, status: 'running' };
    const rows = await tx.contextRun.updateManyAndReturn({ where, data: { updatedAt: new Date() } });
    return rows[0] ?? null;
  }

  /**
   * A checkpoint's last write to the run: the run columns its work changed and the durable events
   * it emitted, numbered from `nextEventSeq` (read under the checkpoint's row lock, so gap-free).
   * The update returns nothing (the run row carries the agent spec: no need to parse it back).
   */
  async closeCheckpoint(
    run: Pick<RunRow, 'id' | 'nextEventSeq'>,
    patch: Prisma.ContextRunUncheckedUpdateManyInput,
    events: Array<{ type: RunEventType; data: Record<string, unknown> }>,
    tx: Prisma.TransactionClient,
  ): Promise<EventRow[]> {
    const tenantId = RequestContextStore.requireTenantId();
    if (events.length === 0 && Object.keys(patch).length === 0) return [];
    await tx.contextRun.updateMany({
      where: { id: run.id, tenantId },
      data: { ...patch, ...(events.length > 0 ? { nextEventSeq: run.nextEventSeq + events.length } : {}), updatedAt: new Date() },
    });
    if (events.length === 0) return [];
    const at = new Date();
    const rows = events.map((event, i) => ({
      id: newId(),
      tenantId,
      runId: run.id,
      seq: run.nextEventSeq + i,
      type: event.type,
      data: event.data as Prisma.InputJsonValue,
      at,
    }));
    await tx.contextRunEvent.createMany({ data: rows });
    return rows.map((row) => ({ ...row, data: row.data as Prisma.JsonValue }));
  }

  /** Locks the run's row for a checkpoint (the fencing read: status, lease owner, cancel flag). */
  async lockRun(id: string, tx: Prisma.TransactionClient): Promise<RunRow | null> {
    const tenantId = RequestContextStore.requireTenantId();
    await tx.$queryRaw`SELECT id FROM context_run WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    return tx.contextRun.findFirst({ where: { id, tenantId } });
  }

  updateRun(id: string, data: Prisma.ContextRunUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<RunRow> {
    return tx.contextRun.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data: { ...data, updatedAt: new Date() } });
  }

  activeRunCount(agentId: string, tx: Prisma.TransactionClient): Promise<number> {
    return tx.contextRun.count({ where: { agentId, tenantId: RequestContextStore.requireTenantId(), status: { in: [...ACTIVE_RUN_STATUSES] } } });
  }

  // ---- steps, tool calls, effects ----

  steps(runId: string, client: Client = this.prisma): Promise<StepRow[]> {
    return client.contextRunStep.findMany({ where: { runId, tenantId: RequestContextStore.requireTenantId() }, orderBy: { index: 'asc' } });
  }

  lastStep(runId: string, client: Client = this.prisma): Promise<StepRow | null> {
    return client.contextRunStep.findFirst({ where: { runId, tenantId: RequestContextStore.requireTenantId() }, orderBy: { index: 'desc' } });
  }

  step(runId: string, index: number): Promise<StepRow | null> {
    return this.prisma.contextRunStep.findFirst({ where: { runId, index, tenantId: RequestContextStore.requireTenantId() } });
  }

  /**
   * The model step's writes in ONE statement (data-modifying CTEs): the step row, its pending tool
   * calls and the assistant message (advancing the session's sequence). A checkpoint pays a round
   * trip per statement, far more than the writes themselves cost.
   */
  async recordModelStep(
    step: { id: string; runId: string; index: number; status: string; messages: unknown; tools: unknown; report: unknown; output: unknown; tokens: number; costUsd: number; traceId: string | null; startedAt: Date; completedAt: Date | null },
    calls: Array<{ position: number; callId: string; name: string; argumentsRaw: string; idempotencyKey: string }>,
    session: { sessionId: string; message: ChatMessage },
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    const callRows = JSON.stringify(calls.map((call) => ({ ...call, id: newId() })));
    const rows = await tx.$queryRaw<Array<{ seq: number }>>`
      WITH step AS (
        INSERT INTO context_run_step (id, tenant_id, run_id, "index", status, messages, tools, report, output, tokens, cost_usd, trace_id, started_at, completed_at)
        VALUES (${step.id}::uuid, ${tenantId}::uuid, ${step.runId}::uuid, ${step.index}::int, ${step.status}, ${JSON.stringify(step.messages)}::jsonb,
          ${JSON.stringify(step.tools)}::jsonb, ${JSON.stringify(step.report)}::jsonb, ${JSON.stringify(step.output)}::jsonb, ${step.tokens}::int,
          ${step.costUsd}::double precision, ${step.traceId}, ${step.startedAt}::timestamptz, ${step.completedAt}::timestamptz)
        RETURNING id
      ), calls AS (
        INSERT INTO context_tool_call (id, tenant_id, run_id, step_index, position, call_id, name, arguments_raw, status, idempotency_key)
        SELECT (c->>'id')::uuid, ${tenantId}::uuid, ${step.runId}::uuid, ${step.index}::int, (c->>'position')::int, c->>'callId', c->>'name',
          c->>'argumentsRaw', 'pending', c->>'idempotencyKey'
        FROM jsonb_array_elements(${callRows}::jsonb) AS c
        RETURNING id
      ), s AS (
        UPDATE context_session SET next_seq = next_seq + 1, updated_at = now()
        WHERE id = ${session.sessionId}::uuid AND tenant_id = ${tenantId}::uuid
        RETURNING next_seq - 1 AS seq
      )
      INSERT INTO context_message (id, tenant_id, session_id, seq, run_id, role, message, untrusted)
      SELECT ${newId()}::uuid, ${tenantId}::uuid, ${session.sessionId}::uuid, s.seq, ${step.runId}::uuid, ${session.message.role}, ${JSON.stringify(session.message)}::jsonb, false
      FROM s
      RETURNING seq`;
    if (rows.length !== 1) throw new Error(`session ${session.sessionId} not found while recording step ${step.index}`);
  }

  /** Updates a step without reading it back. */
  async patchStep(id: string, data: Prisma.ContextRunStepUncheckedUpdateManyInput, tx: Prisma.TransactionClient): Promise<void> {
    await tx.contextRunStep.updateMany({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  toolCalls(runId: string, client: Client = this.prisma, stepIndex?: number): Promise<ToolCallRow[]> {
    return client.contextToolCall.findMany({
      where: { runId, tenantId: RequestContextStore.requireTenantId(), ...(stepIndex === undefined ? {} : { stepIndex }) },
      orderBy: [{ stepIndex: 'asc' }, { position: 'asc' }],
    });
  }

  updateToolCall(id: string, data: Prisma.ContextToolCallUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<ToolCallRow> {
    return tx.contextToolCall.update({ where: { id }, data });
  }

  /** Updates a tool call without reading it back. */
  async patchToolCall(id: string, data: Prisma.ContextToolCallUncheckedUpdateManyInput, tx: Prisma.TransactionClient): Promise<void> {
    await tx.contextToolCall.updateMany({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  findEffect(idempotencyKey: string, client: Client = this.prisma): Promise<EffectRow | null> {
    return client.contextEffect.findFirst({ where: { idempotencyKey, tenantId: RequestContextStore.requireTenantId() } });
  }

  effects(runId: string): Promise<EffectRow[]> {
    return this.prisma.contextEffect.findMany({ where: { runId, tenantId: RequestContextStore.requireTenantId() }, orderBy: { createdAt: 'asc' } });
  }

  createEffect(data: Omit<Prisma.ContextEffectUncheckedCreateInput, 'tenantId' | 'id'>, tx: Prisma.TransactionClient): Promise<EffectRow> {
    return tx.contextEffect.create({ data: { ...data, id: newId(), tenantId: RequestContextStore.requireTenantId() } });
  }

  updateEffect(id: string, data: Prisma.ContextEffectUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<EffectRow> {
    return tx.contextEffect.update({ where: { id }, data });
  }

  // ---- events ----

  /** Appends durable events with the run's next gap-free sequence numbers (the run row is locked by the caller or by this update). */
  async appendEvents(runId: string, events: Array<{ type: RunEventType; data: Record<string, unknown> }>, tx: Prisma.TransactionClient): Promise<EventRow[]> {
    if (events.length === 0) return [];
    const tenantId = RequestContextStore.requireTenantId();
    const { nextEventSeq } = await tx.contextRun.update({
      where: { id: runId, tenantId },
      data: { nextEventSeq: { increment: events.length } },
      select: { nextEventSeq: true },
    });
    const first = nextEventSeq - events.length;
    const at = new Date();
    const rows = events.map((event, i) => ({
      id: newId(),
      tenantId,
      runId,
      seq: first + i,
      type: event.type,
      data: event.data as Prisma.InputJsonValue,
      at,
    }));
    await tx.contextRunEvent.createMany({ data: rows });
    return rows.map((row) => ({ ...row, data: row.data as Prisma.JsonValue }));
  }

  eventsAfter(runId: string, after: number, limit: number): Promise<EventRow[]> {
    return this.prisma.contextRunEvent.findMany({
      where: { runId, tenantId: RequestContextStore.requireTenantId(), seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
  }

  // ---- the worker's cross-tenant scheduling (no tenant context: the worker serves every tenant) ----

  /**
   * Takes one run: the oldest queued run that is first in line in its session (no earlier run of
   * the session still active), or a running run whose lease expired (its worker died). Skips rows
   * other workers hold locked, so workers never wait on each other.
   */
  async claim(owner: string, leaseMs: number): Promise<ClaimedRun | null> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string; tenant_id: string }>>`
        SELECT r.id, r.tenant_id FROM context_run r
        WHERE (
          r.status = 'queued' AND NOT EXISTS (
            SELECT 1 FROM context_run o
            WHERE o.session_id = r.session_id AND o.id < r.id AND o.status IN ('queued', 'running', 'waiting_approval', 'waiting_budget')
          )
        ) OR (r.status = 'running' AND r.lease_expires_at < now())
        ORDER BY r.id
        LIMIT 1
        FOR UPDATE OF r SKIP LOCKED`;
      const row = rows[0];
      if (!row) return null;
      await tx.$executeRaw`
        UPDATE context_run SET status = 'running', lease_owner = ${owner},
          lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision),
          attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
        WHERE id = ${row.id}::uuid`;
      return { id: row.id, tenantId: row.tenant_id };
    });
  }

  /** Extends the lease while the owner still holds it; false: lost (another worker took the run, or it stopped running). */
  async renewLease(runId: string, owner: string, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE context_run SET lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
      WHERE id = ${runId}::uuid AND lease_owner = ${owner} AND status = 'running'`;
    return count === 1;
  }

  /** Gives a lease up at shutdown so another worker resumes the run at once instead of after expiry. */
  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE context_run SET lease_expires_at = now() - interval '1 second'
      WHERE id = ${runId}::uuid AND lease_owner = ${owner} AND status = 'running'`;
  }

  /** A decided approval: the run waiting on it goes back in line (the worker reads the decision itself). */
  async requeueWaitingOn(tenantId: string, approvalId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE context_run SET status = 'queued', updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND waiting_approval_id = ${approvalId}::uuid AND status IN ('waiting_approval', 'waiting_budget')
      RETURNING id`;
    return rows.map((row) => row.id);
  }

  /** Suspended runs for the approval sweep, oldest first. */
  waitingRuns(limit: number): Promise<RunRow[]> {
    return this.prisma.contextRun.findMany({
      where: { status: { in: ['waiting_approval', 'waiting_budget'] }, waitingApprovalId: { not: null } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
  }
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}
