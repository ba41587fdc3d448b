import { context, trace } from '@opentelemetry/api';
import { StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId, parseInput, RequestContextStore, type RequestContext } from '@strata/kernel';
import { Prisma, type PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { dataAccessListSchema } from './data-access-query.schema';
import { DataAccessQuery } from './data-access-query.service';
import { DataAccessLog } from './data-access-log.service';
import { DataAccessRepository } from './data-access.repository';

describe('DataAccessLog and DataAccessQuery (database)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let log: DataAccessLog;
  let query: DataAccessQuery;
  const clock = new ManualClock('2026-08-01T09:00:00.000Z');
  const tenantA = newId();
  const tenantB = newId();
  const contextManager = new StackContextManager();

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma as PrismaService;
    const repository = new DataAccessRepository(prisma);
    log = new DataAccessLog(repository, clock);
    query = new DataAccessQuery(repository);
    context.setGlobalContextManager(contextManager.enable());
  });

  afterAll(async () => {
    context.disable();
    await db?.close();
  });

  const as = <T>(tenantId: string, fn: () => Promise<T>, extra: Partial<RequestContext> = {}) =>
    RequestContextStore.run({ requestId: 'req-x', tenantId, actor: { type: 'user', id: 'auditor-1', roles: ['auditor'] }, ...extra }, fn);
  const list = async (tenantId: string, raw: Record<string, unknown> = {}) => query.list(tenantId, parseInput(dataAccessListSchema, raw));

  it('records who read what, for whom and why, with the request and the active span’s trace', async () => {
    const span = new TracerProvider().getTracer('test').startSpan('read sessions');
    const recorded = await as(
      tenantA,
      () => context.with(trace.setSpan(context.active(), span), () => log.record({ resourceType: 'Session', resourceIds: ['s-1', 's-2', 's-1'] })),
      { requestId: 'r1', purpose: 'support', onBehalfOf: { type: 'user', id: 'customer-9' }, actor: { type: 'agent', id: 'agent-3' } },
    );
    span.end();
    expect(recorded).toMatchObject({ resourceCount: 2 });
    expect(recorded.ids).toHaveLength(1);
    const row = await prisma.dataAccessRecord.findUniqueOrThrow({ where: { id: recorded.ids[0] } });
    expect(row).toMatchObject({
      tenantId: tenantA,
      occurredAt: clock.now(),
      actorType: 'agent',
      actorId: 'agent-3',
      onBehalfOfType: 'user',
      onBehalfOfId: 'customer-9',
      resourceType: 'Session',
      resourceIds: ['s-1', 's-2'],
      purpose: 'support',
      traceId: span.spanContext().traceId,
      requestId: 'r1',
    });
  });

  it('falls back to the request context’s trace id outside a span, and records nothing for an empty read', async () => {
    const recorded = await as(tenantA, () => log.record({ resourceType: 'MemoryItem', resourceIds: ['m-1'] }), { traceId: 'ctx-trace' });
    expect((await prisma.dataAccessRecord.findUniqueOrThrow({ where: { id: recorded.ids[0] } })).traceId).toBe('ctx-trace');
    expect(await as(tenantA, () => log.record({ resourceType: 'MemoryItem', resourceIds: [] }))).toEqual({ ids: [], resourceCount: 0 });
  });

  it('splits large reads into records of at most 1,000 ids and refuses more than 10,000 or malformed input', async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `doc-${i}`);
    const recorded = await as(tenantA, () => log.record({ resourceType: 'Document', resourceIds: ids }));
    expect(recorded.resourceCount).toBe(2_500);
    const rows = await prisma.dataAccessRecord.findMany({ where: { id: { in: recorded.ids } } });
    expect(rows.map((row) => row.resourceIds.length).sort()).toEqual([1_000, 1_000, 500]);

    await expect(as(tenantA, () => log.record({ resourceType: 'Document', resourceIds: Array.from({ length: 10_001 }, (_, i) => `d${i}`) }))).rejects.toMatchObject({
      code: 'observability.data_access_too_many_ids',
    });
    await expect(as(tenantA, () => log.record({ resourceType: 'drop table;', resourceIds: ['x'] }))).rejects.toMatchObject({ code: 'observability.data_access_invalid' });
    await expect(as(tenantA, () => log.record({ resourceType: 'Document', resourceIds: ['x'.repeat(257)] }))).rejects.toMatchObject({
      code: 'observability.data_access_invalid',
    });
  });

  it('needs a tenant and an actor', async () => {
    await expect(RequestContextStore.run({ requestId: 'r' }, () => log.record({ resourceType: 'Session', resourceIds: ['s'] }))).rejects.toMatchObject({
      code: 'kernel.missing_request_context',
    });
    await expect(RequestContextStore.run({ requestId: 'r', tenantId: tenantA }, () => log.record({ resourceType: 'Session', resourceIds: ['s'] }))).rejects.toMatchObject({
      code: 'kernel.missing_request_context',
    });
  });

  it('commits or rolls back with the caller’s transaction', async () => {
    const marker = `tx-${newId()}`;
    await expect(
      as(tenantA, () =>
        prisma.$transaction(async (tx) => {
          await log.record({ resourceType: 'Session', resourceIds: [marker] }, tx);
          throw new Error('the read failed');
        }),
      ),
    ).rejects.toThrow('the read failed');
    expect(await prisma.dataAccessRecord.count({ where: { resourceIds: { has: marker } } })).toBe(0);
    await as(tenantA, () => prisma.$transaction((tx) => log.record({ resourceType: 'Session', resourceIds: [marker] }, tx)));
    expect(await prisma.dataAccessRecord.count({ where: { resourceIds: { has: marker } } })).toBe(1);
  });

  it('records several reads of one operation in one call, each as its own record, and nothing when one is invalid', async () => {
    const marker = `many-${newId()}`;
    const recorded = await as(tenantA, () =>
      prisma.$transaction((tx) =>
        log.recordMany(
          [
            { resourceType: 'VectorCollection', resourceIds: [marker] },
            { resourceType: 'VectorChunk', resourceIds: [] },
            { resourceType: 'VectorChunk', resourceIds: [marker, 'c-1', 'c-1'] },
          ],
          tx,
        ),
      ),
      { purpose: 'support' },
    );
    expect(recorded.map((entry) => entry.resourceCount)).toEqual([1, 0, 2]);
    expect(recorded[1]?.ids).toEqual([]);
    const rows = await prisma.dataAccessRecord.findMany({ where: { resourceIds: { has: marker } }, orderBy: { resourceType: 'asc' } });
    expect(rows.map((row) => [row.id, row.resourceType, row.resourceIds, row.purpose])).toEqual([
      [recorded[2]?.ids[0], 'VectorChunk', [marker, 'c-1'], 'support'],
      [recorded[0]?.ids[0], 'VectorCollection', [marker], 'support'],
    ]);

    const invalid = `invalid-${newId()}`;
    await expect(
      as(tenantA, () =>
        log.recordMany([
          { resourceType: 'Session', resourceIds: [invalid] },
          { resourceType: 'bad type!', resourceIds: [invalid] },
        ]),
      ),
    ).rejects.toMatchObject({ code: 'observability.data_access_invalid' });
    expect(await prisma.dataAccessRecord.count({ where: { resourceIds: { has: invalid } } })).toBe(0);
    expect(await as(tenantA, () => log.recordMany([]))).toEqual([]);
  });

  it('builds the records as an INSERT for the caller’s own statement: ids as values or from the statement, atomic with its read', async () => {
    const marker = `stmt-${newId()}`;
    const rows = await as(
      tenantA,
      () => {
        const insert = log.recordingSql([
          { resourceType: 'VectorCollection', resourceIds: [marker] },
          { resourceType: 'VectorChunk', resourceIdsSql: Prisma.sql`(SELECT array_agg(r.id ORDER BY r.n) FROM read r)` },
          { resourceType: 'Nothing', resourceIdsSql: Prisma.sql`(SELECT array_agg(r.id) FROM read r WHERE false)` },
        ]);
        return prisma.$queryRaw<Array<{ id: string }>>(
          Prisma.sql`WITH read AS MATERIALIZED (SELECT * FROM (VALUES (${marker}, 1), ('c-2', 2), (${marker}, 3)) AS v(id, n)), logged AS (${insert}) SELECT id FROM read ORDER BY n`,
        );
      },
      { purpose: 'support', requestId: 'r-stmt' },
    );
    expect(rows.map((row) => row.id)).toEqual([marker, 'c-2', marker]);
    const records = await prisma.dataAccessRecord.findMany({ where: { resourceIds: { has: marker } }, orderBy: { resourceType: 'asc' } });
    // Duplicates stored once, in first-seen order; an empty id list writes no record (as recordMany).
    expect(records.map((row) => [row.resourceType, row.resourceIds, row.purpose, row.requestId, row.actorId, row.tenantId, row.occurredAt])).toEqual([
      ['VectorChunk', [marker, 'c-2'], 'support', 'r-stmt', 'auditor-1', tenantA, clock.now()],
      ['VectorCollection', [marker], 'support', 'r-stmt', 'auditor-1', tenantA, clock.now()],
    ]);
    // A record that cannot be written (here: its ids expression fails at run time) fails the whole
    // statement: no rows come back, and the statement's other record is not written either.
    const failing = `stmt-fail-${newId()}`;
    await expect(
      as(tenantA, () => {
        const insert = log.recordingSql([
          { resourceType: 'Session', resourceIds: [failing] },
          { resourceType: 'VectorChunk', resourceIdsSql: Prisma.sql`ARRAY[(1 / (SELECT count(*) FROM read WHERE false))::text]` },
        ]);
        return prisma.$queryRaw(Prisma.sql`WITH read AS MATERIALIZED (SELECT ${failing} AS id), logged AS (${insert}) SELECT id FROM read`);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await prisma.dataAccessRecord.count({ where: { resourceIds: { has: failing } } })).toBe(0);
    await expect(as(tenantA, async () => log.recordingSql([{ resourceType: 'bad type!', resourceIds: ['x'] }]))).rejects.toMatchObject({ code: 'observability.data_access_invalid' });
  });

  describe('queries', () => {
    beforeAll(async () => {
      clock.set('2026-08-02T00:00:00.000Z');
      for (let i = 0; i < 5; i += 1) {
        clock.advance(60_000);
        await as(tenantB, () => log.record({ resourceType: i % 2 ? 'Session' : 'Document', resourceIds: [`b-${i}`, 'shared-id'] }), {
          purpose: i < 3 ? 'support' : 'billing',
          actor: { type: 'user', id: i < 2 ? 'alice' : 'bob' },
        });
      }
    });

    const resourceIdsOf = async (raw: Record<string, unknown>) => (await list(tenantB, raw)).items.map((item) => item.resourceIds[0]);

    it('filters by time range, actor, resource type, resource id and purpose, newest first', async () => {
      expect(await resourceIdsOf({})).toEqual(['b-4', 'b-3', 'b-2', 'b-1', 'b-0']);
      expect(await resourceIdsOf({ actorId: 'alice' })).toEqual(['b-1', 'b-0']);
      expect(await resourceIdsOf({ actorType: 'user', resourceType: 'Session' })).toEqual(['b-3', 'b-1']);
      expect(await resourceIdsOf({ resourceId: 'b-2' })).toEqual(['b-2']);
      expect(await resourceIdsOf({ purpose: 'billing' })).toEqual(['b-4', 'b-3']);
      expect(await resourceIdsOf({ from: '2026-08-02T00:02:00Z', to: '2026-08-02T00:04:00Z' })).toEqual(['b-2', 'b-1']);
    });

    it('pages with a cursor, also among records of the same instant', async () => {
      clock.set('2026-08-03T00:00:00.000Z');
      for (let i = 0; i < 3; i += 1) await as(tenantB, () => log.record({ resourceType: 'Burst', resourceIds: [`burst-${i}`] }));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(tenantB, { limit: '2', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((item) => item.resourceIds[0]));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['burst-2', 'burst-1', 'burst-0', 'b-4', 'b-3', 'b-2', 'b-1', 'b-0']);
      await expect(list(tenantB, { cursor: 'garbage' })).rejects.toMatchObject({ code: 'observability.invalid_cursor' });
    });

    it('isolates tenants: a tenant never sees another’s records, whatever the filter', async () => {
      expect((await list(tenantA, { resourceId: 'shared-id' })).items).toEqual([]);
      const all = await list(tenantA, { limit: '500' });
      expect(all.items.every((item) => item.tenantId === tenantA)).toBe(true);
      expect((await list(tenantB, { resourceId: 'shared-id' })).items).toHaveLength(5);
    });
  });
});
