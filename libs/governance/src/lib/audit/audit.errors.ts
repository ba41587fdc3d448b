import { GovernanceError } from '../governance.errors';

/** An audit event that cannot be recorded as given (bad action form, too long, not JSON, …). */
export class InvalidAuditEventError extends GovernanceError {
  constructor(message: string, field: string) {
    super('governance.audit_invalid_event', 'invalid_argument', `Invalid audit event: ${message}`, { details: { field } });
  }
}

/** The in-process append queue is full: the database cannot keep up with the writers. */
export class AuditOverloadedError extends GovernanceError {
  constructor(limit: number) {
    super(
      'governance.audit_overloaded',
      'resource_exhausted',
      `The audit log has ${limit} entries waiting to be written (its limit); retry shortly.`,
      { details: { limit } },
    );
  }
}

/** Appends after shutdown began are refused rather than silently lost. */
export class AuditLogClosedError extends GovernanceError {
  constructor() {
    super('governance.audit_closed', 'unavailable', 'The audit log is shutting down and accepts no new entries.');
  }
}

export class AuditEntryNotFoundError extends GovernanceError {
  constructor(id: string) {
    super('governance.audit_entry_not_found', 'not_found', `Audit entry ${id} does not exist in this tenant.`, { details: { id } });
  }
}

/** A checkpoint needs a chain head to sign. */
export class AuditChainEmptyError extends GovernanceError {
  constructor(tenantId: string) {
    super('governance.audit_chain_empty', 'failed_precondition', 'The tenant has no audit entries yet; there is no chain head to sign.', {
      details: { tenantId },
    });
  }
}

/** STRATA_AUDIT_SIGNING_KEY (or the key file) is not a usable Ed25519 private key. */
export class AuditSigningKeyError extends GovernanceError {
  constructor(message: string, cause?: unknown) {
    super('governance.audit_signing_key_invalid', 'failed_precondition', message, { cause });
  }
}
