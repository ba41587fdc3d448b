import { Injectable, Logger } from '@nestjs/common';
import type { ApprovalRequestModel as ApprovalRequest } from '@strata/db';
import type { ApprovalStatus } from './approval-input';

export const APPROVAL_EVENT_TYPES = [
  'approval.requested',
  'approval.approved',
  'approval.rejected',
  'approval.expired',
  'approval.escalated',
  'approval.cancelled',
  'approval.executed',
] as const;
export type ApprovalEventType = (typeof APPROVAL_EVENT_TYPES)[number];

/** What happened to one request; `status` is the request's status once the change committed. */
export interface ApprovalEvent {
  type: ApprovalEventType;
  tenantId: string;
  approvalId: string;
  status: ApprovalStatus;
  action: string;
  subjectType: string;
  subjectId: string | null;
  occurredAt: Date;
}

export type DecidedEvent = ApprovalEvent & { type: 'approval.approved' | 'approval.rejected' };
export type ApprovalListener<E extends ApprovalEvent = ApprovalEvent> = (event: E) => void | Promise<void>;
export type Unsubscribe = () => void;

/**
 * The in-process port other layers subscribe to (the runtime suspends and resumes runs on it).
 * Events are published only after the change committed, so a listener never sees a change that
 * rolled back. Delivery is at most once and only in this process: a listener that must not miss
 * a change (another process, a restart) reads the request's status, which is the durable record
 * (`ApprovalsService.statuses(ids)`); the audit log holds every change in commit order.
 * A failing listener is logged and never affects the others or the caller.
 */
@Injectable()
export class ApprovalEvents {
  private readonly logger = new Logger('ApprovalEvents');
  private readonly listeners = new Set<{ types: ReadonlySet<ApprovalEventType>; listener: ApprovalListener }>();

  /** Listens to the given event types. */
  on<T extends ApprovalEventType>(types: T | readonly T[], listener: ApprovalListener<ApprovalEvent & { type: T }>): Unsubscribe {
    const entry = { types: new Set<ApprovalEventType>(Array.isArray(types) ? types : [types]), listener: listener as ApprovalListener };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Listens to every event type. */
  onAny(listener: ApprovalListener): Unsubscribe {
    return this.on(APPROVAL_EVENT_TYPES, listener);
  }

  /** Approved or rejected: the moment a suspended run can resume or stop. */
  onDecided(listener: ApprovalListener<DecidedEvent>): Unsubscribe {
    return this.on(['approval.approved', 'approval.rejected'], listener as ApprovalListener);
  }

  onRequested(listener: ApprovalListener): Unsubscribe {
    return this.on('approval.requested', listener);
  }

  onExpired(listener: ApprovalListener): Unsubscribe {
    return this.on('approval.expired', listener);
  }

  onEscalated(listener: ApprovalListener): Unsubscribe {
    return this.on('approval.escalated', listener);
  }

  onCancelled(listener: ApprovalListener): Unsubscribe {
    return this.on('approval.cancelled', listener);
  }

  onExecuted(listener: ApprovalListener): Unsubscribe {
    return this.on('approval.executed', listener);
  }

  /** For the approvals service and sweeper only, after their transaction committed. */
  publish(events: readonly ApprovalEvent[]): void {
    for (const event of events) {
      for (const { types, listener } of this.listeners) {
        if (!types.has(event.type)) continue;
        try {
          const result = listener(Object.freeze({ ...event }));
          if (result instanceof Promise) result.catch((error: unknown) => this.report(event, error));
        } catch (error) {
          this.report(event, error);
        }
      }
    }
  }

  private report(event: ApprovalEvent, error: unknown): void {
    this.logger.error({ err: error, event: event.type, approvalId: event.approvalId }, 'approval event listener failed');
  }
}

/** The event of a change to `row`, committed at `occurredAt`. */
export function approvalEvent(type: ApprovalEventType, row: ApprovalRequest, occurredAt: Date): ApprovalEvent {
  return {
    type,
    tenantId: row.tenantId,
    approvalId: row.id,
    status: row.status as ApprovalStatus,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    occurredAt,
  };
}
