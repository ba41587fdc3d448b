import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, RequestContextStore, SystemClock } from '@strata/kernel';
import { PrismaClient, type PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { auditEntryContent, auditEntryHash } from './audit-chain';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditEntriesRepository, type AuditEntryRow } from './audit-entries.repository';
import { AuditLog } from './audit-log.service';
import type { AuditOptions } from './audit-options';
import { AuditKeyRing } from './audit-signing-key';
import { AuditVerifier, type AuditProblem } from './audit-verifier';

const WRITERS = 16;
const PER_WRITER = 500;
const TOTAL = WRITERS * PER_WRITER;
/** Separate clients and AuditLogs stand for separate API processes sharing one database. */
const PROCESSES = 4;

describe('audit chain under concurrency and tampering', () => {
  let db: TestDatabase;
  let superuser: pg.Client;
  const clients: PrismaClient[] = [];
  const logs: AuditLog[] = [];
  let verifier: AuditVerifier;
  const tenantId = newId();
  const otherTenantId = newId();

  beforeAll(async () => {
    db = await createTestDatabase();
    const options: AuditOptions = { dataDir: '/nonexistent', checkpointEvery: 1000, checkpointIntervalMs: 0 };
    for (let i = 0; i < PROCESSES; i += 1) {
      const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 2 }) });
      clients.push(client);
      logs.push(new AuditLog(client as PrismaService, new AuditEntriesRepository(client as PrismaService), new SystemClock(), options, db.runtime));
    }
    const prisma = db.prisma as PrismaService;
    verifier = new AuditVerifier(new AuditEntriesRepository(prisma), new AuditCheckpointsRepository(prisma), new AuditKeyRing([]));
    superuser = new pg.Client({ connectionString: db.url });
    await superuser.connect();
  });

  afterAll(async () => {
    await Promise.all(logs.map((log) => log.onModuleDestroy()));
    await Promise.all(clients.map((client) => client.$disconnect()));
    await superuser?.end();
    await db?.close();
  });

  /** SQL as a superuser with the append-only triggers bypassed, the way an insider would tamper. */
  async function tamper(statements: Array<[string, unknown[]?]>): Promise<void> {
    await superuser.query('SET session_replication_role = replica');
    try {
      for (const [sql, params] of statements) await superuser.query(sql, params);
    } finally {
      await superuser.query('SET session_replication_role = DEFAULT');
    }
  }

  const entryAt = async (seq: number): Promise<AuditEntryRow> =>
    db.prisma.auditEntry.findUniqueOrThrow({ where: { tenantId_seq: { tenantId, seq: BigInt(seq) } } });

  /** A well-formed entry an attacker who read docs/audit.md would forge, chained after `prevHash`. */
  function forge(seq: number, prevHash: string): AuditEntryRow {
    const row = {
      tenantId,
      seq: BigInt(seq),
      id: newId(),
      occurredAt: new Date('2026-03-01T00:00:00.000Z'),
      actorType: 'user',
      actorId: 'mallory',
      onBehalfOfType: null,
      onBehalfOfId: null,
      action: 'api_key.create',
      targetType: 'ApiKey',
      targetId: 'backdoor',
      purpose: null,
      approvalId: null,
      outcome: 'success',
      reason: null,
      requestId: null,
      traceId: null,
      ip: null,
      details: null,
      prevHash,
      hash: '',
    };
    row.hash = auditEntryHash(auditEntryContent(row), prevHash);
    return row as AuditEntryRow;
  }

  function insertRaw(row: AuditEntryRow): [string, unknown[]] {
    return [
      `INSERT INTO audit_entry (tenant_id, seq, id, occurred_at, actor_type, actor_id, action, target_type, target_id, outcome, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [row.tenantId, row.seq.toString(), row.id, row.occurredAt, row.actorType, row.actorId, row.action, row.targetType, row.targetId, row.outcome, row.prevHash, row.hash],
    ];
  }

  async function expectProblem(expected: Partial<AuditProblem>): Promise<void> {
    const result = await verifier.verify(tenantId, { batchSize: 700 });
    expect(result.ok).toBe(false);
    expect(result.firstProblem).toMatchObject(expected);
  }

  async function expectIntact(): Promise<void> {
    expect(await verifier.verify(tenantId, { batchSize: 700 })).toMatchObject({ ok: true, checkedEntries: TOTAL });
  }

  it(`${WRITERS} concurrent writers × ${PER_WRITER} entries in ${PROCESSES} processes build one chain with no fork`, async () => {
    const writer = (w: number) =>
      RequestContextStore.run({ requestId: `writer-${w}`, tenantId, actor: { type: 'service_account', id: `sa-${w}` } }, async () => {
        const log = logs[w % PROCESSES];
        const client = clients[w % PROCESSES];
        const seqs: bigint[] = [];
        for (let i = 0; i < PER_WRITER; i += 1) {
          const event = { action: 'load.write', outcome: 'success' as const, details: { w, i } };
          // Every fourth writer appends inside its own transaction, holding the chain lock as it does.
          // Four of them share a pool of two on a busy CI machine: Prisma's 2 s / 5 s defaults are too short.
          const entry = w % 4 === 3 ? await client.$transaction((tx) => log.append(event, tx), { maxWait: 30_000, timeout: 30_000 }) : await log.append(event);
          seqs.push(entry.seq);
        }
        return seqs;
      });
    const other = RequestContextStore.run({ requestId: 'other', tenantId: otherTenantId, actor: { type: 'user', id: 'u-other' } }, () =>
      Promise.all(Array.from({ length: 25 }, () => logs[0].append({ action: 'other.write', outcome: 'success' }))),
    );
    const [perWriter] = await Promise.all([Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w))), other]);

    const all = perWriter.flat().sort((a, b) => (a < b ? -1 : 1));
    expect(all).toEqual(Array.from({ length: TOTAL }, (_, i) => BigInt(i + 1)));
    for (const seqs of perWriter) expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    const forks = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT prev_hash FROM audit_entry WHERE tenant_id = $1 GROUP BY prev_hash HAVING count(*) > 1) f',
      [tenantId],
    );
    expect(forks).toEqual([{ n: '0' }]);
    await expectIntact();
    expect(await verifier.verify(otherTenantId)).toMatchObject({ ok: true, checkedEntries: 25 });
    // 8,000 appends through one lock: ~10 s alone, several times that with every suite running at once.
  }, 240_000);

  it('refuses the application’s UPDATE, DELETE and TRUNCATE on audit rows', async () => {
    const refused = /append-only/;
    await expect(db.prisma.auditEntry.update({ where: { tenantId_seq: { tenantId, seq: 1n } }, data: { outcome: 'denied' } })).rejects.toThrow(refused);
    await expect(db.prisma.auditEntry.deleteMany({ where: { tenantId } })).rejects.toThrow(refused);
    await expect(db.query('UPDATE audit_entry SET outcome = $1 WHERE tenant_id = $2', ['denied', tenantId])).rejects.toMatchObject({ code: '42501' });
    await expect(db.query('DELETE FROM audit_entry WHERE tenant_id = $1 AND seq = 5', [tenantId])).rejects.toMatchObject({ code: '42501' });
    await expect(db.query('TRUNCATE audit_entry')).rejects.toMatchObject({ code: '42501' });
    await db.query(`INSERT INTO audit_checkpoint (id, tenant_id, seq, hash, key_id, signature) VALUES ($1, $2, 1, 'h', 'k', 's')`, [newId(), newId()]);
    await expect(db.query('UPDATE audit_checkpoint SET hash = $1', ['x'])).rejects.toMatchObject({ code: '42501' });
    await expect(db.query('DELETE FROM audit_checkpoint')).rejects.toMatchObject({ code: '42501' });
    await expect(db.query('TRUNCATE audit_checkpoint')).rejects.toMatchObject({ code: '42501' });
    await expectIntact();
  });

  it('locates an update of an entry’s content', async () => {
    const original = await entryAt(1234);
    await tamper([['UPDATE audit_entry SET outcome = $1 WHERE tenant_id = $2 AND seq = 1234', ['denied', tenantId]]]);
    await expectProblem({ kind: 'hash_mismatch', seq: '1234', entryId: original.id });
    await tamper([['UPDATE audit_entry SET outcome = $1 WHERE tenant_id = $2 AND seq = 1234', [original.outcome, tenantId]]]);
    await expectIntact();
  });

  it('locates an update whose hash was recomputed, at the next link', async () => {
    const original = await entryAt(2000);
    const rewritten = { ...original, reason: 'nothing to see' };
    const newHash = auditEntryHash(auditEntryContent(rewritten), original.prevHash);
    await tamper([['UPDATE audit_entry SET reason = $1, hash = $2 WHERE tenant_id = $3 AND seq = 2000', [rewritten.reason, newHash, tenantId]]]);
    await expectProblem({ kind: 'broken_link', seq: '2001' });
    await tamper([['UPDATE audit_entry SET reason = NULL, hash = $1 WHERE tenant_id = $2 AND seq = 2000', [original.hash, tenantId]]]);
    await expectIntact();
  });

  it('locates a deleted entry as a gap, and a deleted last entry at the head', async () => {
    for (const seq of [2345, TOTAL]) {
      await tamper([
        ['CREATE TEMP TABLE deleted_entry AS SELECT * FROM audit_entry WHERE tenant_id = $1 AND seq = $2', [tenantId, seq]],
        ['DELETE FROM audit_entry WHERE tenant_id = $1 AND seq = $2', [tenantId, seq]],
      ]);
      await expectProblem(seq === TOTAL ? { kind: 'head_mismatch', seq: String(TOTAL) } : { kind: 'gap', seq: String(seq) });
      await tamper([['INSERT INTO audit_entry SELECT * FROM deleted_entry'], ['DROP TABLE deleted_entry']]);
      await expectIntact();
    }
  });

  it('locates an entry inserted in the middle (later entries renumbered) and one appended past the head', async () => {
    const forged = forge(3001, (await entryAt(3000)).hash);
    await tamper([
      ['UPDATE audit_entry SET seq = -seq WHERE tenant_id = $1 AND seq > 3000', [tenantId]],
      ['UPDATE audit_entry SET seq = -seq + 1 WHERE tenant_id = $1 AND seq < 0', [tenantId]],
      insertRaw(forged),
    ]);
    await expectProblem({ kind: 'broken_link', seq: '3001', entryId: forged.id });
    await tamper([
      ['DELETE FROM audit_entry WHERE id = $1', [forged.id]],
      ['UPDATE audit_entry SET seq = -seq WHERE tenant_id = $1 AND seq > 3001', [tenantId]],
      ['UPDATE audit_entry SET seq = -seq - 1 WHERE tenant_id = $1 AND seq < 0', [tenantId]],
    ]);
    await expectIntact();

    const appended = forge(TOTAL + 1, (await entryAt(TOTAL)).hash);
    await tamper([insertRaw(appended)]);
    await expectProblem({ kind: 'head_mismatch', seq: String(TOTAL + 1), entryId: appended.id });
    await tamper([['DELETE FROM audit_entry WHERE id = $1', [appended.id]]]);
    await expectIntact();
  });

  it('locates swapped entries, adjacent or not', async () => {
    for (const [a, b] of [
      [4000, 4100],
      [5000, 5001],
    ]) {
      const swap: Array<[string, unknown[]]> = [
        ['UPDATE audit_entry SET seq = -1 WHERE tenant_id = $1 AND seq = $2', [tenantId, a]],
        ['UPDATE audit_entry SET seq = $2 WHERE tenant_id = $1 AND seq = $3', [tenantId, a, b]],
        ['UPDATE audit_entry SET seq = $2 WHERE tenant_id = $1 AND seq = -1', [tenantId, b]],
      ];
      const movedId = (await entryAt(b)).id;
      await tamper(swap);
      await expectProblem({ kind: 'reordered', seq: String(a), entryId: movedId });
      await tamper(swap);
      await expectIntact();
    }
  });

  it('keeps another tenant’s verification unaffected by this tenant’s tampering', async () => {
    await tamper([['UPDATE audit_entry SET actor_id = $1 WHERE tenant_id = $2 AND seq = 7', ['someone-else', tenantId]]]);
    expect(await verifier.verify(otherTenantId)).toMatchObject({ ok: true, checkedEntries: 25 });
    await expectProblem({ kind: 'hash_mismatch', seq: '7' });
  });
});
