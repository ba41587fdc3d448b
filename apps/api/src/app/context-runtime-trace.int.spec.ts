import { randomBytes } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeReply } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { waitForRun } from '../testing/run-events';

const TERMINAL = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

/**
 * The order spans start and end in, as the SDK reports them: exact, where span timestamps are not
 * (this SDK takes a span's start from Date.now(), to the millisecond).
 */
class SpanOrder implements SpanProcessor {
  private readonly events: string[] = [];
  onStart(span: { spanContext(): { spanId: string } }): void {
    this.events.push(`start:${span.spanContext().spanId}`);
  }
  onEnd(span: ReadableSpan): void {
    this.events.push(`end:${span.spanContext().spanId}`);
  }
  started(span: ReadableSpan): number {
    return this.events.indexOf(`start:${span.spanContext().spanId}`);
  }
  ended(span: ReadableSpan): number {
    return this.events.indexOf(`end:${span.spanContext().spanId}`);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The trace of a run whose steps call a `read` tool: the step's first call starts while the step's
 * checkpoint commits (AgentRunner.startEarly), yet it hangs where every call hangs (under
 * `invoke_agent`, its tool execution under it) and its decision is taken after the commit.
 */
describe('context runtime: the trace of a step whose read tool starts during its checkpoint', () => {
  let api: ApiHarness;
  let fake: FakeProvider;
  let owner: string;
  const spans = new InMemorySpanExporter();
  const order = new SpanOrder();
  const tracerProvider = new TracerProvider({ spanProcessors: [order, new SimpleSpanProcessor({ exporter: spans })] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    fake = await startFakeProvider('openai');
    api = await startApiHarness({
      env: { STRATA_MODEL_KEYS: `tr1:${randomBytes(32).toString('base64')}`, STRATA_MODEL_RETRIES: '0', STRATA_RUN_POLL_MS: '50' },
    });
    owner = (await api.provision('runtime-trace')).token;
    expect((await api.call(owner, 'POST', '/governance/purposes', { name: 'support' })).status).toBe(201);
    await api.connectFakeChat(owner, fake.url);
    const collection = await api.call(owner, 'POST', '/vectors/collections', { name: 'handbook', dimensions: 384 });
    expect(collection.status, JSON.stringify(collection.body)).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await fake?.close();
    trace.disable();
    context.disable();
  });

  /** Creates an agent with `tools`, scripts the model, sends a message: the run's id. */
  async function startRun(name: string, tools: unknown[], ...replies: FakeReply[]): Promise<string> {
    const agent = await api.call<{ id: string }>(owner, 'POST', '/context/agents', {
      name,
      spec: { instructions: 'Use the tool, then answer.', model: { alias: 'fast' }, defaultPurpose: 'support', tools },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    const session = await api.call<{ id: string }>(owner, 'POST', '/context/sessions', { agentId: agent.body.id });
    fake.script(...replies);
    const posted = await api.call<{ run: { id: string } }>(owner, 'POST', `/context/sessions/${session.body.id}/messages`, { content: 'Go.' });
    expect(posted.status).toBe(202);
    return posted.body.run.id;
  }
  const finished = (runId: string) =>
    waitForRun(async () => (await api.call<{ status: string; steps: number }>(owner, 'GET', `/context/runs/${runId}`)).body, (r) => TERMINAL.includes(r.status));

  it('hangs the early call under invoke_agent, its execution under the call, and decides after the commit', async () => {
    const runId = await startRun(
      'describer',
      [{ kind: 'builtin', tool: 'ontology.describe' }],
      { toolCalls: [{ id: 'd1', name: 'ontology_describe', arguments: {} }, { id: 'd2', name: 'ontology_describe', arguments: {} }] },
      { toolCalls: [{ id: 'd3', name: 'ontology_describe', arguments: {} }] },
      { text: 'Described.' },
    );
    const run = await finished(runId);
    expect(run).toMatchObject({ status: 'completed', steps: 3 });

    const mine = spans.getFinishedSpans().filter((span) => span.attributes['strata.run.id'] === runId);
    const byId = new Map(spans.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
    const childrenOf = (span: ReadableSpan, prefix: string) => spans.getFinishedSpans().filter((kid) => kid.parentSpanContext?.spanId === span.spanContext().spanId && kid.name.startsWith(prefix));
    const invoke = mine.find((span) => span.name.startsWith('invoke_agent'));
    expect(invoke).toBeDefined();

    for (const stepIndex of [0, 1]) {
      const step = mine.find((span) => span.name === `agent_step ${stepIndex}`) as ReadableSpan;
      const [checkpoint] = childrenOf(step, 'context.run.step');
      const calls = mine.filter((span) => span.name === 'agent_tool_call ontology_describe' && span.attributes['strata.run.step'] === stepIndex).sort((a, b) => order.started(a) - order.started(b));
      expect(calls).toHaveLength(stepIndex === 0 ? 2 : 1);
      const [first, ...rest] = calls as [ReadableSpan, ...ReadableSpan[]];
      expect(checkpoint, `step ${stepIndex} checkpoint span`).toBeDefined();
      // Every call hangs under invoke_agent, the early one too; its tool runs under it.
      for (const call of calls) expect(parentOf(call)?.name).toBe(invoke?.name);
      expect(childrenOf(first, 'execute_tool ontology_describe')).toHaveLength(1);
      // The first call began before the step's checkpoint had committed; its decision (recorded) after.
      expect(order.started(first)).toBeLessThan(order.ended(checkpoint as ReadableSpan));
      const [decide] = childrenOf(first, 'context.tool.decide');
      expect(decide?.attributes['strata.tool.decision']).toBe('allow');
      expect(order.started(decide as ReadableSpan)).toBeGreaterThan(order.ended(checkpoint as ReadableSpan));
      // Later calls of the step start after the one before it ended, as always.
      for (const call of rest) expect(order.started(call)).toBeGreaterThan(order.ended(first));
    }
  });

  it('starts a read that leaves the database (vector search embeds through the gateway and logs the access) only after the commit', async () => {
    const runId = await startRun(
      'searcher',
      [{ kind: 'vector_search', collection: 'handbook' }],
      { toolCalls: [{ id: 's1', name: 'search_handbook', arguments: { query: 'closing tickets' } }] },
      { text: 'Nothing found.' },
    );
    const run = await finished(runId);
    expect(run.status).toBe('completed');
    const mine = spans.getFinishedSpans().filter((span) => span.attributes['strata.run.id'] === runId);
    const step = mine.find((span) => span.name === 'agent_step 0') as ReadableSpan;
    const checkpoint = spans.getFinishedSpans().find((kid) => kid.parentSpanContext?.spanId === step.spanContext().spanId && kid.name === 'context.run.step');
    const call = mine.find((span) => span.name === 'agent_tool_call search_handbook') as ReadableSpan;
    expect(checkpoint).toBeDefined();
    expect(call).toBeDefined();
    expect(order.started(call)).toBeGreaterThan(order.ended(checkpoint as ReadableSpan));
  });

  it('leaves nothing of an early call when its step does not commit (cancelled while the model answered)', async () => {
    const before = fake.requests.length;
    const runId = await startRun('cancelled-describer', [{ kind: 'builtin', tool: 'ontology.describe' }], {
      toolCalls: [{ id: 'x1', name: 'ontology_describe', arguments: {} }],
      delayMs: 1_500,
    });
    // While the model is answering, the run is cancelled in the table only (as another process
    // would, without this one's event): the step's statement then finds its fence closed.
    await vi.waitUntil(() => fake.requests.length > before, { timeout: 20_000, interval: 10 });
    await api.db.query('UPDATE context_run SET cancel_requested = true, cancel_reason = $2 WHERE id = $1', [runId, 'cancelled by the test']);
    expect(await finished(runId)).toMatchObject({ status: 'cancelled', steps: 0 });
    const counts = async (table: string) => (await api.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId]))[0]?.n;
    expect(await counts('context_run_step')).toBe(0);
    expect(await counts('context_tool_call')).toBe(0);
    expect(await counts('context_effect')).toBe(0);
    const events = await api.db.query<{ type: string }>('SELECT type FROM context_run_event WHERE run_id = $1', [runId]);
    expect(events.map((event) => event.type)).not.toContain('tool.result');
    // The early call started, ended, and never reached its decision.
    const call = spans.getFinishedSpans().find((span) => span.attributes['strata.run.id'] === runId && span.name === 'agent_tool_call ontology_describe');
    expect(call).toBeDefined();
    expect(spans.getFinishedSpans().filter((kid) => kid.parentSpanContext?.spanId === call?.spanContext().spanId && kid.name === 'context.tool.decide')).toEqual([]);
  });
});
