import type { StrataConfig } from '@strata/kernel';

/** What the audit log needs from configuration; the API builds it with {@link auditOptionsFromConfig}. */
export interface AuditOptions {
  /** Ed25519 private key, PKCS#8 PEM or the base64 of it (STRATA_AUDIT_SIGNING_KEY). Unset: a key file in `dataDir`. */
  signingKey?: string;
  /** Where the generated key file `audit-signing-key.pem` lives when `signingKey` is unset (STRATA_DATA_DIR). */
  dataDir: string;
  /** Public keys (SPKI PEM) of earlier signing keys, so checkpoints signed before a rotation still verify. */
  verificationKeys?: string[];
  /** A checkpoint is written once a tenant has this many entries past its last checkpoint… */
  checkpointEvery: number;
  /** …and every this many milliseconds for each tenant with unsigned entries. 0 disables the timer. */
  checkpointIntervalMs: number;
  /** Entries written in one group-commit transaction (default 500). */
  maxBatchSize?: number;
  /** Entries waiting in memory, all tenants together, before appends are refused with 429 (default 20,000). */
  maxQueuedEntries?: number;
  /** Group-commit transactions in flight at once, all tenants together (default 4; keep below the pool size). */
  maxConcurrentBatches?: number;
}

/** Injection token of {@link AuditOptions}. */
export const AUDIT_OPTIONS = Symbol.for('strata.governance.AuditOptions');

export const AUDIT_DEFAULTS = {
  maxBatchSize: 500,
  maxQueuedEntries: 20_000,
  maxConcurrentBatches: 4,
} as const;

/** Hard ceilings: a batch is one INSERT (21 parameters a row, PostgreSQL allows 65,535). */
export const AUDIT_LIMITS = {
  maxBatchSize: 2_000,
  maxConcurrentBatches: 64,
} as const;

export function auditOptionsFromConfig(config: StrataConfig): AuditOptions {
  return {
    signingKey: config.STRATA_AUDIT_SIGNING_KEY,
    dataDir: config.STRATA_DATA_DIR,
    checkpointEvery: config.STRATA_AUDIT_CHECKPOINT_EVERY,
    checkpointIntervalMs: config.STRATA_AUDIT_CHECKPOINT_INTERVAL_MS,
  };
}
