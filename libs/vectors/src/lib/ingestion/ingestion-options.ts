import type { StrataConfig } from '@strata/kernel';

/** The ingestion worker's settings (STRATA_INGESTION_* in the kernel config schema). */
export interface IngestionOptions {
  /** 0: no polling in this process (jobs wait for another process, or for `drain()`). */
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  embedBatch: number;
  /** First retry delay; doubles per attempt up to `backoffMaxMs`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export function ingestionOptionsFromConfig(config: StrataConfig): IngestionOptions {
  return {
    pollMs: config.STRATA_INGESTION_POLL_MS,
    leaseMs: config.STRATA_INGESTION_LEASE_MS,
    maxAttempts: config.STRATA_INGESTION_MAX_ATTEMPTS,
    embedBatch: config.STRATA_INGESTION_EMBED_BATCH,
    backoffInitialMs: 2_000,
    backoffMaxMs: 300_000,
  };
}

/**
 * Delay before retry `attempt` (1-based): exponential with ±20% jitter. Hand-written on purpose:
 * it schedules a row of the job table (`run_after`), which no in-process retry library models.
 */
export function retryDelayMs(attempt: number, options: Pick<IngestionOptions, 'backoffInitialMs' | 'backoffMaxMs'>, random: () => number = Math.random): number {
  const base = Math.min(options.backoffMaxMs, options.backoffInitialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
