import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from './prisma.service';

describe('PrismaService.queryDirect (database)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.runtime);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
  });

  it('runs a statement past the ORM, rows as pg returns them', async () => {
    const rows = await prisma.queryDirect<{ n: number; t: string }>(Prisma.sql`SELECT ${41}::int + 1 AS n, ${'x'}::text AS t`);
    expect(rows).toEqual([{ n: 42, t: 'x' }]);
  });

  it('prepares a fixed statement once per connection on a server, and never on the embedded database (one shared session)', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect(await prisma.queryDirect<{ n: number }>(Prisma.sql`SELECT ${i}::int AS n`, { prepared: 'probe' })).toEqual([{ n: i }]);
    }
    const prepared = await prisma.queryDirect<{ name: string }>(Prisma.sql`SELECT name FROM pg_prepared_statements WHERE name LIKE 'probe%'`);
    expect(prepared).toHaveLength(db.kind === 'server' ? 1 : 0);
  });
});
