import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb')
  .transform((value) => value.toLowerCase());

/**
 * The one schema of the platform's environment variables, validated at boot. Layers add their own
 * variables here (not in ad-hoc `process.env` reads) so that a bad value fails the start, naming
 * the variable, instead of failing the first request that needs it.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** A PostgreSQL server (15+, with pgvector). Unset: the embedded PGlite database in STRATA_DATA_DIR. */
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Where the embedded database (and other local state) lives. */
  STRATA_DATA_DIR: z.string().min(1).default('.strata'),
  /** Loopback port on which the embedded database accepts PostgreSQL connections; 0 picks a free one. */
  STRATA_EMBEDDED_DB_PORT: port.default(0),
  STRATA_MIGRATE_ON_START: z.stringbool().default(true),

  /** Largest accepted request body. */
  STRATA_BODY_LIMIT: byteSize.default('1mb'),
  /** How long a graceful shutdown waits for in-flight requests before closing connections. */
  STRATA_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** The built admin app served at `/`; empty disables it. */
  STRATA_ADMIN_DIST: z.string().default('dist/apps/admin'),

  /**
   * First start: create a bootstrap tenant and an owner API key (printed once) when the database
   * has no tenant. auto: only on the embedded database; always; never.
   */
  STRATA_BOOTSTRAP: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Ed25519 private key (PKCS#8 PEM, or its base64) that signs audit checkpoints. Unset: a key kept in STRATA_DATA_DIR. */
  STRATA_AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** A signed checkpoint is written after this many new entries of a tenant… */
  STRATA_AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …or after this long, whichever comes first. */
  STRATA_AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** How often approvals are checked for expiry and escalation. */
  STRATA_APPROVAL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
});

export type StrataConfig = z.infer<typeof configSchema>;

/** Variables whose values are never echoed in error messages or logs. */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set(['DATABASE_URL', 'STRATA_AUDIT_SIGNING_KEY']);
