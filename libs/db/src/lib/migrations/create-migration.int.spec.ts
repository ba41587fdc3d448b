import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteMigrationFactory } from '../connection/adapter-factories';
import { createMigration, stripHandWrittenIndexDrops } from './create-migration';
import { DEFAULT_PRISMA_DIR } from './migration-files';
import { Migrator } from './migrator';

describe('createMigration (db:new)', () => {
  let prismaDir: string;

  beforeAll(async () => {
    prismaDir = await mkdtemp(path.join(tmpdir(), 'strata-prisma-'));
    await cp(DEFAULT_PRISMA_DIR, prismaDir, { recursive: true });
  });
  afterAll(() => rm(prismaDir, { recursive: true, force: true }));

  it('writes nothing when the schema matches the history', async () => {
    expect(await createMigration(prismaDir, 'nothing')).toBeNull();
  });

  it('writes the SQL for a schema change, which then applies cleanly, with no database server', async () => {
    await writeFile(
      path.join(prismaDir, 'schema', 'probe.prisma'),
      'model Probe {\n  id String @id @db.Uuid\n  label String\n  @@map("probe")\n}\n',
    );
    const created = await createMigration(prismaDir, 'Add probe!', new Date('2099-01-02T03:04:05Z'));
    expect(created?.name).toBe('20990102030405_add_probe');
    expect(created?.sql).toContain('CREATE TABLE "probe"');
    if (!created) throw new Error('expected a migration');
    expect(await readFile(created.file, 'utf8')).toBe(created.sql);

    const db = await PGlite.create({ extensions: { vector } });
    try {
      const { applied } = await new Migrator(pgliteMigrationFactory(db), prismaDir).deploy();
      expect(applied.at(-1)).toBe('20990102030405_add_probe');
      const { rows } = await db.query(`SELECT to_regclass('probe') IS NOT NULL AS present`);
      expect(rows).toEqual([{ present: true }]);
    } finally {
      await db.close();
    }
    expect(await createMigration(prismaDir, 'again')).toBeNull();
  });

  it('rejects a name with nothing usable in it', async () => {
    await expect(createMigration(prismaDir, '!!!')).rejects.toMatchObject({ code: 'db.migration_failed' });
  });
});

describe('stripHandWrittenIndexDrops', () => {
  it('keeps hand-written HNSW indexes that Prisma cannot see, and nothing else', () => {
    const sql = '-- DropIndex\nDROP INDEX "chunk_embedding_hnsw_idx";\n\n-- DropIndex\nDROP INDEX "other_idx";\n';
    expect(stripHandWrittenIndexDrops(sql)).toBe('-- DropIndex\nDROP INDEX "other_idx";\n');
  });
});
