import { DomainError, type DomainErrorOptions, type ErrorKind } from '@strata/kernel';

/** Base of this layer's errors; every code starts with `model-gateway.` and never changes once released. */
export class ModelGatewayError extends DomainError {
  constructor(code: `model-gateway.${string}`, kind: ErrorKind, message: string, options?: DomainErrorOptions) {
    super(code, kind, message, options);
  }
}
