/** Tuning of the approvals sweeper; the API provides it from STRATA_APPROVAL_SWEEP_INTERVAL_MS. */
export interface ApprovalOptions {
  /** How often the sweeper expires and escalates due requests; 0 turns the timer off (tests call `sweep`). */
  sweepIntervalMs: number;
  /** Rows one sweep transaction handles; a sweep loops until nothing is due. */
  sweepBatchSize?: number;
}

export const APPROVAL_OPTIONS = Symbol.for('strata.governance.ApprovalOptions');

export const DEFAULT_APPROVAL_OPTIONS: Required<ApprovalOptions> = { sweepIntervalMs: 30_000, sweepBatchSize: 100 };
