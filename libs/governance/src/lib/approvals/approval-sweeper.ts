import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, newId, RequestContextStore, withSpan, type Clock } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import { AuditLog } from '../audit/audit-log.service';
import { approvalEvent, ApprovalEvents, type ApprovalEvent } from './approval-events';
import { APPROVAL_OPTIONS, DEFAULT_APPROVAL_OPTIONS, type ApprovalOptions } from './approval-options';
import { ApprovalsRepository, type DueApproval } from './approvals.repository';

export interface SweepResult {
  expired: number;
  escalated: number;
}

const SWEEPER_ACTOR = { type: 'system', id: 'approval-sweeper', roles: [] } as const;
const SUBJECT = 'ApprovalRequest';
const SWEEP_TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * Marks pending requests past their expiry as `expired` and escalates those whose escalation time
 * has come (their approver roles gain `escalateToRole`), every `sweepIntervalMs`, across tenants.
 * Each batch is one transaction over rows taken with FOR UPDATE SKIP LOCKED, so several API
 * processes sweep side by side without doing a row twice; each change is audited in it and its
 * event published after it commits. Deciding never waits for a sweep: decisions check the expiry
 * themselves.
 */
@Injectable()
export class ApprovalSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ApprovalSweeper');
  private readonly options: Required<ApprovalOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: ApprovalsRepository,
    private readonly audit: AuditLog,
    private readonly events: ApprovalEvents,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(APPROVAL_OPTIONS) options?: ApprovalOptions,
  ) {
    this.options = { ...DEFAULT_APPROVAL_OPTIONS, ...options };
  }

  onApplicationBootstrap(): void {
    if (this.options.sweepIntervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.options.sweepIntervalMs);
    // The sweep must never keep a process alive that is otherwise done.
    this.timer.unref();
  }

  /** Stops the timer and lets a sweep in progress finish before the database closes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Expires, then escalates, everything due at `now`, batch after batch. */
  async sweep(now: Date = this.clock.now()): Promise<SweepResult> {
    return withSpan('approval.sweep', {}, async () => {
      const result: SweepResult = { expired: 0, escalated: 0 };
      for (const kind of ['expire', 'escalate'] as const) {
        // A full batch means there may be more; a short one means this kind is done.
        for (;;) {
          const done = await this.batch(now, kind);
          result[kind === 'expire' ? 'expired' : 'escalated'] += done;
          if (done < this.options.sweepBatchSize) break;
        }
      }
      return result;
    });
  }

  private tick(): void {
    if (this.running) return; // a slow sweep is not overlapped by the next one
    this.running = this.sweep()
      .then((result) => {
        if (result.expired || result.escalated) this.logger.log(result, 'approvals swept');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'approval sweep failed; the next one retries'))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async batch(now: Date, kind: 'expire' | 'escalate'): Promise<number> {
    const events: ApprovalEvent[] = [];
    const count = await this.prisma.$transaction(async (tx) => {
      const due =
        kind === 'expire'
          ? await this.repository.lockDueForExpiry(now, this.options.sweepBatchSize, tx)
          : await this.repository.lockDueForEscalation(now, this.options.sweepBatchSize, tx);
      // One tenant's audit chain after another, in the same order in every process: two sweepers
      // never wait on each other's chain locks in a cycle.
      const ordered = [...due].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
      for (const item of ordered) {
        const event = await RequestContextStore.run({ requestId: newId(), tenantId: item.tenantId, actor: SWEEPER_ACTOR }, () =>
          kind === 'expire' ? this.expire(item, now, tx) : this.escalate(item, now, tx),
        );
        events.push(event);
      }
      return due.length;
    }, SWEEP_TRANSACTION);
    this.events.publish(events);
    return count;
  }

  private async expire(item: DueApproval, now: Date, tx: Prisma.TransactionClient): Promise<ApprovalEvent> {
    const row = await this.repository.update(item.id, { status: 'expired' }, tx);
    await this.audit.append(
      {
        action: 'approval.expire',
        outcome: 'success',
        target: { type: SUBJECT, id: item.id },
        approvalId: item.id,
        reason: 'no decision before the request expired',
        details: { expiresAt: row.expiresAt.toISOString() },
      },
      tx,
    );
    return approvalEvent('approval.expired', row, now);
  }

  private async escalate(item: DueApproval, now: Date, tx: Prisma.TransactionClient): Promise<ApprovalEvent> {
    const current = await this.repository.find(item.id, tx);
    if (!current) throw new Error(`approval ${item.id} vanished while locked`);
    const role = current.escalateToRole;
    const approverRoles = role && !current.approverRoles.includes(role) ? [...current.approverRoles, role] : current.approverRoles;
    const row = await this.repository.update(item.id, { approverRoles, escalatedAt: now }, tx);
    await this.audit.append(
      {
        action: 'approval.escalate',
        outcome: 'success',
        target: { type: SUBJECT, id: item.id },
        approvalId: item.id,
        reason: 'no decision before the escalation time',
        details: { toRole: role, approverRoles },
      },
      tx,
    );
    return approvalEvent('approval.escalated', row, now);
  }
}
