import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb')
  .transform((value) => value.toLowerCase());

/** http(s) only: the OTLP exporters speak OTLP/HTTP (no gRPC transport is configured). */
const otlpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
/** OTEL_EXPORTER_OTLP_HEADERS as the OpenTelemetry spec defines it: comma-separated key=value, keys are HTTP tokens. */
const otlpHeaderList = /^\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^,]*(,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^,]*)*$/;

/** STRATA_MODEL_KEYS: `keyId:base64`, comma-separated (the 32-byte length is checked where the keys load). */
const modelKeyList = /^\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]+={0,2}\s*(,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]+={0,2}\s*)*$/;

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

  /**
   * API processes (node:cluster workers sharing the port) started by `main.js`; 1 = this process
   * serves. More than 1 only with a PostgreSQL server (DATABASE_URL): the embedded database lives
   * inside one process. Each worker is a full API process (own pools, caches, leases, background
   * workers), like a node of a multi-node deployment.
   */
  STRATA_API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),

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
  /** Stored spans (built-in PostgreSQL trace store) are deleted once they started this many days ago. */
  STRATA_TRACE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),

  /** OpenTelemetry tracing and metrics (observability layer). off: no SDK, no /metrics, spans cost nothing. */
  STRATA_TELEMETRY: z.enum(['on', 'off']).default('on'),
  /** `service.name` of every span and metric. */
  OTEL_SERVICE_NAME: z.string().min(1).max(255).default('strata'),
  /** `deployment.environment.name`; unset: NODE_ENV. */
  STRATA_DEPLOYMENT_ENVIRONMENT: z.string().min(1).max(255).optional(),
  /** OTLP/HTTP base URL (Collector, Jaeger, …): traces go to `<url>/v1/traces`, metrics to `<url>/v1/metrics`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  /** Full OTLP/HTTP traces URL, used as is (e.g. Langfuse's `…/api/public/otel/v1/traces`); wins over the base URL. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  /** Full OTLP/HTTP metrics URL, used as is; wins over the base URL. */
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: otlpUrl.optional(),
  /** Headers sent with every OTLP request: `key=value,key2=value2`, values percent-encoded (W3C baggage format). */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(otlpHeaderList, 'must be key=value pairs separated by commas (percent-encode commas in values)')
    .optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** How often metrics are pushed over OTLP (ms); /metrics is always current. */
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** Bearer token that GET /metrics requires; unset: /metrics is open (restrict it at the network instead). */
  STRATA_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

  /**
   * Key-encryption keys of model provider credentials: `keyId:base64(32 bytes)`, comma-separated; the
   * first encrypts, all decrypt (rotation). Unset: a key kept in STRATA_DATA_DIR/model-keys (mode 0600).
   */
  STRATA_MODEL_KEYS: z
    .string()
    .regex(modelKeyList, 'must be keyId:base64 pairs separated by commas (keyId: letters, digits, - or _; 32-byte keys)')
    .optional(),
  /** Retries of one provider endpoint on 429, 5xx, timeouts and network errors, before falling back to the next. */
  STRATA_MODEL_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** First retry delay; doubles per retry (with jitter). */
  STRATA_MODEL_BACKOFF_INITIAL_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  /** Longest wait before a retry, Retry-After included: a longer Retry-After falls back at once instead. */
  STRATA_MODEL_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(120_000).default(4_000),
  /** Per attempt (streaming: until the first event), for providers without their own timeout. */
  STRATA_MODEL_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Consecutive failures (429, 5xx, timeouts, network) after which a provider endpoint's circuit opens. */
  STRATA_MODEL_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open circuit skips its endpoint before one probe call (half-open) may close it. */
  STRATA_MODEL_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** How long a tenant's catalog, aliases and settings are cached for routing (changes on this node apply at once). */
  STRATA_MODEL_CATALOG_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),

  /** Largest media upload in bytes (default 50 MiB); a larger one is refused with 413 and nothing is kept. */
  STRATA_MEDIA_MAX_BYTES: z.coerce.number().int().min(1).max(5 * 1024 ** 3).default(50 * 1024 ** 2),
  /** Media blobs in this S3 bucket (credentials from the AWS default chain); unset: local disk in STRATA_DATA_DIR/media. */
  STRATA_MEDIA_S3_BUCKET: z.string().min(3).max(63).optional(),
  /** An S3-compatible endpoint (MinIO, Ceph, R2, …); unset: AWS S3 of the region. */
  STRATA_MEDIA_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** Region of the bucket; unset: AWS_REGION (or AWS_DEFAULT_REGION), else us-east-1. */
  STRATA_MEDIA_S3_REGION: z.string().min(1).max(64).optional(),
  /** Path-style addressing (`<endpoint>/<bucket>/<key>`), which most S3-compatible servers need. */
  STRATA_MEDIA_S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** Prefix of every media key in the bucket (e.g. `strata/media/`). */
  STRATA_MEDIA_S3_PREFIX: z.string().max(256).default(''),

  /** How often the document ingestion worker looks for queued jobs and expired leases; 0 turns the worker off in this process. */
  STRATA_INGESTION_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** The ingestion worker's lease on a job; renewed after every embedding batch. An expired lease lets another worker take the job. */
  STRATA_INGESTION_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  /** Attempts of one ingestion job when the failure may pass (provider unavailable, rate limited), with exponential backoff. */
  STRATA_INGESTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Chunks embedded per gateway call. */
  STRATA_INGESTION_EMBED_BATCH: z.coerce.number().int().min(1).max(2048).default(64),

  /**
   * Agent run workers in this process: `on` (beside the API), `off` (other processes run them; any
   * number share the database), `only` (a worker process: runs agents, serves no HTTP).
   */
  STRATA_RUN_WORKER: z.enum(['on', 'off', 'only']).default('on'),
  /** Runs one worker process executes at once. */
  STRATA_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** A worker's lease on a run; it renews it every third of this. An expired lease lets another worker resume the run. */
  STRATA_RUN_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** How often an idle worker looks for queued runs and expired leases (new runs of this process wake it at once). */
  STRATA_RUN_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** How often suspended runs are checked against their approvals (events resume them at once in this process). */
  STRATA_RUN_APPROVAL_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
});

export type StrataConfig = z.infer<typeof configSchema>;

/** Variables whose values are never echoed in error messages or logs. */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'STRATA_AUDIT_SIGNING_KEY',
  // OTLP headers carry vendor API keys (Langfuse basic auth, Honeycomb, …); endpoints may embed tokens.
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'STRATA_METRICS_TOKEN',
  'STRATA_MODEL_KEYS',
]);
