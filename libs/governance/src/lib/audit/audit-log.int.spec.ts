import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, ManualClock, newId, RequestContextStore } from '@strata/kernel';
import { DatabaseModule, PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { GENESIS_HASH, recomputeEntryHash } from './audit-chain';
import { AUDIT_PROVIDERS } from './audit.providers';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditLog } from './audit-log.service';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';
import { AuditVerifier } from './audit-verifier';

describe('AuditLog (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let log: AuditLog;
  let verifier: AuditVerifier;
  let dataDir: string;
  const clock = new ManualClock('2026-03-01T12:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-audit-'));
    const options: AuditOptions = { dataDir, checkpointEvery: 1000, checkpointIntervalMs: 0 };
    moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [{ provide: CLOCK, useValue: clock }, { provide: AUDIT_OPTIONS, useValue: options }, ...AUDIT_PROVIDERS],
    }).compile();
    await moduleRef.init();
    log = moduleRef.get(AuditLog);
    verifier = moduleRef.get(AuditVerifier);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const inTenant = <T>(tenantId: string, fn: () => Promise<T>, extra: object = {}) =>
    RequestContextStore.run(
      { requestId: `req-${tenantId.slice(-4)}`, tenantId, actor: { type: 'user', id: 'u-1', roles: ['admin'] }, traceId: 'trace-1', ip: '10.0.0.7', ...extra },
      fn,
    );

  it('chains a tenant’s entries from the genesis hash and fills them from the request context', async () => {
    const tenantId = newId();
    const first = await inTenant(tenantId, () => log.append({ action: 'api_key.create', outcome: 'success', target: { type: 'ApiKey', id: 'k1' } }), {
      purpose: 'support',
      onBehalfOf: { type: 'user', id: 'u-9' },
    });
    const second = await inTenant(tenantId, () =>
      log.append({ action: 'api_key.revoke', outcome: 'denied', reason: 'not the owner', approvalId: 'apr-1', details: { when: new Date(0), skip: undefined } }),
    );
    expect(first.seq).toBe(1n);
    expect(second.seq).toBe(2n);
    const rows = await db.prisma.auditEntry.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
    expect(rows[0]).toMatchObject({
      prevHash: GENESIS_HASH,
      hash: first.hash,
      actorType: 'user',
      actorId: 'u-1',
      onBehalfOfType: 'user',
      onBehalfOfId: 'u-9',
      purpose: 'support',
      requestId: `req-${tenantId.slice(-4)}`,
      traceId: 'trace-1',
      ip: '10.0.0.7',
      targetType: 'ApiKey',
      targetId: 'k1',
      occurredAt: clock.now(),
      details: null,
    });
    expect(rows[1]).toMatchObject({ prevHash: first.hash, reason: 'not the owner', approvalId: 'apr-1', details: { when: '1970-01-01T00:00:00.000Z' } });
    for (const row of rows) expect(recomputeEntryHash(row)).toBe(row.hash);
    expect(await db.prisma.auditChainHead.findUnique({ where: { tenantId } })).toMatchObject({ seq: 2n, hash: second.hash });
  });

  it('keeps one chain per tenant', async () => {
    const [a, b] = [newId(), newId()];
    const [ea, eb] = await Promise.all([
      inTenant(a, () => log.append({ action: 'thing.touch', outcome: 'success' })),
      inTenant(b, () => log.append({ action: 'thing.touch', outcome: 'success' })),
    ]);
    expect([ea.seq, eb.seq]).toEqual([1n, 1n]);
    expect(ea.hash).not.toBe(eb.hash);
  });

  it('commits and rolls back with the caller’s transaction', async () => {
    const tenantId = newId();
    const prisma = moduleRef.get(PrismaService);
    const committed = await inTenant(tenantId, () =>
      prisma.$transaction(async (tx) => {
        await tx.tenant.create({ data: { id: tenantId, slug: `t-${tenantId}`, name: 'T' } });
        return log.append({ action: 'tenant.create', outcome: 'success', target: { type: 'Tenant', id: tenantId } }, tx);
      }),
    );
    await expect(
      inTenant(tenantId, () =>
        prisma.$transaction(async (tx) => {
          await log.append({ action: 'tenant.update', outcome: 'success' }, tx);
          throw new Error('caller failed after auditing');
        }),
      ),
    ).rejects.toThrow('caller failed');
    const next = await inTenant(tenantId, () => log.append({ action: 'tenant.read', outcome: 'success' }));
    expect([committed.seq, next.seq]).toEqual([1n, 2n]);
    expect(await db.prisma.auditEntry.count({ where: { tenantId } })).toBe(2);
    expect((await verifier.verify(tenantId)).ok).toBe(true);
  });

  it('group-commits concurrent appends into one gapless chain, each caller getting its own entry', async () => {
    const tenantId = newId();
    const appended = await inTenant(tenantId, () =>
      Promise.all(Array.from({ length: 300 }, (_, i) => log.append({ action: 'doc.read', outcome: 'success', details: { i } }))),
    );
    expect(appended.map((entry) => entry.seq).sort((x, y) => Number(x - y))).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i + 1)));
    const rows = await db.prisma.auditEntry.findMany({ where: { tenantId }, select: { id: true, seq: true, details: true } });
    for (const [i, entry] of appended.entries()) {
      expect(rows.find((row) => row.id === entry.id)).toEqual({ id: entry.id, seq: entry.seq, details: { i } });
    }
    expect(await verifier.verify(tenantId)).toMatchObject({ ok: true, checkedEntries: 300 });
  });

  it('refuses events it could not store or hash exactly', async () => {
    const tenantId = newId();
    const append = (event: Parameters<AuditLog['append']>[0]) => inTenant(tenantId, () => log.append(event));
    const cases: Array<[Parameters<AuditLog['append']>[0], RegExp]> = [
      [{ action: 'Create', outcome: 'success' }, /resource\.verb/],
      [{ action: 'api_key', outcome: 'success' }, /resource\.verb/],
      [{ action: 'api_key.create', outcome: 'ok' as never }, /outcome/],
      [{ action: 'api_key.create', outcome: 'success', reason: 'a\u0000b' }, /NUL/],
      [{ action: 'api_key.create', outcome: 'success', target: { type: 'ApiKey', id: '\ud800' } }, /surrogate/],
      [{ action: 'api_key.create', outcome: 'success', details: { ['k\u0000']: 1 } }, /NUL/],
      [{ action: 'api_key.create', outcome: 'success', details: { big: 'x'.repeat(20_000) } }, /16384 bytes/],
      [{ action: 'api_key.create', outcome: 'success', details: { n: 10n } as never }, /bigint/],
      [{ action: 'api_key.create', outcome: 'success', details: [1] as never }, /plain object/],
      [{ action: 'api_key.create', outcome: 'success', tenantId: 'nope' }, /not a UUID/],
    ];
    for (const [event, message] of cases) {
      await expect(append(event)).rejects.toMatchObject({ code: 'governance.audit_invalid_event', message: expect.stringMatching(message) });
    }
    await expect(log.append({ action: 'api_key.create', outcome: 'success' })).rejects.toMatchObject({ code: 'kernel.missing_request_context' });
    expect(await db.prisma.auditEntry.count({ where: { tenantId } })).toBe(0);
  });

  it('records an event without an actor as the unauthenticated system actor', async () => {
    const tenantId = newId();
    await RequestContextStore.run({ requestId: 'r-anon' }, () => log.append({ tenantId, action: 'authn.sign_in', outcome: 'failure' }));
    expect(await db.prisma.auditEntry.findFirst({ where: { tenantId } })).toMatchObject({ actorType: 'system', actorId: 'unauthenticated', requestId: 'r-anon' });
  });

  it('hashes any JSON details exactly as PostgreSQL gives them back', async () => {
    const tenantId = newId();
    const details = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 12 }).filter((key) => !key.includes('\u0000')),
      fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value ?? null).includes('\\u0000')),
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(details, async (value) => {
        const entry = await inTenant(tenantId, () => log.append({ action: 'prop.check', outcome: 'success', details: value }));
        const row = await db.prisma.auditEntry.findUniqueOrThrow({ where: { tenantId_seq: { tenantId, seq: entry.seq } } });
        expect(recomputeEntryHash(row)).toBe(entry.hash);
      }),
      { numRuns: 150 },
    );
    expect((await verifier.verify(tenantId)).ok).toBe(true);
  });

  it('hashes details whose escaped keys the engine misreads after a backslash key (nodejs/node#63785)', async () => {
    const tenantId = newId();
    // The shrunk counterexample of the property above: a `\\` key first, then `"` in its place.
    for (const details of [{ '': { '': '', '\\': 0 } }, { '': { '': '', '"': 0 } }, { '': { '': '', '\n': 1 } }]) {
      const entry = await inTenant(tenantId, () => log.append({ action: 'prop.check', outcome: 'success', details }));
      const row = await db.prisma.auditEntry.findUniqueOrThrow({ where: { tenantId_seq: { tenantId, seq: entry.seq } } });
      expect(row.details).toEqual(details);
      expect(recomputeEntryHash(row)).toBe(entry.hash);
    }
    expect(await verifier.verify(tenantId)).toMatchObject({ ok: true });
  });

  it('refuses appends once closed, after writing what it accepted', async () => {
    const tenantId = newId();
    const options: AuditOptions = { dataDir, checkpointEvery: 1000, checkpointIntervalMs: 0, maxQueuedEntries: 5, maxConcurrentBatches: 1 };
    const prisma = moduleRef.get(PrismaService);
    const small = new AuditLog(prisma, new AuditEntriesRepository(prisma), clock, options);
    const results = await inTenant(tenantId, () =>
      Promise.allSettled(Array.from({ length: 12 }, () => small.append({ action: 'doc.read', outcome: 'success' }))),
    );
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const result of refused) expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'governance.audit_overloaded', kind: 'resource_exhausted' });
    const pending = inTenant(tenantId, () => small.append({ action: 'doc.read', outcome: 'success' }));
    await small.onModuleDestroy();
    await expect(pending).resolves.toMatchObject({ seq: expect.any(BigInt) });
    await expect(inTenant(tenantId, () => small.append({ action: 'doc.read', outcome: 'success' }))).rejects.toMatchObject({ code: 'governance.audit_closed' });
    expect(await db.prisma.auditEntry.count({ where: { tenantId } })).toBe(12 - refused.length + 1);
  });
});
