import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import type { UsageRecord, UsageRecorder } from '../gateway/gateway.contract';
import { UsageStore } from './usage-store';

export interface UsageRecorderOptions {
  /** Queued records are written at least this often. */
  flushIntervalMs: number;
  /** ... and as soon as this many are queued; also the most rows one insert writes. */
  batchSize: number;
  /** The most records held while the database cannot take them; beyond it new records are dropped (counted). */
  maxQueued: number;
}

export const USAGE_RECORDER_OPTIONS = Symbol('USAGE_RECORDER_OPTIONS');

export const DEFAULT_USAGE_RECORDER_OPTIONS: UsageRecorderOptions = { flushIntervalMs: 250, batchSize: 500, maxQueued: 20_000 };

const droppedCounter = metrics.getMeter('strata.model-gateway').createCounter('strata.model_gateway.usage.dropped', {
  description: 'Usage records dropped because the queue was full (the database did not take them in time)',
});

/**
 * Usage accounting off the request's path: `record` only queues; a writer inserts in batches every
 * `flushIntervalMs` or `batchSize` records, and on shutdown. If the database is down the records
 * wait (bounded by `maxQueued`); past that, new records are dropped, counted in
 * `strata.model_gateway.usage.dropped` and logged (at most once per 10 s).
 */
@Injectable()
export class BatchedUsageRecorder implements UsageRecorder, OnModuleDestroy {
  private readonly logger = new Logger('UsageRecorder');
  private readonly options: UsageRecorderOptions;
  private queue: UsageRecord[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private droppedTotal = 0;
  private lastDropLogMs = 0;

  constructor(
    private readonly store: UsageStore,
    @Optional() @Inject(USAGE_RECORDER_OPTIONS) options?: Partial<UsageRecorderOptions>,
  ) {
    this.options = { ...DEFAULT_USAGE_RECORDER_OPTIONS, ...options };
    if (this.options.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  record(record: UsageRecord): void {
    if (this.queue.length >= this.options.maxQueued) {
      this.droppedTotal += 1;
      droppedCounter.add(1);
      const now = Date.now();
      if (now - this.lastDropLogMs > 10_000) {
        this.lastDropLogMs = now;
        this.logger.error(`Usage queue full (${this.options.maxQueued}): dropping usage records; ${this.droppedTotal} dropped so far.`);
      }
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.options.batchSize) void this.flush();
  }

  /** How many records were dropped since start. */
  dropped(): number {
    return this.droppedTotal;
  }

  queued(): number {
    return this.queue.length;
  }

  /** Writes everything queued now (one write at a time; concurrent callers share it). Never throws. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.queue.length) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.queue.length) this.logger.error(`${this.queue.length} usage records could not be written before shutdown.`);
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.options.batchSize);
      try {
        await this.store.insert(batch);
      } catch (error) {
        if (!(await this.writeOneByOne(batch))) {
          this.logger.warn(`Could not write ${batch.length} usage records (kept, retried on the next flush): ${String(error)}`);
          return;
        }
      }
      this.queue = this.queue.slice(batch.length);
    }
  }

  /**
   * After a failed batch: one record at a time, so one malformed record cannot block the queue.
   * Returns false when none could be written (the database is down: keep them all); otherwise the
   * records the database rejected are dropped and counted.
   */
  private async writeOneByOne(batch: UsageRecord[]): Promise<boolean> {
    const rejected: UsageRecord[] = [];
    for (const record of batch) {
      try {
        await this.store.insert([record]);
      } catch {
        rejected.push(record);
      }
    }
    if (rejected.length === batch.length) return false;
    this.droppedTotal += rejected.length;
    droppedCounter.add(rejected.length);
    if (rejected.length) this.logger.error(`The database rejected ${rejected.length} usage records; dropped.`);
    return true;
  }
}
