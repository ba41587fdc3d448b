import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApprovalEvents, ApprovalsService } from '@strata/governance';
import { newId, RequestContextStore, type StrataConfig } from '@strata/kernel';
import { CONTEXT_CONFIG } from '../context-config';
import { AgentRunner, type RunLease } from './agent-runner';
import { RunEventBus } from './run-event-bus';
import { RuntimeRepository, type ClaimedRun } from './runtime.repository';

/** Suspended runs checked per approval sweep. */
const SWEEP_BATCH = 200;
/** How long shutdown waits for running segments to reach a checkpoint after they are aborted. */
const SHUTDOWN_WAIT_MS = 10_000;

export interface RunWorkerOptions {
  enabled: boolean;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  approvalSweepMs: number;
}

export function runWorkerOptions(config: Pick<StrataConfig, 'STRATA_RUN_WORKER' | 'STRATA_RUN_CONCURRENCY' | 'STRATA_RUN_LEASE_MS' | 'STRATA_RUN_POLL_MS' | 'STRATA_RUN_APPROVAL_SWEEP_MS'>): RunWorkerOptions {
  return {
    enabled: config.STRATA_RUN_WORKER !== 'off',
    concurrency: config.STRATA_RUN_CONCURRENCY,
    leaseMs: config.STRATA_RUN_LEASE_MS,
    pollMs: config.STRATA_RUN_POLL_MS,
    approvalSweepMs: config.STRATA_RUN_APPROVAL_SWEEP_MS,
  };
}

/**
 * Executes queued runs in this process: takes one with a lease (`FOR UPDATE SKIP LOCKED`, so any
 * number of processes share the work), renews the lease while the run executes, and gives up the
 * run when the lease is lost. A run whose worker died is taken again once its lease expired and
 * continues from its last checkpoint. Suspended runs resume when their approval is decided:
 * at once through approval events in this process, and by a sweep over the approvals' durable
 * status (another process decided it, or this one restarted).
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunWorker');
  readonly id = `${hostname()}:${process.pid}:${newId()}`;
  private readonly options: RunWorkerOptions;
  private readonly active = new Map<string, { controller: AbortController; reason: 'lease_lost' | 'cancelled' | 'shutdown' | null; done: Promise<void> }>();
  private pollTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private stopped = true;
  private filling = false;
  private refill = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly repository: RuntimeRepository,
    private readonly runner: AgentRunner,
    private readonly bus: RunEventBus,
    private readonly approvals: ApprovalsService,
    private readonly approvalEvents: ApprovalEvents,
    @Inject(CONTEXT_CONFIG) config: StrataConfig,
  ) {
    this.options = runWorkerOptions(config);
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe.push(
      this.bus.onWake(() => this.wake()),
      this.bus.onCancel((runId) => this.abort(runId, 'cancelled')),
      this.approvalEvents.on(['approval.approved', 'approval.rejected', 'approval.expired', 'approval.cancelled'], (event) => this.approvalDecided(event.tenantId, event.approvalId)),
    );
    const poll = () => {
      this.wake();
      this.pollTimer = setTimeout(poll, this.options.pollMs);
      this.pollTimer.unref();
    };
    poll();
    const sweep = () => {
      void this.sweepApprovals().finally(() => {
        if (this.stopped) return;
        this.sweepTimer = setTimeout(sweep, this.options.approvalSweepMs);
        this.sweepTimer.unref();
      });
    };
    this.sweepTimer = setTimeout(sweep, this.options.approvalSweepMs);
    this.sweepTimer.unref();
    this.logger.log({ worker: this.id, concurrency: this.options.concurrency, leaseMs: this.options.leaseMs }, 'run worker started');
  }

  /** Stops taking runs, aborts running segments (their leases are released for another worker) and waits for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.sweepTimer);
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    for (const runId of this.active.keys()) this.abort(runId, 'shutdown');
    const all = Promise.allSettled([...this.active.values()].map((entry) => entry.done));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
  }

  /** Runs executing in this worker now. */
  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Takes runs until the concurrency is used or none is waiting. */
  wake(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    void this.fill()
      .catch((error: unknown) => this.logger.error({ err: error }, 'taking runs failed'))
      .finally(() => {
        this.filling = false;
        if (this.refill) {
          this.refill = false;
          this.wake();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.active.size < this.options.concurrency) {
      // A token per claim, not per worker: if this worker's own lease ever lapsed (a stalled event
      // loop) and it took the run again, the older segment's checkpoints are refused.
      const owner = `${this.id}#${newId()}`;
      const claimed = await this.repository.claim(owner, this.options.leaseMs);
      if (!claimed) return;
      this.abort(claimed.id, 'lease_lost');
      this.launch(claimed, owner);
    }
  }

  private launch(claimed: ClaimedRun, owner: string): void {
    const controller = new AbortController();
    const entry = { controller, reason: null as 'lease_lost' | 'cancelled' | 'shutdown' | null, done: Promise.resolve() };
    const lease: RunLease = { runId: claimed.id, owner, signal: controller.signal, abortReason: () => entry.reason };
    const heartbeat = setInterval(() => {
      void this.repository
        .renewLease(claimed.id, owner, this.options.leaseMs)
        .then((held) => {
          if (!held) this.abort(claimed.id, 'lease_lost');
        })
        .catch((error: unknown) => this.logger.warn({ err: error, runId: claimed.id }, 'lease renewal failed'));
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    this.active.set(claimed.id, entry);
    entry.done = this.runner
      .execute(claimed, lease)
      .catch((error: unknown) => this.logger.error({ err: error, runId: claimed.id }, 'run segment crashed'))
      .finally(async () => {
        clearInterval(heartbeat);
        if (entry.reason === 'shutdown') await this.repository.releaseLease(claimed.id, owner).catch(() => undefined);
        if (this.active.get(claimed.id) === entry) this.active.delete(claimed.id);
        // A finished run may unblock the next run of its session, and a slot is free.
        this.wake();
      });
  }

  private abort(runId: string, reason: 'lease_lost' | 'cancelled' | 'shutdown'): void {
    const entry = this.active.get(runId);
    if (!entry || entry.reason) return;
    entry.reason = reason;
    entry.controller.abort(new Error(`run ${reason}`));
  }

  private async approvalDecided(tenantId: string, approvalId: string): Promise<void> {
    const resumed = await this.repository.requeueWaitingOn(tenantId, approvalId);
    if (resumed.length > 0) this.wake();
  }

  /** Resumes suspended runs whose approval was decided, expired or cancelled elsewhere or while this process was down. */
  async sweepApprovals(): Promise<number> {
    let resumed = 0;
    try {
      const waiting = await this.repository.waitingRuns(SWEEP_BATCH);
      for (const run of waiting) {
        const approvalId = run.waitingApprovalId as string;
        const context = {
          requestId: newId(),
          tenantId: run.tenantId,
          actor: { type: 'agent' as const, id: run.agentId, roles: run.onBehalfOfRoles },
          onBehalfOf: { type: run.onBehalfOfType as 'user', id: run.onBehalfOfId, roles: run.onBehalfOfRoles },
          purpose: run.purpose,
        };
        const [status] = await RequestContextStore.run(context, () => this.approvals.statuses([approvalId]));
        if (status?.status === 'pending') continue;
        resumed += (await this.repository.requeueWaitingOn(run.tenantId, approvalId)).length;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'approval sweep failed');
    }
    if (resumed > 0) this.wake();
    return resumed;
  }
}
