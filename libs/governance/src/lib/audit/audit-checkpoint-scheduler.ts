import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ChainHead } from './audit-entries.repository';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { AuditLog } from './audit-log.service';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';

/** Tenants signed per sweep; the next sweep takes the rest. */
const SWEEP_TENANTS = 1_000;

/**
 * Writes checkpoints without being asked: once a tenant has `checkpointEvery` entries past its
 * last checkpoint (counted from this process's group commits), and on a timer for every tenant
 * with unsigned entries (which also covers entries appended in callers' transactions and by other
 * processes). Failures are logged and retried by the next sweep: appends never wait for this.
 */
@Injectable()
export class AuditCheckpointScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AuditCheckpointScheduler');
  private readonly lastSigned = new Map<string, bigint>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly checkpoints: AuditCheckpoints,
    private readonly log: AuditLog,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.log.onAppended((tenantId, head) => this.appended(tenantId, head));
    if (this.options.checkpointIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.options.checkpointIntervalMs);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([this.sweeping, ...this.inFlight.values()]);
  }

  /** Signs every tenant with unsigned entries now (the timer's job; also callable by tests and tools). */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Settles once the checkpoints triggered so far are written. */
  async idle(): Promise<void> {
    await Promise.allSettled([this.sweeping, ...this.inFlight.values()]);
  }

  private appended(tenantId: string, head: ChainHead): void {
    if (this.stopped || this.inFlight.has(tenantId)) return;
    const last = this.lastSigned.get(tenantId);
    if (last !== undefined && head.seq - last < BigInt(this.options.checkpointEvery)) return;
    this.signTenant(tenantId, last === undefined);
  }

  private async runSweep(): Promise<void> {
    try {
      const due = await this.checkpoints.due(SWEEP_TENANTS);
      for (const { tenantId } of due) {
        if (this.stopped) return;
        await (this.inFlight.get(tenantId) ?? this.signTenant(tenantId, false));
      }
    } catch (error) {
      this.logger.error(`Audit checkpoint sweep failed: ${(error as Error).message}`);
    }
  }

  /** `onlyIfDue`: the count since the last checkpoint is unknown in this process; look it up first. */
  private signTenant(tenantId: string, onlyIfDue: boolean): Promise<void> {
    const work = (async () => {
      try {
        if (onlyIfDue) {
          const last = await this.checkpoints.latestSeq(tenantId);
          this.lastSigned.set(tenantId, last);
          const head = await this.headSeq(tenantId);
          if (head - last < BigInt(this.options.checkpointEvery)) return;
        }
        const checkpoint = await this.checkpoints.create(tenantId);
        this.lastSigned.set(tenantId, checkpoint.seq);
      } catch (error) {
        this.logger.error(`Audit checkpoint for tenant ${tenantId} failed: ${(error as Error).message}`);
      } finally {
        this.inFlight.delete(tenantId);
      }
    })();
    this.inFlight.set(tenantId, work);
    return work;
  }

  private async headSeq(tenantId: string): Promise<bigint> {
    return (await this.checkpoints.headOf(tenantId))?.seq ?? 0n;
  }
}
