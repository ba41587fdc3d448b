import { Logger } from '@nestjs/common';
import { context, metrics, ROOT_CONTEXT, trace, type Attributes, type Context, type MeterProvider } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { BoundedQueue } from './span-queue';
import { SPAN_ATTRIBUTES } from './span-row';
import { checkInteger, TRACE_STORE_LIMITS } from './trace-store-options';

/** Where finished spans go: the database sink ({@link PostgresSpanSink}) once the database is open. */
export interface SpanSink {
  /** Stores the spans, all or none; rejects if they were not stored. */
  write(spans: readonly ReadableSpan[]): Promise<void>;
}

export interface PostgresSpanProcessorOptions {
  /** Spans waiting in memory (all tenants); past it, spans are dropped and counted. */
  maxQueueSize: number;
  /** Spans handed to the sink at once (one INSERT). */
  maxBatchSize: number;
  /** A partial batch is written after at most this long. */
  flushIntervalMs: number;
  /** Where the dropped-spans metric goes; default the global meter provider (also see {@link PostgresSpanProcessor.registerMetrics}). */
  meterProvider?: MeterProvider;
}

/** Why a span was not stored (the `reason` attribute of `strata.trace_store.dropped_spans`). */
export const DROP_REASONS = ['queue_full', 'write_failed', 'shut_down'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const TRACE_STORE_METRICS = {
  droppedSpans: 'strata.trace_store.dropped_spans',
  writtenSpans: 'strata.trace_store.written_spans',
  queuedSpans: 'strata.trace_store.queued_spans',
} as const;

/** A failing database is logged at most this often (with the count since the last line). */
const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * The built-in exporter's span processor. `onEnd` is O(1) and never waits: it puts the span into
 * a bounded in-memory queue, or drops and counts it when the queue is full (a slow or unreachable
 * database costs spans, never request latency). Batches of `maxBatchSize` are written as soon as
 * they fill, partial batches every `flushIntervalMs`, one write at a time, with tracing suppressed
 * (the exporter's own queries never become spans). Spans queue, bounded, until a sink is
 * {@link attach}ed: the SDK starts before the database is open.
 */
export class PostgresSpanProcessor implements SpanProcessor {
  private readonly logger = new Logger('PostgresSpanProcessor');
  private readonly queue: BoundedQueue<ReadableSpan>;
  private readonly maxBatchSize: number;
  private readonly timer: NodeJS.Timeout;
  private readonly dropped: Record<DropReason, number> = { queue_full: 0, write_failed: 0, shut_down: 0 };
  private readonly meterProviders = new WeakSet<MeterProvider>();
  private sink: SpanSink | undefined;
  private written = 0;
  /** Drains run one after another on this chain. */
  private tail: Promise<void> = Promise.resolve();
  private batchScheduled = false;
  private closed = false;
  private shuttingDown: Promise<void> | undefined;
  private lastErrorLog = 0;
  private failuresSinceLog = 0;

  constructor(options: PostgresSpanProcessorOptions) {
    checkInteger('maxQueueSize', options.maxQueueSize, 1, TRACE_STORE_LIMITS.maxQueueSize);
    checkInteger('maxBatchSize', options.maxBatchSize, 1, Math.min(TRACE_STORE_LIMITS.maxBatchSize, options.maxQueueSize));
    checkInteger('flushIntervalMs', options.flushIntervalMs, TRACE_STORE_LIMITS.minFlushIntervalMs, TRACE_STORE_LIMITS.maxFlushIntervalMs);
    this.queue = new BoundedQueue(options.maxQueueSize);
    this.maxBatchSize = options.maxBatchSize;
    this.timer = setInterval(() => {
      if (this.sink && this.queue.size > 0) void this.drain(true);
    }, options.flushIntervalMs);
    this.timer.unref();
    this.registerMetrics(options.meterProvider ?? metrics.getMeterProvider());
  }

  /** Starts writing to `sink` (queued spans first); replaces a sink attached before. */
  attach(sink: SpanSink): void {
    if (this.closed) return;
    this.sink = sink;
    if (this.queue.size > 0) setImmediate(() => void this.drain(true));
  }

  /** Writes what is queued to the current sink, then stops using it; later spans queue again (bounded). */
  async detach(): Promise<void> {
    await this.drain(true);
    this.sink = undefined;
  }

  /**
   * Publishes `strata.trace_store.dropped_spans` (by reason), `…written_spans` and `…queued_spans`
   * through `meterProvider`'s meter. Once per provider: the constructor registers with the global
   * provider of that moment, and the Nest module again at start, when the SDK has installed its own.
   */
  registerMetrics(meterProvider: MeterProvider): void {
    if (this.meterProviders.has(meterProvider)) return;
    this.meterProviders.add(meterProvider);
    const meter = meterProvider.getMeter('@strata/observability');
    meter
      .createObservableCounter(TRACE_STORE_METRICS.droppedSpans, {
        description: 'Spans the PostgreSQL trace store did not store: queue full, write failed, or ended after shutdown',
        unit: '{span}',
      })
      .addCallback((result) => {
        for (const reason of DROP_REASONS) result.observe(this.dropped[reason], { reason });
      });
    meter
      .createObservableCounter(TRACE_STORE_METRICS.writtenSpans, { description: 'Spans written to PostgreSQL by the trace store', unit: '{span}' })
      .addCallback((result) => result.observe(this.written));
    meter
      .createObservableGauge(TRACE_STORE_METRICS.queuedSpans, { description: 'Spans waiting in the trace store queue', unit: '{span}' })
      .addCallback((result) => result.observe(this.queue.size));
  }

  /** Spans dropped so far, all reasons together. */
  droppedSpans(): number {
    return this.dropped.queue_full + this.dropped.write_failed + this.dropped.shut_down;
  }

  droppedSpansByReason(): Readonly<Record<DropReason, number>> {
    return { ...this.dropped };
  }

  /** Spans the sink has stored so far. */
  writtenSpans(): number {
    return this.written;
  }

  /** Spans waiting to be written. */
  queuedSpans(): number {
    return this.queue.size;
  }

  /**
   * Instrumentation spans (a pg query, an outgoing HTTP call) carry no tenant: they take the one of
   * the span they run under, so the tenant's trace view shows them (a stored span without a tenant
   * is readable by no one). A root span keeps what it has: no new traces appear in a tenant's list.
   */
  onStart(span: Span, parentContext: Context): void {
    if (span.attributes[SPAN_ATTRIBUTES.tenantId] !== undefined) return;
    const tenantId = (trace.getSpan(parentContext) as { attributes?: Attributes } | undefined)?.attributes?.[SPAN_ATTRIBUTES.tenantId];
    if (typeof tenantId === 'string') span.setAttribute(SPAN_ATTRIBUTES.tenantId, tenantId);
  }

  onEnd(span: ReadableSpan): void {
    if (this.closed) {
      this.dropped.shut_down += 1;
      return;
    }
    if (!this.queue.push(span)) {
      this.dropped.queue_full += 1;
      return;
    }
    if (this.queue.size >= this.maxBatchSize && this.sink && !this.batchScheduled) {
      this.batchScheduled = true;
      // Never in the caller's turn: mapping and sending a batch is not the ending request's work.
      setImmediate(() => void this.drain(false));
    }
  }

  /**
   * Writes every span queued when it is called (waiting for the write in progress first). With no
   * sink attached there is nowhere to write: the spans stay queued. Never call it inside a
   * database transaction on the embedded database (one connection: the write would wait for it).
   */
  forceFlush(): Promise<void> {
    return this.drain(true);
  }

  /** Flushes, then drops and counts anything that could not be written (no sink). Idempotent. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.closed = true;
      clearInterval(this.timer);
      await this.drain(true);
      this.dropped.shut_down += this.queue.clear();
    })();
    return this.shuttingDown;
  }

  /** Queues a drain behind the running one. `all`: also a partial batch, up to what is queued now. */
  private drain(all: boolean): Promise<void> {
    const run = this.tail.then(() => this.drainNow(all));
    this.tail = run;
    return run;
  }

  private async drainNow(all: boolean): Promise<void> {
    try {
      let budget = all ? this.queue.size : 0;
      while (this.sink && this.queue.size > 0 && (this.queue.size >= this.maxBatchSize || budget > 0)) {
        const batch = this.queue.take(this.maxBatchSize);
        budget -= batch.length;
        await this.write(this.sink, batch);
      }
    } finally {
      if (!all) this.batchScheduled = false;
    }
  }

  private async write(sink: SpanSink, batch: ReadableSpan[]): Promise<void> {
    try {
      await context.with(suppressTracing(ROOT_CONTEXT), () => sink.write(batch));
      this.written += batch.length;
    } catch (error) {
      this.dropped.write_failed += batch.length;
      this.failuresSinceLog += 1;
      const now = Date.now();
      if (now - this.lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
        this.logger.error(
          `Writing ${batch.length} spans to PostgreSQL failed (${this.failuresSinceLog} failed batches since the last report; ` +
            `${this.dropped.write_failed} spans dropped so far): ${(error as Error).message}`,
        );
        this.lastErrorLog = now;
        this.failuresSinceLog = 0;
      }
    }
  }
}
