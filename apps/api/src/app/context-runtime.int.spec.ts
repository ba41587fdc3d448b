import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeReply } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { readRunEvents, waitForRun } from '../testing/run-events';

interface Run {
  id: string;
  status: string;
  reason: { code: string; message: string } | null;
  output: string | null;
  steps: number;
  tokens: number;
  costUsd: number;
  waitingApprovalId: string | null;
  sessionId: string;
  stepsDetail: Array<{ index: number; status: string; toolCalls: Array<{ callId: string; name: string; status: string; outcome: { status: string; error?: { code: string }; content: unknown } | null }> }>;
  effects: Array<{ idempotencyKey: string; toolName: string; execution: string; state: string; effects: string[] }>;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const TERMINAL = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

/**
 * The durable runtime over HTTP against the fake OpenAI server: sessions, runs, tool calls through
 * the registry (ontology read tool, an ontology action behind an approval), malformed and unknown
 * tool calls, limits, busy policies, budget suspension, SSE with resume, replay, isolation.
 */
describe('context runtime: sessions and runs', () => {
  let api: ApiHarness;
  let fake: FakeProvider;
  let owner: string;
  const keys: Record<string, string> = {};
  let ticketId: string;

  const call = <T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api.call<T>(key, method, path, body, headers);

  async function keyFor(name: string, roles: string[]): Promise<string> {
    const account = await call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name, roles });
    const key = await call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name, serviceAccountId: account.body.id, roles });
    return key.body.token;
  }

  async function createAgent(name: string, spec: Record<string, unknown>): Promise<string> {
    const created = await call<{ id: string } & ErrorBody>(keys['builder'] as string, 'POST', '/context/agents', {
      name,
      spec: { instructions: 'You help with tickets.', model: { alias: 'fast' }, defaultPurpose: 'support', ...spec },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  async function openSession(agentId: string, key = keys['builder'] as string): Promise<string> {
    const session = await call<{ id: string }>(key, 'POST', '/context/sessions', { agentId, title: 'test' });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    return session.body.id;
  }

  async function send(sessionId: string, content: string, policy?: 'queue' | 'interrupt', key = keys['builder'] as string): Promise<Run> {
    const posted = await call<{ run: Run; message: { id: string; seq: number | null } }>(key, 'POST', `/context/sessions/${sessionId}/messages`, { content, ...(policy ? { policy } : {}) });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    expect(posted.body.message.seq).toBeNull();
    return posted.body.run;
  }

  const getRun = async (id: string) => (await call<Run>(keys['builder'] as string, 'GET', `/context/runs/${id}`)).body;
  const finished = (id: string) => waitForRun(() => getRun(id), (run) => TERMINAL.includes(run.status));

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    api = await startApiHarness({
      env: {
        STRATA_MODEL_KEYS: `rt1:${randomBytes(32).toString('base64')}`,
        STRATA_MODEL_RETRIES: '0',
        STRATA_MODEL_BREAKER_THRESHOLD: '1000',
        STRATA_RUN_POLL_MS: '50',
        STRATA_RUN_APPROVAL_SWEEP_MS: '200',
      },
    });
    owner = (await api.provision('runtime-http')).token;
    keys['builder'] = await keyFor('builder-rt', ['builder']);
    keys['builder2'] = await keyFor('builder2-rt', ['builder']);
    keys['approver'] = await keyFor('approver-rt', ['approver']);
    keys['auditor'] = await keyFor('auditor-rt', ['auditor']);
    keys['viewer'] = await keyFor('viewer-rt', ['viewer']);
    expect((await call(owner, 'POST', '/governance/purposes', { name: 'support' })).status).toBe(201);
    const provider = await call<{ id: string }>(owner, 'POST', '/model-gateway/providers', { name: 'openai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-runtime-test-000000000000' } });
    expect(provider.status).toBe(201);
    const model = await call(owner, 'POST', '/model-gateway/models', {
      providerId: provider.body.id,
      providerModelId: 'gpt-mini',
      operation: 'chat',
      capabilities: { tools: true, streaming: true },
      contextWindow: 128_000,
      inputPricePerMTok: 1000,
      outputPricePerMTok: 1000,
    });
    expect(model.status).toBe(201);
    expect((await call(owner, 'POST', '/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'openai/gpt-mini' }] })).status).toBe(201);
    // Ontology: tickets, and an action that closes one.
    expect(
      (await call(owner, 'POST', '/ontology/object-types', { apiName: 'Ticket', primaryKey: 'key', properties: [{ apiName: 'key', type: 'string', required: true }, { apiName: 'status', type: 'string' }] })).status,
    ).toBe(201);
    const ticket = await call<{ id: string }>(owner, 'POST', '/ontology/objects', { typeApiName: 'Ticket', properties: { key: 'T-1', status: 'open' } });
    expect(ticket.status).toBe(201);
    ticketId = ticket.body.id;
    const actionType = await call(owner, 'POST', '/ontology/action-types', {
      apiName: 'closeTicket',
      displayName: 'Close ticket',
      parameters: [{ apiName: 'ticket', type: 'object_reference', objectType: 'Ticket' }],
      effects: [{ kind: 'modifyObject', object: '{{params.ticket}}', properties: { status: 'closed' } }],
    });
    expect(actionType.status, JSON.stringify(actionType.body)).toBe(201);
    // Vectors: a handbook the agent searches.
    const collection = await call<{ id: string }>(owner, 'POST', '/vectors/collections', { name: 'handbook', dimensions: 384, chunking: { strategy: 'heading_aware', maxTokens: 32, overlapTokens: 0 } });
    expect(collection.status, JSON.stringify(collection.body)).toBe(201);
    const document = await call<{ id: string }>(owner, 'POST', `/vectors/collections/${collection.body.id}/documents`, {
      name: 'handbook.md',
      format: 'markdown',
      text: '# Handbook\n\n## Closing tickets\nA ticket is closed once the customer confirms the fix.\n\n## Shipping\nParcels ship every weekday.\n',
    });
    expect(document.status, JSON.stringify(document.body)).toBe(202);
    await waitForRun(
      async () => (await call<{ status: string }>(owner, 'GET', `/vectors/documents/${document.body.id}`)).body,
      (state) => state.status === 'ready' || state.status === 'failed',
    );
  }, 120_000);

  // A failed test leaves no scripted replies behind for the next.
  beforeEach(() => fake.reset());

  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('answers, streams its events over SSE (resumable), and replays exactly', async () => {
    const agentId = await createAgent('plain', {});
    const sessionId = await openSession(agentId);
    fake.script({ text: 'Hello from the agent', usage: { inputTokens: 10, outputTokens: 4 } });
    const run = await send(sessionId, 'Hi there');
    expect(run.status).toBe('queued');
    const streamed = await readRunEvents(api.base, keys['builder'] as string, run.id);
    expect(streamed.status).toBe(200);
    const durable = streamed.events.filter((event) => event.id !== null);
    expect(durable.map((event) => event.id)).toEqual(durable.map((_, i) => i + 1));
    expect(durable.map((event) => event.event)).toEqual(['run.status', 'run.status', 'step.started', 'context.assembled', 'model.message', 'step.completed', 'run.status', 'run.completed']);
    expect(durable.at(-1)?.data.data).toMatchObject({ output: 'Hello from the agent', steps: 1, tokens: 14 });
    const done = await getRun(run.id);
    expect(done).toMatchObject({ status: 'completed', output: 'Hello from the agent', steps: 1, tokens: 14 });

    // Resume: Last-Event-ID (and ?after=) give exactly the events after it, then the stream ends.
    const resumed = await readRunEvents(api.base, keys['builder'] as string, run.id, { lastEventId: 5 });
    expect(resumed.events.map((event) => event.id)).toEqual([6, 7, 8]);
    const after = await readRunEvents(api.base, keys['builder'] as string, run.id, { after: 7 });
    expect(after.events.map((event) => event.id)).toEqual([8]);

    const session = await call<{ messages: Array<{ seq: number; role: string; runId: string }> }>(keys['builder'] as string, 'GET', `/context/sessions/${sessionId}`);
    expect(session.body.messages.map((m) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
    ]);
    const report = await call<{ report: { totalTokens: number; sources: unknown[] } }>(keys['builder'] as string, 'GET', `/context/runs/${run.id}/steps/0/context`);
    expect(report.status).toBe(200);
    expect(report.body.report.totalTokens).toBeGreaterThan(0);
    expect((await call(keys['builder'] as string, 'GET', `/context/runs/${run.id}/steps/7/context`)).status).toBe(404);

    const requestsBefore = fake.requests.length;
    const replay = await call<{ matched: boolean; steps: number; providerCalls: number }>(keys['builder'] as string, 'POST', `/context/runs/${run.id}/replay`);
    expect(replay.body).toMatchObject({ matched: true, steps: 1, providerCalls: 0 });
    expect(fake.requests.length).toBe(requestsBefore);
  });

  it('runs tool calls end to end (ontology read, vector search, an approved ontology action once); malformed and unknown ones go back to the model', async () => {
    const agentId = await createAgent('ticket-closer', {
      tools: [
        { kind: 'builtin', tool: 'ontology.describe' },
        { kind: 'vector_search', collection: 'handbook' },
        { kind: 'ontology_action', actionType: 'closeTicket', approval: { required: true, approverRoles: ['approver'] } },
      ],
    });
    const sessionId = await openSession(agentId);
    fake.script(
      {
        toolCalls: [
          { id: 'c1', name: 'ontology_describe', arguments: {} },
          { id: 'c2', name: 'launch_rockets', arguments: {} },
          { id: 'c3', name: 'ontology_describe', arguments: '{"not json' },
          { id: 'c3v', name: 'search_handbook', arguments: { query: 'when is a ticket closed' } },
        ],
      },
      { toolCalls: [{ id: 'c4', name: 'closeTicket', arguments: { ticket: ticketId } }] },
      { text: 'The ticket is closed.' },
    );
    const run = await send(sessionId, 'Close ticket T-1');
    const waiting = await waitForRun(() => getRun(run.id), (r) => r.status === 'waiting_approval' || TERMINAL.includes(r.status));
    expect(waiting.status, JSON.stringify(waiting.reason)).toBe('waiting_approval');
    const step0 = waiting.stepsDetail[0]?.toolCalls ?? [];
    expect(step0.map((c) => [c.callId, c.outcome?.status, c.outcome?.error?.code ?? null])).toEqual([
      ['c1', 'ok', null],
      ['c2', 'error', 'context.unknown_tool'],
      ['c3', 'error', expect.any(String)],
      ['c3v', 'ok', null],
    ]);
    expect(JSON.stringify(step0[3]?.outcome?.content)).toContain('customer confirms the fix');
    // Nothing happened to the ticket yet; the requester cannot decide; the approver approves.
    const before = await call<{ properties: { status: string } }>(owner, 'GET', `/ontology/objects/${ticketId}`);
    expect(before.body.properties.status).toBe('open');
    const approvalId = waiting.waitingApprovalId as string;
    expect((await call(keys['builder'] as string, 'POST', `/governance/approvals/${approvalId}/decisions`, { decision: 'approve', reason: 'fine' })).status).toBe(403);
    const decided = await call(keys['approver'] as string, 'POST', `/governance/approvals/${approvalId}/decisions`, { decision: 'approve', reason: 'fine' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const done = await finished(run.id);
    expect(done.status, JSON.stringify(done.reason)).toBe('completed');
    expect(done.output).toBe('The ticket is closed.');
    const after = await call<{ properties: { status: string } }>(owner, 'GET', `/ontology/objects/${ticketId}`);
    expect(after.body.properties.status).toBe('closed');
    expect(done.effects).toEqual([expect.objectContaining({ toolName: 'closeTicket', execution: 'external', state: 'done', idempotencyKey: `${run.id}:1:c4` })]);
    const approval = await call<{ status: string }>(keys['approver'] as string, 'GET', `/governance/approvals/${approvalId}`);
    expect(approval.body.status).toBe('executed');

    // The model saw tool output only inside the untrusted envelope, with the note.
    const lastRequest = fake.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const toolMessages = lastRequest.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.length).toBe(5);
    for (const message of toolMessages) expect(JSON.parse(message.content)).toHaveProperty('untrusted_tool_output');
    expect(lastRequest.messages.some((m) => m.role === 'system' && m.content.includes('untrusted_tool_output'))).toBe(true);

    const events = await readRunEvents(api.base, keys['builder'] as string, run.id);
    const types = events.events.map((e) => e.event);
    expect(types).toContain('approval.requested');
    expect(types).toContain('approval.decided');
    expect(types.filter((t) => t === 'tool.result')).toHaveLength(5);

    const replay = await call<{ matched: boolean; steps: number }>(keys['builder'] as string, 'POST', `/context/runs/${run.id}/replay`);
    expect(replay.body, JSON.stringify(replay.body)).toMatchObject({ matched: true, steps: 3 });
  });

  it('a rejected call goes back to the model as the tool result', async () => {
    const agentId = await createAgent('rejected', {
      tools: [{ kind: 'ontology_action', actionType: 'closeTicket', approval: { required: true } }],
    });
    const sessionId = await openSession(agentId);
    fake.script({ toolCalls: [{ id: 'r1', name: 'closeTicket', arguments: { ticket: ticketId } }] }, { text: 'I could not close it.' });
    const run = await send(sessionId, 'Close it again');
    const waiting = await waitForRun(() => getRun(run.id), (r) => r.status === 'waiting_approval' || TERMINAL.includes(r.status));
    expect(waiting.status).toBe('waiting_approval');
    expect((await call(keys['approver'] as string, 'POST', `/governance/approvals/${waiting.waitingApprovalId}/decisions`, { decision: 'reject', reason: 'no' })).status).toBe(200);
    const done = await finished(run.id);
    expect(done.status).toBe('completed');
    expect(done.stepsDetail[0]?.toolCalls[0]?.outcome).toMatchObject({ status: 'denied', error: { code: 'context.approval_rejected' } });
    expect(done.effects).toEqual([]);
  });

  it('withdraws the pending approval of a suspended run that is cancelled, so nobody decides for a run that will never resume', async () => {
    const agentId = await createAgent('cancelled-while-waiting', {
      tools: [{ kind: 'ontology_action', actionType: 'closeTicket', approval: { required: true } }],
    });
    const sessionId = await openSession(agentId);
    fake.script({ toolCalls: [{ id: 'w1', name: 'closeTicket', arguments: { ticket: ticketId } }] });
    const run = await send(sessionId, 'Close it, then never mind');
    const waiting = await waitForRun(() => getRun(run.id), (r) => r.status === 'waiting_approval' || TERMINAL.includes(r.status));
    expect(waiting.status).toBe('waiting_approval');
    const cancelled = await call<Run>(keys['builder'] as string, 'POST', `/context/runs/${run.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', waitingApprovalId: null });
    const approval = await call<{ status: string }>(keys['approver'] as string, 'GET', `/governance/approvals/${waiting.waitingApprovalId}`);
    expect(approval.body.status).toBe('cancelled');
    const late = await call<ErrorBody>(keys['approver'] as string, 'POST', `/governance/approvals/${waiting.waitingApprovalId}/decisions`, { decision: 'approve', reason: 'too late' });
    expect(late.status).toBe(409);
    const withdrawn = await api.db.query<{ actor_id: string; reason: string }>(
      `SELECT actor_id, reason FROM audit_entry WHERE action = 'approval.cancel' AND target_id = $1`,
      [waiting.waitingApprovalId],
    );
    expect(withdrawn).toEqual([{ actor_id: expect.any(String), reason: 'the agent run was cancelled by a user' }]);
    expect((await getRun(run.id)).effects).toEqual([]);
  });

  it('ends at its limits with a clear status and reason, and fails with the gateway code', async () => {
    const agentId = await createAgent('looper', { tools: [{ kind: 'builtin', tool: 'ontology.describe' }], limits: { maxSteps: 2 } });
    const sessionId = await openSession(agentId);
    fake.script({ toolCalls: [{ id: 'l1', name: 'ontology_describe', arguments: {} }] }, { toolCalls: [{ id: 'l2', name: 'ontology_describe', arguments: {} }] });
    const run = await finished((await send(sessionId, 'Loop')).id);
    expect(run).toMatchObject({ status: 'limit_exceeded', steps: 2, reason: { code: 'context.max_steps' } });
    const replay = await call<{ matched: boolean }>(keys['builder'] as string, 'POST', `/context/runs/${run.id}/replay`);
    expect(replay.body.matched, JSON.stringify(replay.body)).toBe(true);

    const tokenAgent = await createAgent('token-cap', { limits: { maxTokens: 5 }, tools: [{ kind: 'builtin', tool: 'ontology.describe' }] });
    fake.script({ toolCalls: [{ id: 't1', name: 'ontology_describe', arguments: {} }], usage: { inputTokens: 50, outputTokens: 5 } });
    const capped = await finished((await send(await openSession(tokenAgent), 'Spend')).id);
    expect(capped).toMatchObject({ status: 'limit_exceeded', reason: { code: 'context.max_tokens' } });

    fake.script({ error: { status: 400, message: 'bad request from the fake' } });
    const failed = await finished((await send(sessionId, 'Fail please')).id);
    expect(failed.status).toBe('failed');
    expect(failed.reason?.code).toMatch(/^model-gateway\./);
  });

  it('queues a message behind a busy run, or interrupts it', async () => {
    const agentId = await createAgent('busy', {});
    const sessionId = await openSession(agentId);
    fake.script({ text: 'slow answer', delayMs: 600 }, { text: 'second answer' });
    const first = await send(sessionId, 'first');
    await waitForRun(() => getRun(first.id), (r) => r.status === 'running');
    const second = await send(sessionId, 'second', 'queue');
    expect(second.status).toBe('queued');
    const [a, b] = [await finished(first.id), await finished(second.id)];
    expect([a.status, a.output, b.status, b.output]).toEqual(['completed', 'slow answer', 'completed', 'second answer']);
    const session = await call<{ messages: Array<{ role: string; runId: string }> }>(keys['builder'] as string, 'GET', `/context/sessions/${sessionId}`);
    expect(session.body.messages.map((m) => [m.role, m.runId])).toEqual([
      ['user', first.id],
      ['assistant', first.id],
      ['user', second.id],
      ['assistant', second.id],
    ]);

    fake.script({ text: 'never finished', delayMs: 3_000 }, { text: 'after the interrupt' });
    const asked = fake.requests.length;
    const slow = await send(sessionId, 'take your time');
    // Interrupt while its model call is in flight (the fake holds the answer for 3 s).
    await waitForRun(() => getRun(slow.id), (r) => r.status === 'running' && fake.requests.length > asked);
    const urgent = await send(sessionId, 'urgent', 'interrupt');
    const [x, y] = [await finished(slow.id), await finished(urgent.id)];
    expect(x, JSON.stringify(x)).toMatchObject({ status: 'cancelled', reason: { code: 'context.cancelled' } });
    expect([y.status, y.output]).toEqual(['completed', 'after the interrupt']);
  });

  it('suspends on its cost cap or the gateway budget with a budget-extension approval: approved continues, rejected ends', async () => {
    // Prices are $1000 per million tokens: one step of 100 tokens costs $0.1, over the $0.05 cap.
    const agentId = await createAgent('spender', { tools: [{ kind: 'builtin', tool: 'ontology.describe' }], limits: { maxCostUsd: 0.05 } });
    const sessionId = await openSession(agentId);
    fake.script({ toolCalls: [{ id: 'b1', name: 'ontology_describe', arguments: {} }], usage: { inputTokens: 90, outputTokens: 10 } }, { text: 'done within the extension', usage: { inputTokens: 1, outputTokens: 1 } });
    const run = await send(sessionId, 'Spend money');
    const waiting = await waitForRun(() => getRun(run.id), (r) => r.status === 'waiting_budget' || TERMINAL.includes(r.status));
    expect(waiting.status, JSON.stringify(waiting)).toBe('waiting_budget');
    expect(waiting.reason?.code).toBe('context.max_cost');
    expect((await call(keys['approver'] as string, 'POST', `/governance/approvals/${waiting.waitingApprovalId}/decisions`, { decision: 'approve', reason: 'fine' })).status).toBe(200);
    const done = await finished(run.id);
    expect(done).toMatchObject({ status: 'completed', output: 'done within the extension' });
    expect((done as unknown as { extraBudgetUsd: number }).extraBudgetUsd).toBeCloseTo(0.1);

    // The gateway's own budget (here: the agent's) used up: suspended too; a rejection ends the run.
    const capped = await createAgent('gateway-capped', {});
    const budget = await call(owner, 'POST', '/model-gateway/budgets', { name: 'tiny-agent-budget', tokenLimit: 1, scope: 'agent', scopeId: capped });
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    const blocked = await send(await openSession(capped), 'Anything');
    const suspended = await waitForRun(() => getRun(blocked.id), (r) => r.status === 'waiting_budget' || TERMINAL.includes(r.status));
    expect(suspended.status, JSON.stringify(suspended)).toBe('waiting_budget');
    expect(suspended.reason?.code).toBe('model-gateway.budget_exceeded');
    expect(fake.requests).toHaveLength(2);
    expect((await call(keys['approver'] as string, 'POST', `/governance/approvals/${suspended.waitingApprovalId}/decisions`, { decision: 'reject', reason: 'no more' })).status).toBe(200);
    const ended = await finished(blocked.id);
    expect(ended).toMatchObject({ status: 'limit_exceeded', reason: { code: 'model-gateway.budget_exceeded' } });
  });

  it('keeps sessions and runs to their user (auditors read all), validates input, cancels', async () => {
    const agentId = await createAgent('private', {});
    const sessionId = await openSession(agentId);
    fake.script({ text: 'mine', delayMs: 300 });
    const run = await send(sessionId, 'private question');
    expect((await call(keys['builder2'] as string, 'GET', `/context/sessions/${sessionId}`)).status).toBe(403);
    expect((await call(keys['builder2'] as string, 'GET', `/context/runs/${run.id}`)).status).toBe(403);
    expect((await call(keys['builder2'] as string, 'POST', `/context/sessions/${sessionId}/messages`, { content: 'hijack' })).status).toBe(403);
    expect((await call(keys['builder2'] as string, 'POST', `/context/runs/${run.id}/cancel`)).status).toBe(403);
    expect((await readRunEvents(api.base, keys['builder2'] as string, run.id)).status).toBe(403);
    const others = await call<{ items: unknown[] }>(keys['builder2'] as string, 'GET', '/context/runs');
    expect(others.body.items).toEqual([]);
    expect((await call(keys['auditor'] as string, 'GET', `/context/runs/${run.id}`)).status).toBe(200);
    expect((await call(keys['auditor'] as string, 'POST', `/context/sessions/${sessionId}/messages`, { content: 'x' })).status).toBe(403);
    expect((await call(keys['viewer'] as string, 'POST', '/context/sessions', { agentId })).status).toBe(403);
    const invalid = await call<ErrorBody>(keys['builder'] as string, 'POST', `/context/sessions/${sessionId}/messages`, { content: '', policy: 'shout' });
    expect(invalid.status).toBe(400);
    expect((await call(keys['builder'] as string, 'GET', '/context/runs/not-a-uuid')).status).toBe(404);
    expect((await call(keys['builder'] as string, 'GET', '/context/runs?status=sleeping')).status).toBe(400);
    await finished(run.id);
    const again = await call<ErrorBody>(keys['builder'] as string, 'POST', `/context/runs/${run.id}/cancel`);
    expect(again.status).toBe(409);
    const listed = await call<{ items: Run[] }>(keys['builder'] as string, 'GET', `/context/runs?sessionId=${sessionId}&status=completed`);
    expect(listed.body.items.map((r) => r.id)).toEqual([run.id]);

    // Another tenant sees none of it.
    const other = await api.provision('runtime-other');
    expect((await call(other.token, 'GET', `/context/runs/${run.id}`)).status).toBe(404);
    expect((await call(other.token, 'GET', `/context/sessions/${sessionId}`)).status).toBe(404);
    expect((await call<{ items: unknown[] }>(other.token, 'GET', '/context/runs')).body.items).toEqual([]);

    // Cancel a queued run: it ends at once.
    fake.script({ text: 'slow', delayMs: 800 });
    const busy = await send(sessionId, 'busy');
    const queued = await send(sessionId, 'queued behind', 'queue');
    const cancelled = await call<Run>(keys['builder'] as string, 'POST', `/context/runs/${queued.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await finished(busy.id)).status).toBe('completed');
  });
});

export type { FakeReply };
