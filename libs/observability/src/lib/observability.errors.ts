import { DomainError, type DomainErrorOptions, type ErrorKind } from '@strata/kernel';

/** Base of this layer's errors; every code starts with `observability.` and never changes once released. */
export class ObservabilityError extends DomainError {
  constructor(code: `observability.${string}`, kind: ErrorKind, message: string, options?: DomainErrorOptions) {
    super(code, kind, message, options);
  }
}
