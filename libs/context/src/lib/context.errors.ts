import { DomainError, type DomainErrorOptions, type ErrorKind } from '@strata/kernel';

/** Base of this layer's errors; every code starts with `context.` and never changes once released. */
export class ContextError extends DomainError {
  constructor(code: `context.${string}`, kind: ErrorKind, message: string, options?: DomainErrorOptions) {
    super(code, kind, message, options);
  }
}
