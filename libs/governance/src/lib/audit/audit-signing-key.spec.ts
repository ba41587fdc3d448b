import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditKeyRing, AuditSigningKey, SIGNING_KEY_FILE } from './audit-signing-key';

describe('AuditSigningKey', () => {
  let dataDir: string;
  const logger = { warn: vi.fn() };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-audit-key-'));
    logger.warn.mockReset();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('generates a key file readable by its owner only, with a warning, and reuses it', async () => {
    const key = await AuditSigningKey.load({ dataDir }, logger as never);
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('STRATA_AUDIT_SIGNING_KEY is not set'));
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    const again = await AuditSigningKey.load({ dataDir }, logger as never);
    expect(again.keyId).toBe(key.keyId);
    expect(await readFile(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
  });

  it('gives processes starting together the same generated key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => AuditSigningKey.load({ dataDir }, logger as never)));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('loads a configured key as PEM or as the base64 of the PEM, and signs verifiably', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromPem = await AuditSigningKey.load({ signingKey: pem, dataDir });
    const fromBase64 = await AuditSigningKey.load({ signingKey: Buffer.from(pem).toString('base64'), dataDir });
    expect(fromBase64.keyId).toBe(fromPem.keyId);
    const signature = fromPem.sign('statement');
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    const ring = AuditKeyRing.fromPem([fromPem.publicKeyPem]);
    expect(ring.verify(fromPem.keyId, 'statement', signature)).toBe(true);
    expect(ring.verify(fromPem.keyId, 'statement!', signature)).toBe(false);
    expect(ring.verify(fromPem.keyId, 'statement', 'not base64 at all')).toBe(false);
    expect(ring.verify('0000000000000000', 'statement', signature)).toBe(false);
  });

  it('refuses a key that is not Ed25519 or not a key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(AuditSigningKey.load({ signingKey: rsa, dataDir })).rejects.toMatchObject({
      code: 'governance.audit_signing_key_invalid',
      message: expect.stringContaining('rsa key'),
    });
    await expect(AuditSigningKey.load({ signingKey: 'bm90IGEga2V5', dataDir })).rejects.toMatchObject({ code: 'governance.audit_signing_key_invalid' });
  });
});
