import { GovernanceError } from '../governance.errors';

/** Ids of another tenant, malformed ids and missing ids all look the same: no existence leak. */
export class ApprovalNotFoundError extends GovernanceError {
  constructor(id: string) {
    super('governance.approval_not_found', 'not_found', `No approval request ${id} in this tenant. Check the id (GET /governance/approvals lists yours).`, {
      details: { id },
    });
  }
}

export class InvalidApprovalInputError extends GovernanceError {
  constructor(message: string, issues: Array<{ path: string; message: string }>) {
    super('governance.approval_invalid_input', 'invalid_argument', message, { details: { issues } });
  }
}

/** The request left `pending` (decided, cancelled, expired by the sweeper): a decision or cancel comes too late. */
export class ApprovalNotPendingError extends GovernanceError {
  constructor(id: string, status: string) {
    super(
      'governance.approval_not_pending',
      'conflict',
      `Approval request ${id} is ${status}, not pending: it can no longer be decided or cancelled. Create a new request if the action is still needed.`,
      { details: { id, status } },
    );
  }
}

/** Past `expiresAt`, whether or not the sweeper has marked it yet. */
export class ApprovalExpiredError extends GovernanceError {
  constructor(id: string, expiresAt: Date) {
    super(
      'governance.approval_expired',
      'conflict',
      `Approval request ${id} expired at ${expiresAt.toISOString()}. Create a new request if the action is still needed.`,
      { details: { id, expiresAt: expiresAt.toISOString() } },
    );
  }
}

export class ApprovalAlreadyDecidedByYouError extends GovernanceError {
  constructor(id: string, decision: string) {
    super('governance.approval_already_decided', 'conflict', `You already decided approval request ${id} (${decision}); a decision cannot be changed.`, {
      details: { id, decision },
    });
  }
}

/** Four-eyes rule: whoever asked (or the principal they acted for) never approves their own request. */
export class ApprovalSelfDecisionError extends GovernanceError {
  constructor(id: string) {
    super(
      'governance.approval_self_decision',
      'permission_denied',
      `You requested approval ${id} (directly or through an agent acting for you): another approver must decide it.`,
      { details: { id } },
    );
  }
}

export class ApprovalNotEligibleError extends GovernanceError {
  constructor(id: string, approverRoles: readonly string[], approverUserIds: readonly string[]) {
    super(
      'governance.approval_not_eligible',
      'permission_denied',
      `You are not an approver of request ${id}: it needs a holder of ${approverRoles.length ? `one of the roles ${approverRoles.join(', ')}` : 'no role'}${
        approverUserIds.length ? ` or one of ${approverUserIds.length} named users` : ''
      }. Agents never decide approvals.`,
      { details: { id, approverRoles, approverUserCount: approverUserIds.length } },
    );
  }
}

export class ApprovalNotApprovedError extends GovernanceError {
  constructor(id: string, status: string) {
    super('governance.approval_not_approved', 'failed_precondition', `Approval request ${id} is ${status}: only an approved request can be executed. Wait for its decision.`, {
      details: { id, status },
    });
  }
}

export class ApprovalAlreadyExecutedError extends GovernanceError {
  constructor(id: string, executedAt: Date | null) {
    super('governance.approval_already_executed', 'conflict', `Approval request ${id} was already executed; an approval is used once. Request a new approval to run it again.`, {
      details: { id, executedAt: executedAt?.toISOString() ?? null },
    });
  }
}

/**
 * The action about to run is not the one that was approved (other arguments, action or subject).
 * 403, not 409: retrying cannot succeed and it is a refusal of what the caller asked, recorded as
 * `denied` in the audit log. The approval stays usable for the exact approved action.
 */
export class ApprovalArgumentsMismatchError extends GovernanceError {
  constructor(id: string, approvedHash: string, presentedHash: string) {
    super(
      'governance.approval_arguments_mismatch',
      'permission_denied',
      `The action presented for approval request ${id} differs from the approved one (arguments hash ${presentedHash} ≠ approved ${approvedHash}). Execute exactly what was approved, or request a new approval.`,
      { details: { id, approvedHash, presentedHash } },
    );
  }
}

/** Only the principal that asked for an approval redeems it (not another agent, not an approver). */
export class ApprovalNotRequesterError extends GovernanceError {
  constructor(id: string) {
    super('governance.approval_not_requester', 'permission_denied', `Only the principal that requested approval ${id} may execute the approved action.`, {
      details: { id },
    });
  }
}
