/**
 * A provider call that failed, classified so the router can decide: fall back (`rate_limited`,
 * `server`, `timeout`, `network`, `context_overflow`) or give up at once (`invalid_request`, `auth`,
 * `content_filter`). Messages never contain credentials or request content.
 */
export type ProviderFailure =
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'context_overflow'
  | 'invalid_request'
  | 'auth'
  | 'content_filter';

export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  /** The provider's HTTP status, when there was one. */
  readonly status: number | undefined;
  /** From Retry-After (seconds or HTTP date) or the provider's own hint, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(failure: ProviderFailure, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.failure = failure;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether another attempt (the same endpoint later, or the next in the chain) may succeed. */
  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'server' || this.failure === 'timeout' || this.failure === 'network';
  }

  /** Whether the next endpoint in a fallback chain should be tried. */
  get fallsBack(): boolean {
    return this.retryable || this.failure === 'context_overflow';
  }
}
