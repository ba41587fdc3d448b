import { Test } from '@nestjs/testing';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, ManualClock } from '@strata/kernel';
import { DatabaseModule } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { PostgresSpanProcessor } from './postgres-span-processor';
import { TraceRetention } from './trace-retention';
import { POSTGRES_SPAN_PROCESSOR } from './trace-store-attachment';
import { TRACE_STORE_DEFAULTS, TRACE_STORE_OPTIONS } from './trace-store-options';
import { TRACE_STORE_PROVIDERS } from './trace-store.providers';

describe('TRACE_STORE_PROVIDERS in a Nest application (database)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  async function countSpans(traceId: string): Promise<number> {
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM trace_span WHERE trace_id = $1', [traceId]);
    return n;
  }

  it('attaches the database once the application starts and writes what is queued before the database closes', async () => {
    const processor = new PostgresSpanProcessor({ maxQueueSize: 100, maxBatchSize: 50, flushIntervalMs: 600_000 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('test');
    const early = tracer.startSpan('before the database opened');
    early.end();

    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [
        { provide: CLOCK, useValue: new ManualClock() },
        { provide: TRACE_STORE_OPTIONS, useValue: { ...TRACE_STORE_DEFAULTS, retentionIntervalMs: 0 } },
        { provide: POSTGRES_SPAN_PROCESSOR, useValue: processor },
        ...TRACE_STORE_PROVIDERS,
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    await processor.forceFlush();
    expect(await countSpans(early.spanContext().traceId)).toBe(1);

    const late = tracer.startSpan('while shutting down');
    late.end();
    expect(app.get(TraceRetention)).toBeInstanceOf(TraceRetention);
    await app.close();
    expect(await countSpans(late.spanContext().traceId)).toBe(1);
    expect(processor.queuedSpans()).toBe(0);

    // Detached: later spans queue (bounded) instead of hitting a closed pool.
    tracer.startSpan('after the database closed').end();
    expect(processor.queuedSpans()).toBe(1);
    await processor.shutdown();
    expect(processor.droppedSpansByReason().shut_down).toBe(1);
  });

  it('starts and stops without a processor (telemetry off), storing nothing', async () => {
    const [{ before }] = await db.query<{ before: number }>('SELECT count(*)::int AS before FROM trace_span');
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [
        { provide: CLOCK, useValue: new ManualClock() },
        { provide: TRACE_STORE_OPTIONS, useValue: { ...TRACE_STORE_DEFAULTS, retentionIntervalMs: 0 } },
        ...TRACE_STORE_PROVIDERS,
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    await app.close();
    const [{ after }] = await db.query<{ after: number }>('SELECT count(*)::int AS after FROM trace_span');
    expect(after).toBe(before);
  });
});
