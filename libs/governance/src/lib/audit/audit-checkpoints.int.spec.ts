import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, ManualClock, newId, RequestContextStore } from '@strata/kernel';
import { DatabaseModule, PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { auditEntryContent, auditEntryHash, checkpointStatement } from './audit-chain';
import { AUDIT_PROVIDERS } from './audit.providers';
import { AuditCheckpointScheduler } from './audit-checkpoint-scheduler';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { AuditLog } from './audit-log.service';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';
import { AuditKeyRing, AuditSigningKey } from './audit-signing-key';
import { AuditVerifier } from './audit-verifier';

describe('audit checkpoints (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let log: AuditLog;
  let checkpoints: AuditCheckpoints;
  let scheduler: AuditCheckpointScheduler;
  let verifier: AuditVerifier;
  let dataDir: string;
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');
  const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-audit-'));
    const options: AuditOptions = { signingKey: signingKeyPem, dataDir, checkpointEvery: 10, checkpointIntervalMs: 0 };
    moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ runtime: db.runtime, migrateOnStart: false })],
      providers: [{ provide: CLOCK, useValue: clock }, { provide: AUDIT_OPTIONS, useValue: options }, ...AUDIT_PROVIDERS],
    }).compile();
    await moduleRef.init();
    log = moduleRef.get(AuditLog);
    checkpoints = moduleRef.get(AuditCheckpoints);
    scheduler = moduleRef.get(AuditCheckpointScheduler);
    verifier = moduleRef.get(AuditVerifier);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const appendMany = (tenantId: string, count: number) =>
    RequestContextStore.run({ requestId: 'r', tenantId, actor: { type: 'user', id: 'u' } }, async () => {
      for (let i = 0; i < count; i += 1) await log.append({ action: 'doc.read', outcome: 'success', details: { i } });
    });

  it('signs the chain head with Ed25519 so that anyone with the public key can check it', async () => {
    const tenantId = newId();
    await expect(checkpoints.create(tenantId)).rejects.toMatchObject({ code: 'governance.audit_chain_empty', kind: 'failed_precondition' });
    await appendMany(tenantId, 3);
    const checkpoint = await checkpoints.create(tenantId);
    const head = await db.prisma.auditChainHead.findUniqueOrThrow({ where: { tenantId } });
    expect(checkpoint).toMatchObject({ tenantId, seq: 3n, hash: head.hash, keyId: checkpoints.keyId, createdAt: clock.now() });
    const publicKey = createPublicKey(checkpoints.publicKeyPem);
    const statement = `strata-audit-checkpoint/v1|${tenantId}|3|${head.hash}|2026-04-01T08:00:00.000Z`;
    expect(checkpointStatement(checkpoint)).toBe(statement);
    expect(verify(null, Buffer.from(statement), publicKey, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
    expect((await checkpoints.create(tenantId)).id).toBe(checkpoint.id);
    expect(await verifier.verify(tenantId)).toMatchObject({ ok: true, checkedEntries: 3, checkedCheckpoints: 1 });
  });

  it('writes a checkpoint every N entries and, on the sweep, for chains appended in transactions', async () => {
    const tenantId = newId();
    await appendMany(tenantId, 25);
    await scheduler.idle();
    const counted = await db.prisma.auditCheckpoint.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
    expect(counted.length).toBeGreaterThanOrEqual(2);
    expect(counted.every((checkpoint, i) => i === 0 || checkpoint.seq - counted[i - 1].seq >= 10n)).toBe(true);

    const prisma = moduleRef.get(PrismaService);
    await RequestContextStore.run({ requestId: 'r', tenantId, actor: { type: 'user', id: 'u' } }, () =>
      prisma.$transaction((tx) => log.append({ action: 'doc.write', outcome: 'success' }, tx)),
    );
    await scheduler.sweep();
    expect(await checkpoints.latestSeq(tenantId)).toBe(26n);
    const result = await verifier.verify(tenantId);
    expect(result).toMatchObject({ ok: true, checkedEntries: 26 });
    expect(result.checkedCheckpoints).toBe(counted.length + 1);
  });

  it('writes checkpoints on its timer', async () => {
    const tenantId = newId();
    await appendMany(tenantId, 2);
    const timed = new AuditCheckpointScheduler(checkpoints, log, { dataDir, checkpointEvery: 1_000_000, checkpointIntervalMs: 20 });
    timed.onModuleInit();
    try {
      await expect.poll(() => checkpoints.latestSeq(tenantId), { timeout: 30_000, interval: 20 }).toBe(2n);
    } finally {
      await timed.onModuleDestroy();
    }
  });

  it('verifies against an auditor’s copy of the key and across a key rotation', async () => {
    const tenantId = newId();
    await appendMany(tenantId, 4);
    await checkpoints.create(tenantId);
    expect((await verifier.verify(tenantId, { keyRing: AuditKeyRing.fromPem([checkpoints.publicKeyPem]) })).ok).toBe(true);
    const rotated = await AuditSigningKey.load({
      signingKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      dataDir,
      verificationKeys: [checkpoints.publicKeyPem],
    });
    expect((await verifier.verify(tenantId, { keyRing: rotated.ring })).ok).toBe(true);
    const stranger = AuditKeyRing.fromPem([createPublicKey(generateKeyPairSync('ed25519').privateKey).export({ type: 'spki', format: 'pem' }).toString()]);
    expect((await verifier.verify(tenantId, { keyRing: stranger })).firstProblem).toMatchObject({ kind: 'bad_signature', seq: '4' });
  });

  describe('tampering a superuser can do, that only the signatures reveal', () => {
    /** One session: session_replication_role = replica bypasses the append-only triggers in it only. */
    const asSuperuser = async (statements: Array<[string, unknown[]]>) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('SET session_replication_role = replica');
        for (const [sql, params] of statements) await client.query(sql, params);
      } finally {
        await client.query('SET session_replication_role = DEFAULT');
        await client.end();
      }
    };

    it('finds a forged checkpoint signature or a changed checkpoint hash', async () => {
      const tenantId = newId();
      await appendMany(tenantId, 5);
      const checkpoint = await checkpoints.create(tenantId);
      const other = await checkpoints.create((await seedOtherTenant()).tenantId);
      await asSuperuser([['UPDATE audit_checkpoint SET signature = $1 WHERE id = $2', [other.signature, checkpoint.id]]]);
      expect((await verifier.verify(tenantId)).firstProblem).toMatchObject({ kind: 'bad_signature', seq: '5', checkpointId: checkpoint.id });
    });

    it('finds a chain rewritten consistently after it was signed (hashes and head recomputed)', async () => {
      const tenantId = newId();
      await appendMany(tenantId, 6);
      await checkpoints.create(tenantId);
      const rows = await db.prisma.auditEntry.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
      let prevHash = rows[2].hash;
      const rewrites: Array<[string, unknown[]]> = [];
      for (const row of rows.slice(3)) {
        const changed = { ...row, prevHash, outcome: 'denied' };
        const hash = auditEntryHash(auditEntryContent(changed), prevHash);
        rewrites.push(['UPDATE audit_entry SET outcome = $1, prev_hash = $2, hash = $3 WHERE tenant_id = $4 AND seq = $5', ['denied', prevHash, hash, tenantId, row.seq.toString()]]);
        prevHash = hash;
      }
      rewrites.push(['UPDATE audit_chain_head SET hash = $1 WHERE tenant_id = $2', [prevHash, tenantId]]);
      await asSuperuser(rewrites);
      expect((await verifier.verify(tenantId)).firstProblem).toMatchObject({ kind: 'checkpoint_mismatch', seq: '6' });
    });

    it('finds signed entries cut from the end with the head moved back', async () => {
      const tenantId = newId();
      await appendMany(tenantId, 6);
      await checkpoints.create(tenantId);
      const fourth = await db.prisma.auditEntry.findUniqueOrThrow({ where: { tenantId_seq: { tenantId, seq: 4n } } });
      await asSuperuser([
        ['DELETE FROM audit_entry WHERE tenant_id = $1 AND seq > 4', [tenantId]],
        ['UPDATE audit_chain_head SET seq = 4, hash = $1 WHERE tenant_id = $2', [fourth.hash, tenantId]],
      ]);
      expect((await verifier.verify(tenantId)).firstProblem).toMatchObject({ kind: 'checkpoint_mismatch', seq: '6' });
    });
  });

  async function seedOtherTenant(): Promise<{ tenantId: string }> {
    const tenantId = newId();
    await appendMany(tenantId, 1);
    return { tenantId };
  }
});
