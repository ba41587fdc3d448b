import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('createTestDatabase', () => {
  const opened: TestDatabase[] = [];
  afterAll(() => Promise.all(opened.map((db) => db.close())));

  it('gives each suite its own migrated database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    opened.push(a, b);
    expect(a.kind).toBe(process.env['TEST_DATABASE_URL'] ? 'server' : 'pglite');
    expect(a.url).not.toBe(b.url);
    for (const db of [a, b]) {
      const rows = await db.query<{ present: boolean }>(`SELECT to_regclass('platform_instance') IS NOT NULL AS present`);
      expect(rows).toEqual([{ present: true }]);
    }
    await a.query(`INSERT INTO platform_instance (id, created_by_version, last_started_version) VALUES (gen_random_uuid(), 'a', 'a')`);
    expect(await a.prisma.platformInstance.count()).toBe(1);
    expect(await b.prisma.platformInstance.count()).toBe(0);
  });

  it('gives an empty database when asked for one', async () => {
    const empty = await createTestDatabase({ migrated: false });
    opened.push(empty);
    expect(await empty.query(`SELECT to_regclass('_prisma_migrations') IS NULL AS absent`)).toEqual([{ absent: true }]);
  });

  it('removes what it created', async () => {
    const db = await createTestDatabase();
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow();
    if (db.kind === 'server') {
      const admin = await createTestDatabase();
      opened.push(admin);
      const name = new URL(db.url).pathname.slice(1);
      expect(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).toEqual([]);
    }
  });
});
