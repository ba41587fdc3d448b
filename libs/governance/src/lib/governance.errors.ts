import { DomainError, type DomainErrorOptions, type ErrorKind } from '@strata/kernel';

/** Base of this layer's errors; every code starts with `governance.` and never changes once released. */
export class GovernanceError extends DomainError {
  constructor(code: `governance.${string}`, kind: ErrorKind, message: string, options?: DomainErrorOptions) {
    super(code, kind, message, options);
  }
}
