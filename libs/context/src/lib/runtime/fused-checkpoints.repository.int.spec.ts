import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { FusedCheckpointsRepository } from './fused-checkpoints.repository';

/**
 * The one-statement checkpoints against the real database: all of a checkpoint or none of it,
 * decided by the fence (lease owner, running, not cancelled, tenant).
 */
describe('FusedCheckpointsRepository (database)', () => {
  let db: TestDatabase;
  let repository: FusedCheckpointsRepository;
  let prisma: PrismaService;
  const tenantId = newId();
  const otherTenant = newId();
  let sessionId: string;
  let runId: string;
  const owner = 'worker-a';

  const inTenant = <T>(tenant: string, fn: () => Promise<T>) => RequestContextStore.run({ requestId: newId(), tenantId: tenant }, fn);
  const count = async (table: string, column = 'run_id', id = runId) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, [id]))[0]?.n);
  const runRow = async () => (await db.query<{ steps: number; tokens: number; next_event_seq: number; active_ms: number }>('SELECT steps, tokens, next_event_seq, active_ms FROM context_run WHERE id = $1', [runId]))[0];
  const nextSeq = async () => (await db.query<{ next_seq: number }>('SELECT next_seq FROM context_session WHERE id = $1', [sessionId]))[0]?.next_seq;

  const modelStep = (fence = { runId, owner }, tenant = tenantId) => {
    const stepId = newId();
    const callId = newId();
    return inTenant(tenant, () =>
      repository.modelStep(
        fence,
        { id: stepId, index: 0, messages: [{ role: 'user', content: 'hi' }], tools: [], report: { totalTokens: 3 }, output: { content: '' }, tokens: 12, costUsd: 0.5, traceId: null, startedAt: new Date() },
        [{ id: callId, position: 0, callId: 'call_1', name: 'lookup', argumentsRaw: '{}', idempotencyKey: `${runId}:0:call_1` }],
        { id: newId(), sessionId, message: { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{}' }] } },
        { steps: 1, activeMs: 40 },
        [
          { type: 'step.started', data: { stepIndex: 0 } },
          { type: 'tool.call', data: { stepIndex: 0, callId: 'call_1' } },
        ],
      ).then((result) => ({ result, stepId, callId })),
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.runtime);
    repository = new FusedCheckpointsRepository(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
  });

  beforeEach(async () => {
    sessionId = newId();
    runId = newId();
    await db.query(
      `INSERT INTO context_session (id, tenant_id, agent_id, user_type, user_id, purpose, next_seq) VALUES ($1, $2, $3, 'user', $4, 'support', 5)`,
      [sessionId, tenantId, newId(), newId()],
    );
    await db.query(
      `INSERT INTO context_run (id, tenant_id, session_id, agent_id, agent_version, agent_name, spec, status, purpose, on_behalf_of_type, on_behalf_of_id,
         on_behalf_of_roles, input_message_id, input, lease_owner, lease_expires_at, next_event_seq)
       VALUES ($1, $2, $3, $4, 1, 'a', '{}', 'running', 'support', 'user', $5, '{}', $6, 'go', $7, now() + interval '1 minute', 7)`,
      [runId, tenantId, sessionId, newId(), newId(), newId(), owner],
    );
  });

  it('writes the model step, its calls, the assistant message, the counters and the numbered events in one go', async () => {
    const { result, stepId } = await modelStep();
    expect(result?.state).toMatchObject({ status: 'running', leaseOwner: owner, steps: 1, tokens: 12, costUsd: 0.5, activeMs: 40, nextEventSeq: 9, cancelRequested: false });
    expect(result?.messageSeqs).toEqual([5]);
    expect(result?.events.map((event) => [event.seq, event.type])).toEqual([
      [7, 'step.started'],
      [8, 'tool.call'],
    ]);
    expect(await db.query('SELECT status, tokens FROM context_run_step WHERE id = $1', [stepId])).toEqual([{ status: 'tools', tokens: 12 }]);
    expect(await db.query('SELECT status, idempotency_key FROM context_tool_call WHERE run_id = $1', [runId])).toEqual([{ status: 'pending', idempotency_key: `${runId}:0:call_1` }]);
    expect(await db.query('SELECT seq, role, untrusted FROM context_message WHERE session_id = $1', [sessionId])).toEqual([{ seq: 5, role: 'assistant', untrusted: false }]);
    expect(await db.query('SELECT seq, type FROM context_run_event WHERE run_id = $1 ORDER BY seq', [runId])).toEqual([
      { seq: 7, type: 'step.started' },
      { seq: 8, type: 'tool.call' },
    ]);
    expect(await nextSeq()).toBe(6);
  });

  it('writes nothing at all when the lease is another worker’s, the run is cancelled, or the tenant is not the run’s', async () => {
    const before = await runRow();
    expect((await modelStep({ runId, owner: 'worker-b' })).result).toBeNull();
    expect((await modelStep({ runId, owner }, otherTenant)).result).toBeNull();
    await db.query('UPDATE context_run SET cancel_requested = true WHERE id = $1', [runId]);
    expect((await modelStep()).result).toBeNull();
    for (const table of ['context_run_step', 'context_tool_call', 'context_run_event']) expect(await count(table)).toBe(0);
    expect(await count('context_message', 'session_id', sessionId)).toBe(0);
    expect(await nextSeq()).toBe(5);
    expect(await runRow()).toEqual(before);
  });

  it('records a tool result as untrusted and closes the step with its last call', async () => {
    const { stepId, callId } = await modelStep();
    const result = await inTenant(tenantId, () =>
      repository.toolResult(
        { runId, owner },
        { id: callId, outcome: { status: 'ok', content: { found: 1 } }, completedAt: new Date() },
        { id: newId(), sessionId, message: { role: 'tool', toolCallId: 'call_1', content: '{"untrusted_tool_output":{}}' } },
        { id: stepId, completedAt: new Date() },
        { activeMs: 55 },
        [
          { type: 'tool.result', data: { callId: 'call_1' } },
          { type: 'step.completed', data: { stepIndex: 0 } },
        ],
      ),
    );
    expect(result?.state).toMatchObject({ steps: 1, activeMs: 55, nextEventSeq: 11 });
    expect(result?.messageSeqs).toEqual([6]);
    expect(await db.query('SELECT status, outcome FROM context_tool_call WHERE id = $1', [callId])).toEqual([{ status: 'done', outcome: { status: 'ok', content: { found: 1 } } }]);
    expect(await db.query('SELECT status FROM context_run_step WHERE id = $1', [stepId])).toEqual([{ status: 'completed' }]);
    expect(await db.query('SELECT seq, role, untrusted FROM context_message WHERE session_id = $1 ORDER BY seq', [sessionId])).toEqual([
      { seq: 5, role: 'assistant', untrusted: false },
      { seq: 6, role: 'tool', untrusted: true },
    ]);
  });

  it('leaves the tool call open and the step unclosed when the fence fails', async () => {
    const { stepId, callId } = await modelStep();
    await db.query(`UPDATE context_run SET lease_owner = 'worker-b' WHERE id = $1`, [runId]);
    const result = await inTenant(tenantId, () =>
      repository.toolResult(
        { runId, owner },
        { id: callId, outcome: { status: 'ok', content: null }, completedAt: new Date() },
        { id: newId(), sessionId, message: { role: 'tool', toolCallId: 'call_1', content: '{}' } },
        { id: stepId, completedAt: new Date() },
        { activeMs: 60 },
        [{ type: 'tool.result', data: {} }],
      ),
    );
    expect(result).toBeNull();
    expect(await db.query('SELECT status FROM context_tool_call WHERE id = $1', [callId])).toEqual([{ status: 'pending' }]);
    expect(await db.query('SELECT status FROM context_run_step WHERE id = $1', [stepId])).toEqual([{ status: 'tools' }]);
    expect(await count('context_message', 'session_id', sessionId)).toBe(1);
    expect(await count('context_run_event')).toBe(2);
  });
});
