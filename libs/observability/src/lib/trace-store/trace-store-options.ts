import type { StrataConfig } from '@strata/kernel';
import { InvalidTraceStoreOptionsError } from './trace-store.errors';

/** What the PostgreSQL span exporter and its retention need; the API builds it with {@link traceStoreOptionsFromConfig}. */
export interface TraceStoreOptions {
  /** Spans waiting in memory; past it, spans are dropped and counted (never blocks a request). */
  maxQueueSize: number;
  /** Spans written by one INSERT. */
  maxBatchSize: number;
  /** A partial batch is written after at most this long. */
  flushIntervalMs: number;
  /** Spans that started longer ago than this many days are deleted (STRATA_TRACE_RETENTION_DAYS). */
  retentionDays: number;
  /** How often the retention job runs; 0 disables the timer (`TraceRetention.purge` still works). */
  retentionIntervalMs: number;
  /** Rows deleted per DELETE statement by the retention job. */
  retentionBatchSize: number;
}

/** Injection token of {@link TraceStoreOptions}. */
export const TRACE_STORE_OPTIONS = Symbol.for('strata.observability.TraceStoreOptions');

export const TRACE_STORE_DEFAULTS = {
  maxQueueSize: 20_000,
  maxBatchSize: 500,
  flushIntervalMs: 1_000,
  retentionDays: 14,
  retentionIntervalMs: 600_000,
  retentionBatchSize: 5_000,
} as const satisfies TraceStoreOptions;

/**
 * Hard ceilings. A batch travels as one JSON parameter (no 65,535-parameter limit), so the batch
 * ceiling bounds the size of one statement (spans carry up to {@link SPAN_ROW_LIMITS} of attributes).
 */
export const TRACE_STORE_LIMITS = {
  maxQueueSize: 1_000_000,
  maxBatchSize: 5_000,
  minFlushIntervalMs: 10,
  maxFlushIntervalMs: 600_000,
  maxRetentionDays: 3_650,
  maxRetentionBatchSize: 50_000,
  /** DELETE statements per retention run; the next run takes the rest. */
  maxRetentionBatchesPerRun: 200,
} as const;

export function traceStoreOptionsFromConfig(config: StrataConfig, overrides: Partial<TraceStoreOptions> = {}): TraceStoreOptions {
  return validateTraceStoreOptions({ ...TRACE_STORE_DEFAULTS, retentionDays: config.STRATA_TRACE_RETENTION_DAYS, ...overrides });
}

/** Throws `observability.trace_store_invalid_options` naming the first value out of range. */
export function validateTraceStoreOptions(options: TraceStoreOptions): TraceStoreOptions {
  checkInteger('maxQueueSize', options.maxQueueSize, 1, TRACE_STORE_LIMITS.maxQueueSize);
  checkInteger('maxBatchSize', options.maxBatchSize, 1, Math.min(TRACE_STORE_LIMITS.maxBatchSize, options.maxQueueSize));
  checkInteger('flushIntervalMs', options.flushIntervalMs, TRACE_STORE_LIMITS.minFlushIntervalMs, TRACE_STORE_LIMITS.maxFlushIntervalMs);
  checkInteger('retentionDays', options.retentionDays, 1, TRACE_STORE_LIMITS.maxRetentionDays);
  checkInteger('retentionIntervalMs', options.retentionIntervalMs, 0, 86_400_000);
  checkInteger('retentionBatchSize', options.retentionBatchSize, 1, TRACE_STORE_LIMITS.maxRetentionBatchSize);
  return options;
}

export function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidTraceStoreOptionsError(name, value, min, max);
}
