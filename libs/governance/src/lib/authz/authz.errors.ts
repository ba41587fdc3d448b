import { GovernanceError } from '../governance.errors';

export class PermissionDeniedError extends GovernanceError {
  constructor(action: string, subjectType: string, reason: string) {
    super('governance.permission_denied', 'permission_denied', `Not allowed to ${action} ${subjectType}: ${reason}`, {
      details: { action, subject: subjectType },
    });
  }
}

export class InvalidPolicyError extends GovernanceError {
  constructor(message: string, issues: Array<{ path: string; message: string }>) {
    super('governance.invalid_policy', 'invalid_argument', message, { details: { issues } });
  }
}
