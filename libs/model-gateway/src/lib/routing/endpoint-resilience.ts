import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { ProviderError } from '../providers/provider-error';

export interface ResilienceOptions {
  retries: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
}

/** The endpoint's circuit is open: it was not called. */
export class CircuitOpenError extends Error {
  constructor(readonly endpoint: string) {
    super('circuit open');
    this.name = 'CircuitOpenError';
  }
}

/** Failures that say something about the endpoint's health (not about this request). */
function isEndpointFailure(error: unknown): boolean {
  return error instanceof ProviderError && (error.failure === 'server' || error.failure === 'timeout' || error.failure === 'network' || error.failure === 'rate_limited');
}

/** Endpoints whose breaker this process keeps (least recently created dropped first). */
const MAX_BREAKERS = 50_000;

/**
 * Retries, per-attempt timeouts and a circuit breaker per provider endpoint, with cockatiel:
 * retry(breaker(timeout(call))). Each attempt is bounded by the timeout; each failure that says the
 * endpoint is unwell (429, 5xx, timeout, network) counts towards its breaker, which opens after
 * `breakerThreshold` consecutive ones, skips the endpoint for `breakerHalfOpenMs`, then lets one
 * probe through (half-open) that closes or re-opens it. Retries back off exponentially with jitter,
 * or wait what Retry-After asked when it did, up to `backoffMaxMs`; a longer Retry-After is not
 * waited for: the caller falls back to its next endpoint at once.
 */
export class EndpointResilience {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(private readonly options: ResilienceOptions) {}

  /** Whether the endpoint's circuit is open right now (it may still admit a half-open probe once its time is up). */
  isOpen(endpoint: string): boolean {
    const state = this.breakers.get(endpoint)?.state;
    return state === CircuitState.Open || state === CircuitState.Isolated;
  }

  circuitState(endpoint: string): 'closed' | 'open' | 'half-open' {
    const state = this.breakers.get(endpoint)?.state;
    return state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed';
  }

  /**
   * Calls `fn` against `endpoint` with retries, the breaker and a `timeoutMs` limit per attempt.
   * `fn` gets a signal that aborts on timeout or when `signal` (the caller's) aborts. With
   * `keepOpenAfterReturn` (streams) the attempt's signal stays linked to the caller's after `fn`
   * returned, so the rest of the stream can still be cancelled. Throws the last ProviderError,
   * CircuitOpenError when the endpoint was skipped, or the caller's abort reason.
   * `onRetry` is told about each retry (attempt number from 1, the delay).
   */
  async run<T>(
    endpoint: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
    hooks: { keepOpenAfterReturn?: boolean; onRetry?: (attempt: number, delayMs: number, error: ProviderError) => void } = {},
  ): Promise<T> {
    const breaker = this.breakerFor(endpoint);
    const cap = this.options.backoffMaxMs;
    const retryPolicy = retry(
      handleWhen(
        (error) =>
          error instanceof ProviderError && error.retryable && !signal?.aborted && (error.retryAfterMs === undefined || error.retryAfterMs <= cap),
      ),
      { maxAttempts: this.options.retries, backoff: new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: this.options.backoffInitialMs, maxDelay: cap }), cap) },
    );
    const listener = hooks.onRetry ? retryPolicy.onRetry((event) => 'error' in event && hooks.onRetry?.(event.attempt, event.delay, event.error as ProviderError)) : undefined;
    const attemptTimeout = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: !hooks.keepOpenAfterReturn });
    let timedOut = false;
    const timeoutListener = attemptTimeout.onTimeout(() => (timedOut = true));
    try {
      return await retryPolicy.execute(() =>
        breaker.execute(async () => {
          timedOut = false;
          try {
            return await attemptTimeout.execute(({ signal: attemptSignal }) => fn(signal ? AbortSignal.any([attemptSignal, signal]) : attemptSignal), signal);
          } catch (error) {
            throw classify(error, signal, timedOut, timeoutMs);
          }
        }),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new CircuitOpenError(endpoint);
      throw error;
    } finally {
      listener?.dispose();
      timeoutListener.dispose();
    }
  }

  /**
   * Counts a failure that happened after `run` returned (a stream that broke midway), so streams
   * that keep failing after their first event still open the breaker.
   */
  recordLateFailure(endpoint: string, error: ProviderError): void {
    if (!isEndpointFailure(error)) return;
    this.breakerFor(endpoint)
      .execute(() => Promise.reject(error))
      .catch(() => undefined);
  }

  private breakerFor(endpoint: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isEndpointFailure), {
        halfOpenAfter: this.options.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold),
      });
      this.breakers.set(endpoint, breaker);
      if (this.breakers.size > MAX_BREAKERS) this.breakers.delete(this.breakers.keys().next().value as string);
    }
    return breaker;
  }
}

/** A timeout of the attempt becomes a ProviderError('timeout'); the caller's own abort stays what it is. */
function classify(error: unknown, signal: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): unknown {
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new DOMException('the caller aborted the request', 'AbortError');
  // Whatever the adapter threw when its signal was aborted by the time limit, it was a timeout.
  if (timedOut || error instanceof TaskCancelledError) return new ProviderError('timeout', `no answer within ${timeoutMs} ms`);
  if (error instanceof ProviderError) return error;
  // An adapter bug or an unclassified SDK error: treated as a server failure so fallback applies. Its
  // message is not kept (an SDK error may quote request options).
  return new ProviderError('server', `the provider adapter failed (${(error as Error)?.name ?? 'unknown error'})`, { cause: error });
}

/**
 * Exponential backoff with jitter, except after a failure that said how long to wait (Retry-After,
 * or the provider's own hint): then exactly that, capped.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly exponential: IBackoffFactory<unknown>,
    private readonly capMs: number,
    private readonly step?: IBackoff<unknown>,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.step ? this.step.next(context) : this.exponential.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const hinted = error instanceof ProviderError ? error.retryAfterMs : undefined;
    const duration = hinted === undefined ? step.duration : Math.min(Math.max(hinted, 0), this.capMs);
    const following = new RetryAfterBackoff(this.exponential, this.capMs, step);
    return { duration, next: (next) => following.next(next) };
  }
}
