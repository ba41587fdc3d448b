import { GovernanceError } from '../governance.errors';

export class UnauthenticatedError extends GovernanceError {
  constructor(code: 'unauthenticated' | 'invalid_credential' | 'credential_expired' | 'credential_revoked' | 'principal_disabled', message: string) {
    super(`governance.${code}`, 'unauthenticated', message);
  }
}

export class UnknownPurposeError extends GovernanceError {
  constructor(purpose: string) {
    super(
      'governance.unknown_purpose',
      'invalid_argument',
      `"${purpose}" is not an active purpose of this tenant. List them with GET /governance/purposes.`,
      { details: { purpose } },
    );
  }
}

export class JustificationRequiredError extends GovernanceError {
  constructor(purpose: string) {
    super(
      'governance.justification_required',
      'invalid_argument',
      `The purpose "${purpose}" requires a justification: send it in the X-Strata-Justification header.`,
      { details: { purpose } },
    );
  }
}

export class InvalidHeaderError extends GovernanceError {
  constructor(header: string, problem: string) {
    super('governance.invalid_header', 'invalid_argument', `The ${header} header ${problem}.`, { details: { header } });
  }
}
