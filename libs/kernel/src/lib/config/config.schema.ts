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
});

export type StrataConfig = z.infer<typeof configSchema>;

/** Variables whose values are never echoed in error messages or logs. */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set(['DATABASE_URL']);
