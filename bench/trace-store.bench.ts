/**
 * Trace store benchmarks: how many spans per second the built-in PostgreSQL exporter stores (the
 * sink alone, one INSERT per batch; and the whole span processor fed as fast as the process can
 * end spans, with its default queue, counting what it drops), what `onEnd` costs a request, and
 * how long the trace API's list and tree queries take over the stored spans. Needs a PostgreSQL
 * server: BENCH_DATABASE_URL or TEST_DATABASE_URL (a superuser URL; a scratch database is created
 * and dropped). Prints a Markdown table.
 *
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --tsconfig tsconfig.base.json bench/trace-store.bench.ts
 */
import os from 'node:os';
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ManualClock, newId } from '@strata/kernel';
import { PrismaService } from '@strata/db';
import { createTestDatabase } from '@strata/testing';
import { PostgresSpanProcessor, PostgresSpanSink, TRACE_STORE_DEFAULTS, TraceQuery, TracesRepository } from '@strata/observability';

interface Row {
  what: string;
  count: number;
  seconds: number;
  rate: string;
}

function progress(message: string): void {
  process.stderr.write(`› ${message}\n`);
}

/** Collects finished spans without storing them (to time the sink on its own). */
class Collector implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {
    // Only finished spans matter.
  }
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const TENANTS = Array.from({ length: 10 }, () => newId());
const MODELS = ['gpt-x', 'claude-y', 'llama-z'];
/** Spans one {@link agentRun} ends. */
const SPANS_PER_RUN = 3;

/** One agent run: invoke_agent → chat (tokens, cost) → execute_tool; typical GenAI attribute sets. */
function agentRun(tracer: Tracer, i: number, start: Date): void {
  const tenant = TENANTS[i % TENANTS.length];
  const common = { 'strata.tenant.id': tenant, 'strata.actor.type': 'service_account', 'strata.actor.id': `sa-${i % 50}`, 'strata.request.id': `req-${i}` };
  const root = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.INTERNAL,
    startTime: start,
    attributes: { ...common, 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': `agent-${i % 20}`, 'gen_ai.agent.name': 'support-bot' },
  });
  const parent = trace.setSpan(context.active(), root);
  const model = MODELS[i % MODELS.length];
  const chat = tracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      startTime: new Date(start.getTime() + 2),
      attributes: {
        ...common,
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.response.model': `${model}-2026-01`,
        'gen_ai.usage.input_tokens': 1_200 + (i % 300),
        'gen_ai.usage.output_tokens': 180 + (i % 90),
        'gen_ai.response.finish_reasons': ['stop'],
        'strata.cost.usd': 0.0042,
        'server.address': 'api.example.com',
      },
    },
    parent,
  );
  chat.end(new Date(start.getTime() + 900));
  const tool = tracer.startSpan(
    'execute_tool search_kb',
    { startTime: new Date(start.getTime() + 901), attributes: { ...common, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_kb' } },
    parent,
  );
  tool.end(new Date(start.getTime() + 960));
  root.end(new Date(start.getTime() + 1_000));
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (!serverUrl) throw new Error('Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server (superuser URL).');
  const runs = Number(process.env['BENCH_AGENT_RUNS'] ?? 30_000);
  const db = await createTestDatabase({ serverUrl });
  const rows: Row[] = [];
  const [{ version: server }] = await db.query<{ version: string }>(`SELECT split_part(version(), ' on ', 1) AS version`);
  const resource = resourceFromAttributes({ 'service.name': 'strata-bench' });
  const now = Date.now();
  const prisma = new PrismaService(db.runtime);
  try {
    const sink = new PostgresSpanSink(prisma);

    // 1. The sink alone: pre-built spans, one INSERT … jsonb_to_recordset per batch, one at a time.
    for (const batchSize of [500, 2_000]) {
      const collector = new Collector();
      const tracer = new TracerProvider({ resource, spanProcessors: [collector] }).getTracer('bench');
      for (let i = 0; i < runs; i += 1) agentRun(tracer, i, new Date(now - 3_600_000 + i));
      progress(`sink alone: ${collector.spans.length} spans in batches of ${batchSize}…`);
      const started = performance.now();
      for (let offset = 0; offset < collector.spans.length; offset += batchSize) await sink.write(collector.spans.slice(offset, offset + batchSize));
      const seconds = (performance.now() - started) / 1000;
      rows.push({ what: `sink alone, batches of ${batchSize}, one write at a time`, count: collector.spans.length, seconds, rate: `${Math.round(collector.spans.length / seconds)} spans/s` });
    }

    // 2. The processor with its defaults, fed as fast as this process ends spans (1,000 agent runs,
    //    then one turn of the event loop, as a busy API would), until everything is written.
    {
      const processor = new PostgresSpanProcessor({
        maxQueueSize: TRACE_STORE_DEFAULTS.maxQueueSize,
        maxBatchSize: TRACE_STORE_DEFAULTS.maxBatchSize,
        flushIntervalMs: TRACE_STORE_DEFAULTS.flushIntervalMs,
      });
      processor.attach(sink);
      const tracer = new TracerProvider({ resource, spanProcessors: [processor] }).getTracer('bench');
      progress(`processor, defaults: ${runs * SPANS_PER_RUN} spans as fast as possible…`);
      const started = performance.now();
      for (let i = 0; i < runs; i += 1) {
        agentRun(tracer, i, new Date(now - 1_800_000 + i));
        if (i % 1_000 === 999) await new Promise((resolve) => setImmediate(resolve));
      }
      await processor.forceFlush();
      const seconds = (performance.now() - started) / 1000;
      const written = processor.writtenSpans();
      rows.push({
        what: `processor (queue ${TRACE_STORE_DEFAULTS.maxQueueSize}, batch ${TRACE_STORE_DEFAULTS.maxBatchSize}) fed flat out: stored / dropped`,
        count: runs * SPANS_PER_RUN,
        seconds,
        rate: `${Math.round(written / seconds)} spans/s stored, ${processor.droppedSpans()} dropped`,
      });
      await processor.shutdown();
    }

    // 3. The same, paced at a target rate (BENCH_RATE spans/s), to show a sustained load with no drops.
    {
      const rate = Number(process.env['BENCH_RATE'] ?? 10_000);
      const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
      const processor = new PostgresSpanProcessor({
        maxQueueSize: TRACE_STORE_DEFAULTS.maxQueueSize,
        maxBatchSize: TRACE_STORE_DEFAULTS.maxBatchSize,
        flushIntervalMs: TRACE_STORE_DEFAULTS.flushIntervalMs,
      });
      processor.attach(sink);
      const tracer = new TracerProvider({ resource, spanProcessors: [processor] }).getTracer('bench');
      progress(`processor, defaults: ${rate} spans/s for ${seconds} s…`);
      const started = performance.now();
      let ended = 0;
      let i = 0;
      while (performance.now() - started < seconds * 1000) {
        const due = ((performance.now() - started) / 1000) * rate;
        while (ended < due) {
          agentRun(tracer, i, new Date(now - 900_000 + i));
          i += 1;
          ended += SPANS_PER_RUN;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await processor.forceFlush();
      const total = (performance.now() - started) / 1000;
      rows.push({
        what: `processor (defaults) paced at ${rate} spans/s for ${seconds} s: stored / dropped`,
        count: ended,
        seconds: total,
        rate: `${Math.round(processor.writtenSpans() / total)} spans/s stored, ${processor.droppedSpans()} dropped`,
      });
      await processor.shutdown();
    }

    // 4. What a request pays per span: onEnd alone (queue only; nothing attached, so nothing written).
    {
      const processor = new PostgresSpanProcessor({ maxQueueSize: 1_000_000, maxBatchSize: 500, flushIntervalMs: 600_000 });
      const collector = new Collector();
      const tracer = new TracerProvider({ resource, spanProcessors: [collector] }).getTracer('bench');
      for (let i = 0; i < 50_000; i += 1) agentRun(tracer, i, new Date(now));
      const started = performance.now();
      for (const span of collector.spans) processor.onEnd(span);
      const seconds = (performance.now() - started) / 1000;
      rows.push({ what: 'onEnd (enqueue) cost per span', count: collector.spans.length, seconds, rate: `${((seconds * 1e9) / collector.spans.length).toFixed(0)} ns/span` });
      await processor.shutdown();
    }

    // 5. Reads over what is stored now: the trace list (last hour, one tenant) and one trace's tree.
    {
      const [{ stored }] = await db.query<{ stored: number }>('SELECT count(*)::int AS stored FROM trace_span');
      const query = new TraceQuery(new TracesRepository(prisma), new ManualClock(new Date(now)));
      const time = async (what: string, fn: () => Promise<unknown>) => {
        const samples: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          const started = performance.now();
          await fn();
          samples.push(performance.now() - started);
        }
        samples.sort((a, b) => a - b);
        rows.push({ what, count: 20, seconds: samples.reduce((a, b) => a + b, 0) / 1000, rate: `median ${samples[10].toFixed(1)} ms, p95 ${samples[18].toFixed(1)} ms` });
      };
      const list = { limit: 50, from: new Date(now - 3_600_000), to: new Date(now) };
      const page = await query.list(TENANTS[0], list);
      await time(`trace list, one tenant, last hour, 50 a page (${stored} spans stored)`, () => query.list(TENANTS[0], list));
      await time('trace list filtered by model and minimum duration', () => query.list(TENANTS[0], { ...list, model: 'claude-y-2026-01', minDurationMs: 500 }));
      const traceId = page.items[0]?.traceId;
      if (traceId) await time('one trace as a tree', () => query.tree(TENANTS[0], traceId));
    }
  } finally {
    await prisma.$disconnect();
    await db.close();
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}; ${server}\n`);
  console.log('| measure | spans / calls | seconds | result |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.what} | ${row.count} | ${row.seconds.toFixed(2)} | ${row.rate} |`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
