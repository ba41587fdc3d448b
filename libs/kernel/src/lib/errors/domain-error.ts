/**
 * The kinds of failure the platform distinguishes. The API maps a kind to an HTTP status in one place
 * (the exception filter); domain code never thinks in HTTP.
 */
export type ErrorKind =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'failed_precondition'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'resource_exhausted'
  | 'unavailable'
  /** An upstream the platform called (a model provider) failed, after whatever fallback applied. */
  | 'bad_gateway'
  | 'internal';

export interface DomainErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Base of every expected failure. `code` is stable and namespaced by the library that owns it
 * (`db.migration_failed`, `governance.approval_expired`): clients and the runtime branch on it, so a
 * code is never renamed once released. `message` is for humans and says what to do next.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, kind: ErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.details = options.details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
