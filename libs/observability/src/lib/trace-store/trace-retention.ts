import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import { PrismaService } from '@strata/db';
import { TRACE_STORE_LIMITS, TRACE_STORE_OPTIONS, type TraceStoreOptions } from './trace-store-options';

const DAY_MS = 86_400_000;

export interface RetentionRun {
  /** Spans that started before this were due. */
  cutoff: Date;
  deleted: number;
  /** True if the run stopped at its batch limit with spans still due (the next run continues). */
  more: boolean;
}

/**
 * Deletes spans that started more than `retentionDays` ago, in DELETE statements of at most
 * `retentionBatchSize` rows (short locks, bounded WAL per statement), on a timer. Safe with several
 * processes: each statement claims its rows with FOR UPDATE SKIP LOCKED, so concurrent runs split
 * the work instead of waiting on each other; a run stops after a bounded number of statements.
 */
@Injectable()
export class TraceRetention implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TraceRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRun> | undefined;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TRACE_STORE_OPTIONS) private readonly options: TraceStoreOptions,
  ) {}

  onModuleInit(): void {
    if (this.options.retentionIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.runScheduled(), this.options.retentionIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes the spans due at `now` (the timer's job; tests call it with a chosen time). One run at a time per process. */
  purge(now: Date = this.clock.now()): Promise<RetentionRun> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runScheduled(): Promise<void> {
    try {
      const result = await this.purge();
      if (result.deleted > 0) {
        this.logger.log(`Deleted ${result.deleted} spans older than ${result.cutoff.toISOString()}${result.more ? ' (more remain)' : ''}`);
      }
    } catch (error) {
      this.logger.error(`Trace retention failed: ${(error as Error).message}`);
    }
  }

  private async run(now: Date): Promise<RetentionRun> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const batch = this.options.retentionBatchSize;
    let deleted = 0;
    for (let statement = 0; statement < TRACE_STORE_LIMITS.maxRetentionBatchesPerRun; statement += 1) {
      if (this.stopped) return { cutoff, deleted, more: true };
      const count = await this.prisma.$executeRaw`
        DELETE FROM trace_span
         WHERE (trace_id, span_id) IN (
           SELECT trace_id, span_id FROM trace_span
            WHERE start_time < ${cutoff}
            LIMIT ${batch}
            FOR UPDATE SKIP LOCKED)`;
      deleted += count;
      if (count < batch) return { cutoff, deleted, more: false };
    }
    return { cutoff, deleted, more: true };
  }
}
