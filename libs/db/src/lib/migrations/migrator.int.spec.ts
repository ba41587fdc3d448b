import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { serverMigrationFactory } from '../connection/adapter-factories';
import { migrateDatabase } from '../database-runtime';
import { DEFAULT_PRISMA_DIR } from './migration-files';
import { Migrator } from './migrator';

describe('Migrator (schema engine over the PostgreSQL protocol)', () => {
  let db: TestDatabase;
  let prismaDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    prismaDir = await mkdtemp(path.join(tmpdir(), 'strata-prisma-'));
    await cp(DEFAULT_PRISMA_DIR, prismaDir, { recursive: true });
  });
  afterAll(async () => {
    await db?.close();
    await rm(prismaDir, { recursive: true, force: true });
  });

  it('finds a test database already migrated and up to date', async () => {
    const status = await new Migrator(serverMigrationFactory(db.url), prismaDir).status();
    expect(status.upToDate).toBe(true);
    expect(status.pending).toEqual([]);
    expect(status.applied[0]).toBe('00000000000000_extensions');
    expect(status.applied).toEqual(status.local);
  });

  it('enables pgvector in the first migration', async () => {
    const rows = await db.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname = 'vector'`);
    expect(rows).toHaveLength(1);
    const [first] = await db.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations ORDER BY started_at, migration_name LIMIT 1',
    );
    expect(first?.migration_name).toBe('00000000000000_extensions');
  });

  it('keeps _prisma_migrations in the shape and with the checksums `prisma migrate deploy` uses', async () => {
    const columns = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY column_name`,
    );
    expect(Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]))).toEqual({
      applied_steps_count: 'integer',
      checksum: 'character varying',
      finished_at: 'timestamp with time zone',
      id: 'character varying',
      logs: 'text',
      migration_name: 'character varying',
      rolled_back_at: 'timestamp with time zone',
      started_at: 'timestamp with time zone',
    });
    const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations',
    );
    for (const row of rows) {
      const sql = await readFile(path.join(prismaDir, 'migrations', row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it('applies a new migration once, and reports an edited one', async () => {
    const migrator = new Migrator(serverMigrationFactory(db.url), prismaDir);
    const name = '99990101000000_add_probe';
    await mkdir(path.join(prismaDir, 'migrations', name));
    await writeFile(path.join(prismaDir, 'migrations', name, 'migration.sql'), 'CREATE TABLE probe (id int PRIMARY KEY);\n');

    const before = await migrator.status();
    expect(before.upToDate).toBe(false);
    expect(before.pending).toEqual([name]);

    expect((await migrator.deploy()).applied).toEqual([name]);
    expect((await migrator.deploy()).applied).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM probe'))[0]).toEqual({ n: 0 });

    await writeFile(path.join(prismaDir, 'migrations', name, 'migration.sql'), 'CREATE TABLE probe (id bigint PRIMARY KEY);\n');
    const after = await migrator.status();
    expect(after.edited).toEqual([name]);
    expect(after.upToDate).toBe(false);
  });

  it('fails a broken migration with a stable code and records it as failed', async () => {
    const migrator = new Migrator(serverMigrationFactory(db.url), prismaDir);
    const name = '99990102000000_broken';
    await mkdir(path.join(prismaDir, 'migrations', name));
    await writeFile(path.join(prismaDir, 'migrations', name, 'migration.sql'), 'CREATE TABLE nope (id int REFERENCES missing(id));\n');
    await expect(migrator.deploy()).rejects.toMatchObject({ code: 'db.migration_failed' });
    expect((await migrator.status()).failed).toEqual([name]);
  });

  // On a server several instances may start at once; the embedded database has one process only.
  it.runIf(Boolean(process.env['TEST_DATABASE_URL']))('migrates once when several instances start at once', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const runtime = { ...empty.runtime, mode: 'server' as const, migrator: new Migrator(serverMigrationFactory(empty.url), DEFAULT_PRISMA_DIR) };
      const results = await Promise.all([migrateDatabase(runtime), migrateDatabase(runtime), migrateDatabase(runtime)]);
      const appliedCounts = results.map((result) => result.applied.length).sort();
      expect(appliedCounts.slice(0, 2)).toEqual([0, 0]);
      expect(appliedCounts[2]).toBeGreaterThanOrEqual(2);
      expect(results.every((result) => result.status.upToDate)).toBe(true);
      const [{ n }] = await empty.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(n).toBe(appliedCounts[2]);
    } finally {
      await empty.close();
    }
  });
});
