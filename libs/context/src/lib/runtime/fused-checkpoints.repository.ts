import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { Prisma, PrismaService } from '@strata/db';
import type { ChatMessage } from '@strata/model-gateway';
import type { RunEventType } from './run.contract';
import type { EventRow, RunRow } from './runtime.repository';

/** The run columns the loop reads between steps, as a fused checkpoint left them (never the spec). */
export type RunState = Pick<
  RunRow,
  'status' | 'leaseOwner' | 'cancelRequested' | 'cancelReason' | 'waitingKind' | 'waitingApprovalId' | 'steps' | 'tokens' | 'costUsd' | 'extraBudgetUsd' | 'activeMs' | 'nextEventSeq' | 'attempts'
>;

/** Who may write: the fence every checkpoint passes (this worker's lease on a running, uncancelled run). */
export interface CheckpointFence {
  runId: string;
  owner: string;
}

export type CheckpointEvent = { type: RunEventType; data: Record<string, unknown> };

/** A fused checkpoint that passed its fence: the run's state after it, its events, the messages' positions. */
export interface FusedCheckpointResult {
  state: RunState;
  events: EventRow[];
  messageSeqs: number[];
}

interface StateRow {
  first_event: number;
  message_seqs: number[] | null;
  status: string;
  lease_owner: string | null;
  cancel_requested: boolean;
  cancel_reason: string | null;
  waiting_kind: string | null;
  waiting_approval_id: string | null;
  steps: number;
  tokens: number;
  cost_usd: number;
  extra_budget_usd: number;
  active_ms: number;
  next_event_seq: number;
  attempts: number;
}

/**
 * The two checkpoints every agent step takes — after the model call, after each tool result — each
 * as ONE statement (data-modifying CTEs, autocommit): the fence, the step's rows, the conversation
 * messages, the run's counters and the durable events, all or nothing. A round trip costs more
 * than these writes (the benchmark in docs/benchmarks.md), so the transaction with six or seven
 * statements each became one, sent past the ORM's query path as a prepared statement
 * (`PrismaService.queryDirect`: parsed and planned once per connection).
 *
 * The fence is the first CTE, an `UPDATE … WHERE lease_owner = $owner AND status = 'running' AND
 * NOT cancel_requested RETURNING`: it takes the run's row lock (re-checked after any concurrent
 * writer commits), and every other CTE reads from it, so when the fence fails nothing is written
 * and the result is null. Checkpoints with open-ended work (a transactional tool, an approval's
 * consumption, the run's end with its audit entry) keep the transaction in AgentRunner.checkpoint.
 */
@Injectable()
export class FusedCheckpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The model step of a step that goes on to tool calls: the step row, its pending calls, the assistant message. */
  async modelStep(
    fence: CheckpointFence,
    step: { id: string; index: number; messages: unknown; tools: unknown; report: unknown; output: unknown; tokens: number; costUsd: number; traceId: string | null; startedAt: Date },
    calls: Array<{ id: string; position: number; callId: string; name: string; argumentsRaw: string; idempotencyKey: string }>,
    message: { id: string; sessionId: string; message: ChatMessage },
    run: { steps: number; activeMs: number },
    events: CheckpointEvent[],
  ): Promise<FusedCheckpointResult | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const stamped = stampEvents(events);
    const rows = await this.prisma.queryDirect<StateRow>(Prisma.sql`
      WITH ${fenceCte(
        fence,
        tenantId,
        Prisma.sql`steps = ${run.steps}::int, tokens = tokens + ${step.tokens}::int, cost_usd = cost_usd + ${step.costUsd}::double precision, active_ms = ${run.activeMs}::int`,
        stamped.count,
      )}, step AS (
        INSERT INTO context_run_step (id, tenant_id, run_id, "index", status, messages, tools, report, output, tokens, cost_usd, trace_id, started_at, completed_at)
        SELECT ${step.id}::uuid, ${tenantId}::uuid, ${fence.runId}::uuid, ${step.index}::int, 'tools', ${JSON.stringify(step.messages)}::jsonb,
          ${JSON.stringify(step.tools)}::jsonb, ${JSON.stringify(step.report)}::jsonb, ${JSON.stringify(step.output)}::jsonb, ${step.tokens}::int,
          ${step.costUsd}::double precision, ${step.traceId}, ${step.startedAt}::timestamptz, NULL
        FROM f
      ), calls AS (
        INSERT INTO context_tool_call (id, tenant_id, run_id, step_index, position, call_id, name, arguments_raw, status, idempotency_key)
        SELECT (c->>'id')::uuid, ${tenantId}::uuid, ${fence.runId}::uuid, ${step.index}::int, (c->>'position')::int, c->>'callId', c->>'name',
          c->>'argumentsRaw', 'pending', c->>'idempotencyKey'
        FROM f, jsonb_array_elements(${JSON.stringify(calls)}::jsonb) AS c
      ), ${messagesAndEvents(fence.runId, tenantId, message.sessionId, [{ id: message.id, message: message.message, untrusted: false }], stamped)}
      SELECT ${STATE_SELECT} FROM f`, { prepared: 'context_model_step' });
    return resultOf(rows, fence.runId, tenantId, stamped);
  }

  /**
   * A tool call's result: the call done with its outcome, its (untrusted) tool message, and — when
   * it was the step's last open call — the step completed, in the same statement.
   */
  async toolResult(
    fence: CheckpointFence,
    call: { id: string; outcome: unknown; completedAt: Date },
    message: { id: string; sessionId: string; message: ChatMessage },
    completeStep: { id: string; completedAt: Date } | null,
    run: { activeMs: number },
    events: CheckpointEvent[],
  ): Promise<FusedCheckpointResult | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const stamped = stampEvents(events);
    const rows = await this.prisma.queryDirect<StateRow>(Prisma.sql`
      WITH ${fenceCte(fence, tenantId, Prisma.sql`active_ms = ${run.activeMs}::int`, stamped.count)}, tc AS (
        UPDATE context_tool_call SET status = 'done', outcome = ${JSON.stringify(call.outcome)}::jsonb, completed_at = ${call.completedAt}::timestamptz
        WHERE id = ${call.id}::uuid AND tenant_id = ${tenantId}::uuid AND EXISTS (SELECT 1 FROM f)
      ), st AS (
        UPDATE context_run_step SET status = 'completed', completed_at = ${completeStep?.completedAt ?? null}::timestamptz
        WHERE id = ${completeStep?.id ?? null}::uuid AND tenant_id = ${tenantId}::uuid AND EXISTS (SELECT 1 FROM f)
      ), ${messagesAndEvents(fence.runId, tenantId, message.sessionId, [{ id: message.id, message: message.message, untrusted: true }], stamped)}
      SELECT ${STATE_SELECT} FROM f`, { prepared: 'context_tool_result' });
    return resultOf(rows, fence.runId, tenantId, stamped);
  }
}

const STATE_COLUMNS = Prisma.sql`status, lease_owner, cancel_requested, cancel_reason, waiting_kind, waiting_approval_id, steps, tokens, cost_usd, extra_budget_usd, active_ms, next_event_seq, attempts`;
const STATE_SELECT = Prisma.sql`f.*, (SELECT array_agg(seq ORDER BY seq) FROM m) AS message_seqs`;

/**
 * The fence, as CTE `f`: the run's row updated (`set`, the event counter) only while this worker
 * holds the lease of a running, uncancelled run of this tenant; returns the state and `first_event`.
 */
function fenceCte(fence: CheckpointFence, tenantId: string, set: Prisma.Sql, eventCount: number): Prisma.Sql {
  return Prisma.sql`f AS (
        UPDATE context_run SET ${set}, next_event_seq = next_event_seq + ${eventCount}::int, updated_at = now()
        WHERE id = ${fence.runId}::uuid AND tenant_id = ${tenantId}::uuid AND lease_owner = ${fence.owner} AND status = 'running' AND NOT cancel_requested
        RETURNING ${STATE_COLUMNS}, next_event_seq - ${eventCount}::int AS first_event
      )`;
}

interface StampedEvents {
  count: number;
  json: string;
  rows: Array<{ id: string; type: RunEventType; data: Record<string, unknown> }>;
  at: Date;
}

function stampEvents(events: CheckpointEvent[]): StampedEvents {
  const rows = events.map((event) => ({ id: newId(), type: event.type, data: event.data }));
  return { count: rows.length, json: JSON.stringify(rows), rows, at: new Date() };
}

/**
 * The CTEs both checkpoints end with: the session's sequence advanced and the messages inserted
 * (as `m`), the events numbered from the fence's `first_event` (as `ev`). Both read from `f`.
 */
function messagesAndEvents(
  runId: string,
  tenantId: string,
  sessionId: string,
  messages: Array<{ id: string; message: ChatMessage; untrusted: boolean }>,
  events: StampedEvents,
): Prisma.Sql {
  const entries = JSON.stringify(messages.map((entry) => ({ id: entry.id, role: entry.message.role, message: entry.message, untrusted: entry.untrusted })));
  return Prisma.sql`s AS (
        UPDATE context_session SET next_seq = next_seq + ${messages.length}::int, updated_at = now()
        WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid AND EXISTS (SELECT 1 FROM f)
        RETURNING next_seq - ${messages.length}::int AS first
      ), m AS (
        INSERT INTO context_message (id, tenant_id, session_id, seq, run_id, role, message, untrusted)
        SELECT (e.m->>'id')::uuid, ${tenantId}::uuid, ${sessionId}::uuid, s.first + (e.o::int - 1), ${runId}::uuid, e.m->>'role', e.m->'message', (e.m->>'untrusted')::boolean
        FROM s, jsonb_array_elements(${entries}::jsonb) WITH ORDINALITY AS e(m, o)
        RETURNING seq
      ), ev AS (
        INSERT INTO context_run_event (id, tenant_id, run_id, seq, type, data, at)
        SELECT (e.v->>'id')::uuid, ${tenantId}::uuid, ${runId}::uuid, f.first_event + (e.o::int - 1), e.v->>'type', e.v->'data', ${events.at}::timestamptz
        FROM f, jsonb_array_elements(${events.json}::jsonb) WITH ORDINALITY AS e(v, o)
      )`;
}

function resultOf(rows: StateRow[], runId: string, tenantId: string, stamped: StampedEvents): FusedCheckpointResult | null {
  const row = rows[0];
  if (!row) return null;
  const first = Number(row.first_event);
  const state: RunState = {
    status: row.status,
    leaseOwner: row.lease_owner,
    cancelRequested: row.cancel_requested,
    cancelReason: row.cancel_reason,
    waitingKind: row.waiting_kind,
    waitingApprovalId: row.waiting_approval_id,
    steps: Number(row.steps),
    tokens: Number(row.tokens),
    costUsd: Number(row.cost_usd),
    extraBudgetUsd: Number(row.extra_budget_usd),
    activeMs: Number(row.active_ms),
    nextEventSeq: Number(row.next_event_seq),
    attempts: Number(row.attempts),
  };
  const events: EventRow[] = stamped.rows.map((event, i) => ({
    id: event.id,
    tenantId,
    runId,
    seq: first + i,
    type: event.type,
    data: event.data as Prisma.JsonValue,
    at: stamped.at,
  }));
  return { state, events, messageSeqs: (row.message_seqs ?? []).map(Number) };
}
