import type { StrataConfig } from '@strata/kernel';

/** The gateway's limits, from STRATA_MODEL_* (see the config table in the root README). */
export interface ModelGatewayOptions {
  /** Retries of one endpoint on retryable failures, before falling back. */
  retries: number;
  backoffInitialMs: number;
  /** Longest backoff, Retry-After included; a longer Retry-After falls back at once. */
  backoffMaxMs: number;
  /** Per attempt for providers without their own `timeoutMs`; streaming: until the first event. */
  attemptTimeoutMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  catalogCacheMs: number;
}

export const MODEL_GATEWAY_OPTIONS = Symbol('MODEL_GATEWAY_OPTIONS');

export function modelGatewayOptionsFromConfig(config: StrataConfig): ModelGatewayOptions {
  return {
    retries: config.STRATA_MODEL_RETRIES,
    backoffInitialMs: config.STRATA_MODEL_BACKOFF_INITIAL_MS,
    backoffMaxMs: config.STRATA_MODEL_BACKOFF_MAX_MS,
    attemptTimeoutMs: config.STRATA_MODEL_ATTEMPT_TIMEOUT_MS,
    breakerThreshold: config.STRATA_MODEL_BREAKER_THRESHOLD,
    breakerHalfOpenMs: config.STRATA_MODEL_BREAKER_HALF_OPEN_MS,
    catalogCacheMs: config.STRATA_MODEL_CATALOG_CACHE_MS,
  };
}
