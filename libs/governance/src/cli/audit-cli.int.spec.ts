import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, RequestContextStore, SystemClock } from '@strata/kernel';
import type { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import { AuditCheckpoints } from '../lib/audit/audit-checkpoints.service';
import { AuditCheckpointsRepository } from '../lib/audit/audit-checkpoints.repository';
import { AuditEntriesRepository } from '../lib/audit/audit-entries.repository';
import { AuditLog } from '../lib/audit/audit-log.service';
import { AuditSigningKey } from '../lib/audit/audit-signing-key';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', '--tsconfig', 'tsconfig.base.json', 'libs/governance/src/cli/audit-cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('audit:verify command', () => {
  let db: TestDatabase;
  let dir: string;
  let publicKeyFile: string;
  const tenantId = newId();
  const slug = `cli-${tenantId.slice(-8)}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'strata-audit-cli-'));
    const prisma = db.prisma as PrismaService;
    await prisma.tenant.create({ data: { id: tenantId, slug, name: 'CLI' } });
    const entries = new AuditEntriesRepository(prisma);
    const log = new AuditLog(prisma, entries, new SystemClock(), { dataDir: dir, checkpointEvery: 1000, checkpointIntervalMs: 0 });
    const key = await AuditSigningKey.load({
      signingKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      dataDir: dir,
    });
    await RequestContextStore.run({ requestId: 'cli', tenantId, actor: { type: 'user', id: 'u' } }, async () => {
      for (let i = 0; i < 30; i += 1) await log.append({ action: 'doc.read', outcome: 'success', details: { i } });
    });
    await new AuditCheckpoints(new AuditCheckpointsRepository(prisma), entries, key, new SystemClock()).create(tenantId);
    await log.onModuleDestroy();
    publicKeyFile = path.join(dir, 'audit-public-key.pem');
    await writeFile(publicKeyFile, key.publicKeyPem);
  });

  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ DATABASE_URL: db.url, STRATA_DATA_DIR: dir, LOG_LEVEL: 'silent' });

  it('exits 0 on an intact chain, by slug, with the auditor’s public key', async () => {
    const { code, stdout, stderr } = await runCli(['verify', '--tenant', slug, '--public-key', publicKeyFile, '--batch-size', '7'], env());
    expect(stderr).toContain('checked 7 of 30 entries');
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, tenantId, checkedEntries: 30, checkedCheckpoints: 1 });
    expect(code).toBe(0);
  });

  it('exits 1 and names the first problem', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('SET session_replication_role = replica');
    await client.query(`UPDATE audit_entry SET action = 'doc.delete' WHERE tenant_id = $1 AND seq = 17`, [tenantId]);
    await client.query('SET session_replication_role = DEFAULT');
    await client.end();
    const { code, stdout, stderr } = await runCli(['verify', '--tenant', tenantId, '--public-key', publicKeyFile], env());
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, firstProblem: { kind: 'hash_mismatch', seq: '17' } });
    expect(stderr).toContain('PROBLEM (hash_mismatch at seq 17)');
    expect(code).toBe(1);
  });

  it('exits 2 on bad usage or an unknown tenant', async () => {
    expect((await runCli(['verify'], env())).code).toBe(2);
    const unknown = await runCli(['verify', '--tenant', 'no-such-tenant'], env());
    expect(unknown.stderr).toContain('No tenant has the slug');
    expect(unknown.code).toBe(2);
  });
});
