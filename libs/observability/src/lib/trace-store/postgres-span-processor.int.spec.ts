import { PrismaPg } from '@prisma/adapter-pg';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, newId, RequestContextStore } from '@strata/kernel';
import { PrismaClient, PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { PostgresSpanProcessor, TRACE_STORE_METRICS, type PostgresSpanProcessorOptions, type SpanSink } from './postgres-span-processor';
import { PostgresSpanSink, SPANS_PER_TURN } from './postgres-span-sink';
import { TraceRetention } from './trace-retention';
import { TRACE_STORE_DEFAULTS, type TraceStoreOptions } from './trace-store-options';

/** Pulls metrics on demand. */
class PullReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const DAY = 86_400_000;

describe('PostgresSpanProcessor and PostgresSpanSink (database)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let sink: PostgresSpanSink;
  const processors: PostgresSpanProcessor[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // The app's PrismaService (the sink sends its inserts through queryDirect on its pool).
    prisma = new PrismaService(db.runtime);
    sink = new PostgresSpanSink(prisma);
  });

  afterAll(async () => {
    for (const processor of processors) await processor.shutdown();
    await prisma?.$disconnect();
    await db?.close();
  });

  function processorWith(options: Partial<PostgresSpanProcessorOptions> = {}): { processor: PostgresSpanProcessor; tracer: Tracer } {
    const processor = new PostgresSpanProcessor({ maxQueueSize: 1_000, maxBatchSize: 50, flushIntervalMs: 600_000, ...options });
    processors.push(processor);
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'strata-test' }), spanProcessors: [processor] });
    return { processor, tracer: provider.getTracer('trace-store-test') };
  }

  /** A sink that stores through the real one and remembers each batch's size. */
  function counting(): SpanSink & { batches: number[] } {
    const batches: number[] = [];
    return { batches, write: (spans) => (batches.push(spans.length), sink.write(spans)) };
  }

  async function rowsOf(traceId: string): Promise<number> {
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM trace_span WHERE trace_id = $1', [traceId]);
    return n;
  }

  /** Ends `count` child spans of one new root (the root ended last); returns the trace id. */
  function endTrace(tracer: Tracer, count: number, attributes: Attributes = {}, start = new Date()): string {
    const root = tracer.startSpan('root', { startTime: start, attributes });
    const parent = trace.setSpan(context.active(), root);
    for (let i = 0; i < count - 1; i += 1) tracer.startSpan(`child-${i}`, { startTime: start, attributes }, parent).end(new Date(start.getTime() + 5));
    root.end(new Date(start.getTime() + 10));
    return root.spanContext().traceId;
  }

  it('maps a large batch a slice per event-loop turn (requests in flight run between slices), then stores it in one insert', async () => {
    const spans: ReadableSpan[] = [];
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'strata-test' }),
      spanProcessors: [{ onStart: () => undefined, onEnd: (span) => void spans.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
    });
    const traceId = endTrace(provider.getTracer('slices'), SPANS_PER_TURN * 3 + 1);
    const inserts = vi.spyOn(prisma, 'queryDirect');
    const writing = sink.write(spans);
    // Queued after the write began: it runs while the write is still mapping its slices.
    const insertsWhenOtherWorkRan = await new Promise<number>((resolve) => setImmediate(() => resolve(inserts.mock.calls.length)));
    await writing;
    expect(insertsWhenOtherWorkRan).toBe(0);
    expect(inserts).toHaveBeenCalledTimes(1);
    inserts.mockRestore();
    expect(await rowsOf(traceId)).toBe(SPANS_PER_TURN * 3 + 1);
  });

  it('queues spans until a sink is attached, then writes them in batches of maxBatchSize', async () => {
    const { processor, tracer } = processorWith({ maxBatchSize: 50 });
    const traceId = endTrace(tracer, 120);
    expect(processor.queuedSpans()).toBe(120);
    expect(await rowsOf(traceId)).toBe(0);

    const batching = counting();
    processor.attach(batching);
    await processor.forceFlush();
    expect(batching.batches).toEqual([50, 50, 20]);
    expect(await rowsOf(traceId)).toBe(120);
    expect(processor.writtenSpans()).toBe(120);
    expect(processor.droppedSpans()).toBe(0);
  });

  it('maps spans to columns: tenant, agent, model, tokens, cost, service, parent, status, timing', async () => {
    const { processor, tracer } = processorWith();
    processor.attach(sink);
    const tenantId = newId();
    const start = new Date('2026-05-01T10:00:00.000Z');
    const root = tracer.startSpan('invoke_agent support-bot', {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: { 'strata.tenant.id': tenantId, 'gen_ai.agent.id': 'agent-7' },
    });
    const chat = tracer.startSpan(
      'chat gpt-x',
      {
        kind: SpanKind.CLIENT,
        startTime: new Date(start.getTime() + 2),
        attributes: {
          'strata.tenant.id': tenantId,
          'gen_ai.request.model': 'gpt-x',
          'gen_ai.response.model': 'gpt-x-2026-01',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 345,
          'strata.cost.usd': 0.01234567,
        },
      },
      trace.setSpan(context.active(), root),
    );
    chat.addEvent('gen_ai.choice', { index: 0 }, new Date(start.getTime() + 40));
    chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    chat.end(new Date(start.getTime() + 42));
    root.end(new Date(start.getTime() + 50));
    await processor.forceFlush();

    const rows = await prisma.traceSpan.findMany({ where: { traceId: root.spanContext().traceId }, orderBy: { startTime: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ name: 'invoke_agent support-bot', kind: 1, tenantId, agentId: 'agent-7', parentSpanId: null, serviceName: 'strata-test', model: null, statusCode: 0 });
    expect(rows[0].durationMs).toBeCloseTo(50, 3);
    expect(rows[1]).toMatchObject({
      parentSpanId: root.spanContext().spanId,
      kind: 2,
      model: 'gpt-x-2026-01',
      inputTokens: 1200,
      outputTokens: 345,
      statusCode: 2,
      statusMessage: 'rate limited',
    });
    expect(rows[1].costUsd?.toString()).toBe('0.01234567');
    expect(rows[1].startTime.toISOString()).toBe('2026-05-01T10:00:00.002Z');
    expect(rows[1].attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-x' });
    expect(rows[1].events).toEqual([{ name: 'gen_ai.choice', time: '2026-05-01T10:00:00.040000Z', attributes: { index: 0 } }]);
  });

  it('gives a span without a tenant (an instrumentation span) the tenant of its parent; a root keeps none', async () => {
    const { processor, tracer } = processorWith();
    processor.attach(sink);
    const tenantId = newId();
    const root = tracer.startSpan('agent_step 0', { attributes: { 'strata.tenant.id': tenantId } });
    const query = tracer.startSpan('pg.query:SELECT strata', {}, trace.setSpan(context.active(), root));
    const nested = tracer.startSpan('pg.query:INSERT strata', {}, trace.setSpan(context.active(), query));
    nested.end();
    query.end();
    root.end();
    // Even inside a tenant's request: a root span without a tenant must not become a trace in its list.
    const orphan = RequestContextStore.run({ requestId: 'r', tenantId }, () => tracer.startSpan('GET /health'));
    orphan.end();
    await processor.forceFlush();
    const rows = await db.query<{ name: string; tenant_id: string | null }>(
      'SELECT name, tenant_id FROM trace_span WHERE span_id = ANY($1) ORDER BY name',
      [[root, query, nested, orphan].map((span) => span.spanContext().spanId)],
    );
    expect(rows).toEqual([
      { name: 'GET /health', tenant_id: null },
      { name: 'agent_step 0', tenant_id: tenantId },
      { name: 'pg.query:INSERT strata', tenant_id: tenantId },
      { name: 'pg.query:SELECT strata', tenant_id: tenantId },
    ]);
  });

  it('stores hostile values without failing the batch (NUL, lone surrogates, oversized strings, bad tenant and numbers)', async () => {
    const { processor, tracer } = processorWith();
    processor.attach(sink);
    const good = endTrace(tracer, 1, { 'strata.tenant.id': newId() });
    const hostile = endTrace(tracer, 1, {
      'strata.tenant.id': 'not-a-uuid',
      'gen_ai.usage.input_tokens': -5,
      'gen_ai.usage.output_tokens': 1.5,
      'strata.cost.usd': Number.NaN,
      'gen_ai.request.model': 'm\u0000odel',
      note: `a\u0000b\ud800c${'x'.repeat(20_000)}`,
    });
    await processor.forceFlush();
    expect(processor.droppedSpans()).toBe(0);
    expect(await rowsOf(good)).toBe(1);
    const [row] = await prisma.traceSpan.findMany({ where: { traceId: hostile } });
    expect(row).toMatchObject({ tenantId: null, inputTokens: null, outputTokens: null, costUsd: null, model: 'model' });
    const note = (row.attributes as Record<string, string>)['note'];
    expect(note.startsWith('ab\ufffdc')).toBe(true);
    expect(note.length).toBeLessThanOrEqual(8_192);
  });

  it('writes a full batch at once and a partial batch after flushIntervalMs, without forceFlush', async () => {
    const full = processorWith({ maxBatchSize: 25, flushIntervalMs: 600_000 });
    full.processor.attach(sink);
    const fullTrace = endTrace(full.tracer, 25);
    await vi.waitFor(async () => expect(await rowsOf(fullTrace)).toBe(25), { timeout: 10_000, interval: 20 });

    const partial = processorWith({ maxBatchSize: 500, flushIntervalMs: 50 });
    partial.processor.attach(sink);
    const partialTrace = endTrace(partial.tracer, 3);
    await vi.waitFor(async () => expect(await rowsOf(partialTrace)).toBe(3), { timeout: 10_000, interval: 20 });
  });

  it('overflow: a full queue drops and counts spans, onEnd never waits for the database, and the metric reports them', async () => {
    const reader = new PullReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const { processor, tracer } = processorWith({ maxQueueSize: 100, maxBatchSize: 10, flushIntervalMs: 20, meterProvider });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let writes = 0;
    processor.attach({
      write: async (spans: readonly ReadableSpan[]) => {
        writes += 1;
        if (writes === 1) await held; // the database hangs on the first batch
        await sink.write(spans);
      },
    });

    const first = endTrace(tracer, 10);
    await vi.waitFor(() => expect(writes).toBe(1), { timeout: 5_000, interval: 5 });

    // 1,000 spans while the write hangs: 100 fit, 900 are dropped, and every end() returns at once.
    const started = performance.now();
    const flooded = endTrace(tracer, 1_000);
    const elapsedMs = performance.now() - started;
    expect(processor.queuedSpans()).toBe(100);
    expect(processor.droppedSpansByReason()).toEqual({ queue_full: 900, write_failed: 0, shut_down: 0 });
    expect(processor.droppedSpans()).toBe(900);
    expect(elapsedMs).toBeLessThan(1_000);

    const { resourceMetrics } = await reader.collect();
    const dropped = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === TRACE_STORE_METRICS.droppedSpans);
    const full = dropped?.dataPoints.find((point) => point.attributes['reason'] === 'queue_full');
    expect(full?.value).toBe(900);

    release();
    await processor.forceFlush();
    expect(await rowsOf(first)).toBe(10);
    expect(await rowsOf(flooded)).toBe(100);
    expect(processor.writtenSpans()).toBe(110);
    await meterProvider.shutdown();
  });

  it('counts the spans of a failed write as dropped and keeps going', async () => {
    const { processor, tracer } = processorWith({ maxBatchSize: 10 });
    let fail = true;
    processor.attach({ write: (spans) => (fail ? Promise.reject(new Error('connection refused')) : sink.write(spans)) });
    endTrace(tracer, 10);
    await processor.forceFlush();
    expect(processor.droppedSpansByReason().write_failed).toBe(10);
    fail = false;
    const later = endTrace(tracer, 4);
    await processor.forceFlush();
    expect(await rowsOf(later)).toBe(4);
  });

  it('skips spans already stored (a batch written twice)', async () => {
    const { processor, tracer } = processorWith();
    const captured: ReadableSpan[] = [];
    processor.attach({ write: (spans) => (captured.push(...spans), sink.write(spans)) });
    const traceId = endTrace(tracer, 5);
    await processor.forceFlush();
    await sink.write(captured);
    expect(await rowsOf(traceId)).toBe(5);
  });

  it('shutdown flushes what is queued; spans ended afterwards are dropped and counted', async () => {
    const { processor, tracer } = processorWith();
    processor.attach(sink);
    const traceId = endTrace(tracer, 7);
    await processor.shutdown();
    expect(await rowsOf(traceId)).toBe(7);
    endTrace(tracer, 2);
    expect(processor.droppedSpansByReason().shut_down).toBe(2);

    const unattached = processorWith();
    endTrace(unattached.tracer, 3);
    await unattached.processor.shutdown();
    expect(unattached.processor.droppedSpansByReason().shut_down).toBe(3);
  });

  it('refuses sizes out of range', () => {
    expect(() => new PostgresSpanProcessor({ maxQueueSize: 0, maxBatchSize: 1, flushIntervalMs: 100 })).toThrow(
      expect.objectContaining({ code: 'observability.trace_store_invalid_options' }),
    );
    expect(() => new PostgresSpanProcessor({ maxQueueSize: 10, maxBatchSize: 11, flushIntervalMs: 100 })).toThrow(/maxBatchSize/);
  });

  describe('retention', () => {
    const options: TraceStoreOptions = { ...TRACE_STORE_DEFAULTS, retentionDays: 14, retentionBatchSize: 7, retentionIntervalMs: 0 };
    const now = new Date('2026-06-01T00:00:00.000Z');

    async function seed(tracer: Tracer, processor: PostgresSpanProcessor, marker: string): Promise<{ old: string[]; recent: string[] }> {
      const old: string[] = [];
      const recent: string[] = [];
      for (let i = 0; i < 6; i += 1) old.push(endTrace(tracer, 5, { marker }, new Date(now.getTime() - 15 * DAY - i * 1000)));
      for (let i = 0; i < 3; i += 1) recent.push(endTrace(tracer, 5, { marker }, new Date(now.getTime() - 13 * DAY)));
      await processor.forceFlush();
      return { old, recent };
    }

    async function remaining(marker: string): Promise<number> {
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM trace_span WHERE attributes->>'marker' = $1`, [marker]);
      return n;
    }

    it('deletes spans that started more than retentionDays ago, in bounded batches, and keeps the rest', async () => {
      const { processor, tracer } = processorWith();
      processor.attach(sink);
      const marker = newId();
      await seed(tracer, processor, marker);
      expect(await remaining(marker)).toBe(45);

      const [{ due }] = await db.query<{ due: number }>(`SELECT count(*)::int AS due FROM trace_span WHERE start_time < '2026-05-18T00:00:00Z'`);
      expect(due).toBeGreaterThanOrEqual(30);

      const retention = new TraceRetention(prisma, new ManualClock(now), options);
      const run = await retention.purge(now);
      expect(run.cutoff.toISOString()).toBe('2026-05-18T00:00:00.000Z');
      expect(run.deleted).toBe(due);
      expect(run.more).toBe(false);
      expect(await remaining(marker)).toBe(15);
      expect((await retention.purge(now)).deleted).toBe(0);
    });

    it('is safe with several processes purging at once: each span is deleted once, none twice, no errors', async () => {
      const { processor, tracer } = processorWith();
      processor.attach(sink);
      const marker = newId();
      await seed(tracer, processor, marker);
      // On a server, separate pools stand for separate processes; PGlite has one connection, shared.
      const clients =
        db.kind === 'server'
          ? Array.from({ length: 3 }, () => new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 2 }) }) as PrismaService)
          : [prisma, prisma, prisma];
      try {
        const runs = await Promise.all(clients.map((client) => new TraceRetention(client, new ManualClock(now), options).purge(now)));
        expect(runs.reduce((total, run) => total + run.deleted, 0)).toBe(30);
        expect(await remaining(marker)).toBe(15);
      } finally {
        if (db.kind === 'server') await Promise.all(clients.map((client) => client.$disconnect()));
      }
    });
  });
});
