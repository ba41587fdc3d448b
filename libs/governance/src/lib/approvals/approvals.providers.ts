import { ApprovalEvents } from './approval-events';
import { ApprovalSweeper } from './approval-sweeper';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';

/**
 * For GovernanceModule. They also need, from the module: PrismaService, CLOCK, AuthorizationService,
 * AuditLog, and `{ provide: APPROVAL_OPTIONS, useValue: { sweepIntervalMs } }` (default 30 s).
 * Other layers use `ApprovalsService` (consumeForExecution, statuses) and `ApprovalEvents`.
 */
export const APPROVAL_PROVIDERS = [ApprovalsRepository, ApprovalsService, ApprovalEvents, ApprovalSweeper];

export const APPROVAL_CONTROLLERS = [ApprovalsController];
