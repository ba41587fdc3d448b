import { DomainError } from './domain-error';

/** A request reached tenant-scoped code without a tenant in its context. */
export class MissingRequestContextError extends DomainError {
  constructor(what: string) {
    super(
      'kernel.missing_request_context',
      'unauthenticated',
      `This operation needs ${what} in the request context, and there is none. Authenticate the request first.`,
    );
  }
}

/** Input that fails validation; `details.issues` lists each failing field. */
export class ValidationFailedError extends DomainError {
  constructor(message: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super('kernel.validation_failed', 'invalid_argument', message, { details: { issues } });
  }
}
