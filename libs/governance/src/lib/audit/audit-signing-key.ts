import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { AuditSigningKeyError } from './audit.errors';

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** keyId = first 16 hex characters of SHA-256 over the public key's DER SubjectPublicKeyInfo. */
export function auditKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Public keys checkpoints may be verified against, by keyId (the current key and earlier ones). */
export class AuditKeyRing {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeys: Iterable<KeyObject>) {
    for (const key of publicKeys) this.keys.set(auditKeyId(key), key);
  }

  /** From SPKI PEM texts (the `GET /governance/audit/public-key` answer, or a file an auditor keeps). */
  static fromPem(pems: readonly string[]): AuditKeyRing {
    return new AuditKeyRing(pems.map((pem) => parsePublicKey(pem)));
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** False for an unknown key, a malformed signature or one that does not match. */
  verify(keyId: string, statement: string, signatureBase64: string): boolean {
    const key = this.keys.get(keyId);
    if (!key) return false;
    try {
      return verify(null, Buffer.from(statement, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
    } catch {
      return false;
    }
  }
}

/** The Ed25519 key that signs checkpoints, and the key ring that verifies them. */
export class AuditSigningKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly ring: AuditKeyRing;

  private constructor(
    private readonly privateKey: KeyObject,
    verificationKeys: readonly string[],
  ) {
    const publicKey = createPublicKey(privateKey);
    this.keyId = auditKeyId(publicKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.ring = new AuditKeyRing([publicKey, ...verificationKeys.map((pem) => parsePublicKey(pem))]);
  }

  /**
   * The configured key (PKCS#8 PEM, or its base64); without one, the key in
   * `${dataDir}/audit-signing-key.pem`, generated (mode 0600) on first use with a warning.
   */
  static async load(options: { signingKey?: string; dataDir: string; verificationKeys?: string[] }, logger = new Logger('AuditSigningKey')): Promise<AuditSigningKey> {
    const verificationKeys = options.verificationKeys ?? [];
    if (options.signingKey) return new AuditSigningKey(parsePrivateKey(options.signingKey, 'STRATA_AUDIT_SIGNING_KEY'), verificationKeys);
    const file = path.resolve(options.dataDir, SIGNING_KEY_FILE);
    const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new AuditSigningKeyError(`Cannot read the audit signing key ${file}: ${error.message}`, error);
    });
    if (existing !== undefined) {
      const mode = (await stat(file)).mode & 0o777;
      if (mode & 0o077) logger.warn(`The audit signing key ${file} is readable by other users (mode ${mode.toString(8)}); chmod 600 it.`);
      return new AuditSigningKey(parsePrivateKey(existing, file), verificationKeys);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside, then linked into place: link fails if another process got there first (we then
    // use its key), and no process ever reads a half-written file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(partial, pem, { mode: 0o600, flag: 'wx' });
      await chmod(partial, 0o600);
      await link(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return AuditSigningKey.load(options, logger);
      throw new AuditSigningKeyError(`Cannot write the audit signing key ${file}: ${(error as Error).message}`, error);
    } finally {
      await unlink(partial).catch(() => undefined);
    }
    const key = new AuditSigningKey(privateKey, verificationKeys);
    logger.warn(
      `STRATA_AUDIT_SIGNING_KEY is not set: generated an audit signing key (keyId ${key.keyId}) in ${file}. ` +
        'In production set STRATA_AUDIT_SIGNING_KEY, and give auditors the public key (GET /governance/audit/public-key).',
    );
    return key;
  }

  /** Base64 of the 64-byte Ed25519 signature over the UTF-8 statement. */
  sign(statement: string): string {
    return sign(null, Buffer.from(statement, 'utf8'), this.privateKey).toString('base64');
  }
}

function parsePrivateKey(value: string, source: string): KeyObject {
  const text = value.trim();
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) {
      key = createPrivateKey({ key: text, format: 'pem' });
    } else {
      const decoded = Buffer.from(text, 'base64');
      const asText = decoded.toString('utf8');
      key = asText.trimStart().startsWith('-----BEGIN')
        ? createPrivateKey({ key: asText, format: 'pem' })
        : createPrivateKey({ key: decoded, format: 'der', type: 'pkcs8' });
    }
  } catch (error) {
    throw new AuditSigningKeyError(`${source} is not a PKCS#8 private key (PEM, or its base64): ${(error as Error).message}`, error);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditSigningKeyError(`${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; audit checkpoints need an Ed25519 key.`);
  }
  return key;
}

function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem.trim(), format: 'pem' });
  } catch (error) {
    throw new AuditSigningKeyError(`An audit verification key is not a public key in PEM: ${(error as Error).message}`, error);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AuditSigningKeyError(`An audit verification key is ${key.asymmetricKeyType}, not Ed25519.`);
  return key;
}
