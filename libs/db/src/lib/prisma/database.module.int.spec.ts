import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { DatabaseHealth } from './database-health';
import { DatabaseModule, type MigrationReport } from './database.module';
import { MIGRATION_REPORT } from './database.tokens';
import { PlatformInstanceService } from './platform-instance.service';
import { PrismaService } from './prisma.service';

describe('DatabaseModule', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it('wires Prisma, health and the instance record to the given database', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: true })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const report = app.get<MigrationReport>(MIGRATION_REPORT);
      expect(report.applied).toEqual([]);
      expect(report.status.upToDate).toBe(true);

      expect(await app.get(DatabaseHealth).check()).toMatchObject({ ok: true });

      const instances = app.get(PlatformInstanceService);
      const first = await instances.recordStart('1.0.0');
      expect(first.firstStart).toBe(true);
      const again = await Promise.all([instances.recordStart('1.1.0'), instances.recordStart('1.1.0')]);
      expect(again.map((info) => info.firstStart)).toEqual([false, false]);
      expect(again[0].id).toBe(first.id);
      expect(await app.get(PrismaService).platformInstance.count()).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('stores and ranks pgvector embeddings through Prisma raw queries', async () => {
    await db.query('CREATE TABLE vec_probe (id int PRIMARY KEY, embedding vector(3))');
    await db.query(`INSERT INTO vec_probe VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')`);
    await db.query('CREATE INDEX vec_probe_embedding_hnsw_idx ON vec_probe USING hnsw (embedding vector_cosine_ops)');
    const q = JSON.stringify([1, 0, 0]);
    const rows = await db.prisma.$queryRaw<Array<{ id: number }>>`
      SELECT id FROM vec_probe ORDER BY embedding <=> ${q}::vector LIMIT 2`;
    expect(rows.map((row) => row.id)).toEqual([1, 3]);
  });
});
