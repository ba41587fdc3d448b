import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import {
  DEFAULT_PRISMA_DIR,
  Migrator,
  PrismaClient,
  pgliteMigrationFactory,
  redactDatabaseUrl,
  serverMigrationFactory,
  type DatabaseRuntime,
} from '@strata/db';
import { migrationsFingerprint } from './migrations-fingerprint';

export interface TestDatabase {
  /** Connect here with any PostgreSQL client. */
  url: string;
  kind: 'pglite' | 'server';
  /** A Prisma client on this database (closed by {@link TestDatabase.close}). */
  prisma: PrismaClient;
  /** A runtime to hand to `DatabaseModule.forRoot({ runtime, migrateOnStart: false })`. */
  runtime: DatabaseRuntime;
  /** Plain SQL, bypassing Prisma (for assertions and tampering tests). */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  prismaDir?: string;
  /** A PostgreSQL server to create the database on; defaults to TEST_DATABASE_URL, else PGlite in process. */
  serverUrl?: string;
  /** false: an empty database with no migration applied (for migration tests). Default true. */
  migrated?: boolean;
}

/**
 * An isolated, fully migrated database for one test suite, reached over the PostgreSQL protocol
 * like production. PGlite in process by default; with TEST_DATABASE_URL, a new database on that
 * server cloned from a migrated template. The migrated state is built once per migration history
 * and reused (a PGlite data dump, or a template database), so a suite starts in a second or two.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const prismaDir = options.prismaDir ?? DEFAULT_PRISMA_DIR;
  const serverUrl = options.serverUrl ?? (process.env['TEST_DATABASE_URL'] || undefined);
  const migrated = options.migrated ?? true;
  return serverUrl ? createServerDatabase(serverUrl, prismaDir, migrated) : createPgliteDatabase(prismaDir, migrated);
}

async function createPgliteDatabase(prismaDir: string, migrated: boolean): Promise<TestDatabase> {
  const snapshot = migrated ? await migratedSnapshot(prismaDir) : undefined;
  const db = await PGlite.create({ loadDataDir: snapshot, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return assemble(url, 'pglite', prismaDir, async () => {
    await server.stop();
    await db.close();
  });
}

/** A dump of a freshly migrated PGlite, cached on disk by the fingerprint of the migrations. */
async function migratedSnapshot(prismaDir: string): Promise<Blob> {
  const cacheDir = path.resolve('node_modules/.cache/strata-test-db');
  const file = path.join(cacheDir, `pglite-${await migrationsFingerprint(prismaDir)}.tar`);
  if (existsSync(file)) return new Blob([await readFile(file)]);

  const db = await PGlite.create({ extensions: { vector } });
  try {
    await new Migrator(pgliteMigrationFactory(db), prismaDir).deploy();
    const dump = await db.dumpDataDir('none');
    await mkdir(cacheDir, { recursive: true });
    // Written aside then renamed: suites building it at the same time never read half a file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  } finally {
    await db.close();
  }
}

async function createServerDatabase(serverUrl: string, prismaDir: string, migrated: boolean): Promise<TestDatabase> {
  const name = `strata_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (!migrated) {
      await admin.query(`CREATE DATABASE "${name}"`);
    } else {
      await createFromTemplate(admin, serverUrl, prismaDir, name);
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  return assemble(url, 'server', prismaDir, async () => {
    const dropper = new pg.Client({ connectionString: serverUrl });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
}

async function createFromTemplate(admin: pg.Client, serverUrl: string, prismaDir: string, name: string): Promise<void> {
  const template = `strata_test_tpl_${await migrationsFingerprint(prismaDir)}`;
  // One suite builds the template; the others wait on the lock and then find it.
  await admin.query(`SELECT pg_advisory_lock(hashtext('strata.test_template'))`);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await new Migrator(serverMigrationFactory(withDatabase(serverUrl, building)), prismaDir).deploy();
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('strata.test_template'))`);
  }
}

async function assemble(
  url: string,
  kind: TestDatabase['kind'],
  prismaDir: string,
  dispose: () => Promise<void>,
): Promise<TestDatabase> {
  // PGlite: one connection each (see EmbeddedDatabase on pglite-socket and concurrent connections).
  const poolMax = kind === 'pglite' ? 1 : 4;
  let closed = false;
  // Dropping the database ends its connections from the server side; a pooled client still
  // winding down then reports "terminating connection". Expected during close, a bug otherwise.
  const onConnectionError = (error: Error) => {
    if (!closed) console.error(`test database connection error: ${error.message}`);
  };
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: poolMax }, { onPoolError: onConnectionError, onConnectionError }),
  });
  const sql = new pg.Pool({ connectionString: url, max: kind === 'pglite' ? 1 : 2 });
  sql.on('error', onConnectionError);
  const runtime: DatabaseRuntime = {
    mode: kind === 'pglite' ? 'embedded' : 'server',
    url,
    displayUrl: redactDatabaseUrl(url),
    poolMax,
    migrator: new Migrator(serverMigrationFactory(url), prismaDir),
    close: async () => undefined,
  };
  return {
    url,
    kind,
    prisma,
    runtime,
    query: async <T extends Record<string, unknown>>(text: string, params?: unknown[]) =>
      (await sql.query(text, params)).rows as T[],
    close: async () => {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await sql.end();
      await dispose();
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
