import { DomainError, type DomainErrorOptions, type ErrorKind } from '@strata/kernel';

/** Base of this layer's errors; every code starts with `vectors.` and never changes once released. */
export class VectorsError extends DomainError {
  constructor(code: `vectors.${string}`, kind: ErrorKind, message: string, options?: DomainErrorOptions) {
    super(code, kind, message, options);
  }
}
