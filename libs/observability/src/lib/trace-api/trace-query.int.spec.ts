import { context, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId, parseInput } from '@strata/kernel';
import { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { PostgresSpanProcessor } from '../trace-store/postgres-span-processor';
import { PostgresSpanSink } from '../trace-store/postgres-span-sink';
import { traceListSchema } from './trace-query.schema';
import { TraceQuery } from './trace-query.service';
import { TracesRepository } from './traces.repository';

describe('TraceQuery (database)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let processor: PostgresSpanProcessor;
  let tracer: Tracer;
  let query: TraceQuery;
  const clock = new ManualClock('2026-07-01T12:00:00.000Z');
  const tenantA = newId();
  const tenantB = newId();
  const base = new Date('2026-07-01T10:00:00.000Z');
  const ids: Record<string, string> = {};

  /** A trace: an agent root span with one LLM call under it and a tool call under that. */
  function agentTrace(tenantId: string | undefined, offsetMinutes: number, options: { agent: string; model: string; durationMs: number; error?: boolean; cost?: number }): string {
    const start = new Date(base.getTime() + offsetMinutes * 60_000);
    const tenant: Attributes = tenantId ? { 'strata.tenant.id': tenantId } : {};
    const root = tracer.startSpan(`invoke_agent ${options.agent}`, { startTime: start, attributes: { ...tenant, 'gen_ai.agent.id': options.agent } });
    const llm = tracer.startSpan(
      `chat ${options.model}`,
      {
        startTime: new Date(start.getTime() + 1),
        attributes: {
          ...tenant,
          'gen_ai.request.model': options.model,
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
          ...(options.cost === undefined ? {} : { 'strata.cost.usd': options.cost }),
        },
      },
      trace.setSpan(context.active(), root),
    );
    const tool = tracer.startSpan('execute_tool search', { startTime: new Date(start.getTime() + 2), attributes: tenant }, trace.setSpan(context.active(), llm));
    if (options.error) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
    tool.end(new Date(start.getTime() + 3));
    llm.end(new Date(start.getTime() + options.durationMs - 1));
    root.setStatus({ code: SpanStatusCode.OK });
    root.end(new Date(start.getTime() + options.durationMs));
    return root.spanContext().traceId;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.runtime);
    processor = new PostgresSpanProcessor({ maxQueueSize: 10_000, maxBatchSize: 500, flushIntervalMs: 600_000 });
    processor.attach(new PostgresSpanSink(prisma));
    tracer = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'strata-api' }), spanProcessors: [processor] }).getTracer('test');
    query = new TraceQuery(new TracesRepository(prisma), clock);

    ids['a1'] = agentTrace(tenantA, 0, { agent: 'support', model: 'gpt-x', durationMs: 100, cost: 0.1 });
    ids['a2'] = agentTrace(tenantA, 10, { agent: 'support', model: 'claude-y', durationMs: 2_000, error: true, cost: 0.2 });
    ids['a3'] = agentTrace(tenantA, 20, { agent: 'billing', model: 'gpt-x', durationMs: 50 });
    ids['b1'] = agentTrace(tenantB, 5, { agent: 'support', model: 'gpt-x', durationMs: 300, cost: 1 });
    ids['none'] = agentTrace(undefined, 6, { agent: 'support', model: 'gpt-x', durationMs: 300 });
    // A trace shared by two tenants (a client reused a traceparent): each sees only its own spans.
    const shared = tracer.startSpan('a-part', { startTime: new Date(base.getTime() + 30 * 60_000), attributes: { 'strata.tenant.id': tenantA } });
    tracer
      .startSpan('b-part', { startTime: new Date(base.getTime() + 30 * 60_000 + 1), attributes: { 'strata.tenant.id': tenantB, 'gen_ai.usage.input_tokens': 999 } }, trace.setSpan(context.active(), shared))
      .end(new Date(base.getTime() + 30 * 60_000 + 5));
    shared.end(new Date(base.getTime() + 30 * 60_000 + 10));
    ids['shared'] = shared.spanContext().traceId;
    // Old: outside the default 24-hour window.
    ids['old'] = agentTrace(tenantA, -3 * 24 * 60, { agent: 'support', model: 'gpt-x', durationMs: 10 });
    await processor.forceFlush();
  });

  afterAll(async () => {
    await processor?.shutdown();
    await prisma?.$disconnect();
    await db?.close();
  });

  const list = async (raw: Record<string, unknown>, tenantId = tenantA) => query.list(tenantId, parseInput(traceListSchema, raw));

  it('lists the tenant’s traces of the last 24 hours, newest first, with aggregates', async () => {
    const page = await list({});
    expect(page.items.map((item) => item.traceId)).toEqual([ids['shared'], ids['a3'], ids['a2'], ids['a1']]);
    const a2 = page.items.find((item) => item.traceId === ids['a2']);
    expect(a2).toMatchObject({
      rootName: 'invoke_agent support',
      serviceName: 'strata-api',
      spanCount: 3,
      errorCount: 1,
      status: 'error',
      agentIds: ['support'],
      models: ['claude-y'],
      inputTokens: 100,
      outputTokens: 20,
      costUsd: '0.2',
      startTime: '2026-07-01T10:10:00.000000Z',
    });
    expect(a2?.durationMs).toBeCloseTo(2_000, 3);
    const shared = page.items.find((item) => item.traceId === ids['shared']);
    expect(shared).toMatchObject({ spanCount: 1, rootName: 'a-part', inputTokens: null, costUsd: null });
  });

  it('filters by status, agent, model, minimum duration and time range', async () => {
    const traceIds = async (raw: Record<string, unknown>) => (await list(raw)).items.map((item) => item.traceId);
    expect(await traceIds({ status: 'error' })).toEqual([ids['a2']]);
    expect(await traceIds({ status: 'ok' })).toEqual([ids['a3'], ids['a1']]);
    expect(await traceIds({ status: 'unset' })).toEqual([ids['shared']]);
    expect(await traceIds({ agentId: 'support' })).toEqual([ids['a2'], ids['a1']]);
    expect(await traceIds({ model: 'gpt-x' })).toEqual([ids['a3'], ids['a1']]);
    expect(await traceIds({ minDurationMs: '100' })).toEqual([ids['a2'], ids['a1']]);
    expect(await traceIds({ from: '2026-07-01T10:05:00Z', to: '2026-07-01T10:15:00Z' })).toEqual([ids['a2']]);
    expect(await traceIds({ from: '2026-06-27T00:00:00Z', to: '2026-06-29T00:00:00Z' })).toEqual([ids['old']]);
  });

  it('pages with an opaque cursor without repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit: '1', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.traceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([ids['shared'], ids['a3'], ids['a2'], ids['a1']]);
    await expect(list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'observability.invalid_cursor' });
  });

  it('refuses a range wider than 31 days or empty', async () => {
    await expect(list({ from: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'observability.invalid_trace_range' });
    await expect(list({ from: '2026-07-01T00:00:00Z', to: '2026-07-01T00:00:00Z' })).rejects.toMatchObject({ code: 'kernel.validation_failed' });
  });

  it('returns one trace as a tree with offsets, tokens and cost', async () => {
    const tree = await query.tree(tenantA, ids['a2'].toUpperCase());
    expect(tree).toMatchObject({ traceId: ids['a2'], spanCount: 3, status: 'error', inputTokens: 100, outputTokens: 20, costUsd: '0.2', truncated: false, durationMs: 2_000 });
    expect(tree.roots).toHaveLength(1);
    const [root] = tree.roots;
    expect(root).toMatchObject({ name: 'invoke_agent support', offsetMs: 0, agentId: 'support', status: { code: 'ok', message: null } });
    expect(root.children).toHaveLength(1);
    expect(root.children[0]).toMatchObject({ name: 'chat claude-y', offsetMs: 1, model: 'claude-y', costUsd: '0.2' });
    expect(root.children[0].children[0]).toMatchObject({ name: 'execute_tool search', status: { code: 'error', message: 'tool failed' } });
  });

  it('isolates tenants: another tenant’s trace, a tenantless trace and malformed ids answer 404; shared traces show only own spans', async () => {
    for (const traceId of [ids['b1'], ids['none'], 'zz', '0'.repeat(32)]) {
      await expect(query.tree(tenantA, traceId)).rejects.toMatchObject({ code: 'observability.trace_not_found', kind: 'not_found' });
    }
    expect((await list({}, tenantB)).items.map((item) => item.traceId)).toEqual([ids['shared'], ids['b1']]);
    const sharedForB = await query.tree(tenantB, ids['shared']);
    expect(sharedForB.spanCount).toBe(1);
    expect(sharedForB.roots[0]).toMatchObject({ name: 'b-part', inputTokens: 999 });
    const sharedForA = await query.tree(tenantA, ids['shared']);
    expect(sharedForA.roots.map((node) => node.name)).toEqual(['a-part']);
    expect(sharedForA.roots[0].children).toEqual([]);
  });
});
