import pg from 'pg';
import { DatabaseUnavailableError } from './db.errors';
import { pgliteMigrationFactory, serverMigrationFactory } from './connection/adapter-factories';
import { redactDatabaseUrl, type DatabaseMode, type DatabaseTargetOptions } from './connection/database-target';
import { EmbeddedDatabase } from './embedded/embedded-database';
import { Migrator, type MigrationStatus } from './migrations/migrator';

/** An open database: where it is, and how to close it. Shared by the API, the CLI and tests. */
export interface DatabaseRuntime {
  mode: DatabaseMode;
  /** The URL the application connects to (the embedded database's loopback socket, or the server). */
  url: string;
  /** The URL without secrets, for logs and status. */
  displayUrl: string;
  embedded?: EmbeddedDatabase;
  /** Connections the application's pool may open. */
  poolMax: number;
  migrator: Migrator;
  close(): Promise<void>;
}

/** Opens the configured database: the PostgreSQL server in `databaseUrl`, else the embedded one. */
export async function openDatabase(
  options: DatabaseTargetOptions & { prismaDir: string; poolMax?: number },
): Promise<DatabaseRuntime> {
  const poolMax = options.poolMax ?? 10;
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    await ping(url);
    return {
      mode: 'server',
      url,
      displayUrl: redactDatabaseUrl(url),
      poolMax,
      migrator: new Migrator(serverMigrationFactory(url), options.prismaDir),
      close: async () => undefined,
    };
  }
  const embedded = await EmbeddedDatabase.start({ dataDir: options.dataDir, port: options.embeddedPort });
  return {
    mode: 'embedded',
    url: embedded.url,
    displayUrl: embedded.url,
    embedded,
    // One connection: pglite-socket interleaves the extended-protocol messages of concurrent
    // connections outside transactions (electric-sql/pglite#1046), which can fail or mix results.
    // PGlite runs one query at a time anyway, so a single connection costs no throughput.
    poolMax: 1,
    migrator: new Migrator(pgliteMigrationFactory(embedded.pglite), options.prismaDir),
    close: () => embedded.stop(),
  };
}

/**
 * Applies pending migrations. On a server several instances may start at once: a session-level
 * advisory lock lets one migrate while the others wait, then find nothing left to do.
 */
export async function migrateDatabase(runtime: DatabaseRuntime): Promise<{ applied: string[]; status: MigrationStatus }> {
  const lock = runtime.mode === 'server' ? new pg.Client({ connectionString: runtime.url }) : undefined;
  if (lock) {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext('strata.migrate'))`);
  }
  try {
    const { applied } = await runtime.migrator.deploy();
    const status = await runtime.migrator.status();
    return { applied, status };
  } finally {
    if (lock) {
      await lock.query(`SELECT pg_advisory_unlock(hashtext('strata.migrate'))`).catch(() => undefined);
      await lock.end();
    }
  }
}

async function ping(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: number }>(`SELECT current_setting('server_version_num')::int AS version`);
    if ((rows[0]?.version ?? 0) < 150000) {
      throw new DatabaseUnavailableError(`PostgreSQL 15 or later is required; ${redactDatabaseUrl(url)} runs ${rows[0]?.version}.`);
    }
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw error;
    throw new DatabaseUnavailableError(
      `Cannot connect to the database at ${redactDatabaseUrl(url)}: ${(error as Error).message}. ` +
        'Check DATABASE_URL, or unset it to use the embedded database.',
      error,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
