import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { ModelKeyConfigError } from './credentials.errors';

/** The key file used when STRATA_MODEL_KEYS is unset: the same `keyId:base64` list, one key a line, first active. */
export const MODEL_KEYS_FILE = 'model-keys';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The key-encryption keys (KEKs) of provider credentials. The first key wraps new data keys; every
 * key unwraps, so a credential written under an earlier key stays readable until a rotation re-wraps
 * it. Keys never leave this object (no getter returns them).
 */
export class ModelKeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keys: ReadonlyArray<{ keyId: string; key: Buffer }>) {
    if (!keys.length) throw new ModelKeyConfigError('At least one model key-encryption key is needed.');
    const map = new Map<string, Buffer>();
    for (const { keyId, key } of keys) {
      if (!KEY_ID.test(keyId)) throw new ModelKeyConfigError(`Model key id ${JSON.stringify(keyId.slice(0, 40))} must be 1-32 letters, digits, - or _.`);
      if (key.length !== KEY_BYTES) throw new ModelKeyConfigError(`Model key ${keyId} is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES} (base64 of 32 random bytes).`);
      if (map.has(keyId)) throw new ModelKeyConfigError(`Model key id ${keyId} appears twice.`);
      map.set(keyId, Buffer.from(key));
    }
    this.keys = map;
    this.activeKeyId = keys[0].keyId;
  }

  /** Parses `keyId:base64, keyId2:base64` (STRATA_MODEL_KEYS, or the key file's lines). */
  static parse(text: string, source = 'STRATA_MODEL_KEYS'): ModelKeyRing {
    const entries = text
      .split(/[,\n]/)
      .map((part) => part.trim())
      .filter((part) => part && !part.startsWith('#'))
      .map((part) => {
        const separator = part.indexOf(':');
        if (separator < 1) throw new ModelKeyConfigError(`${source}: each key must be keyId:base64.`);
        const keyId = part.slice(0, separator);
        const encoded = part.slice(separator + 1);
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new ModelKeyConfigError(`${source}: key ${keyId} is not base64.`);
        return { keyId, key: Buffer.from(encoded, 'base64') };
      });
    return new ModelKeyRing(entries);
  }

  /** A fresh `keyId:base64` entry (rotation: put it first in STRATA_MODEL_KEYS). */
  static generateEntry(keyId = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`): string {
    return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  /**
   * The configured keys; without them, the keys in `${dataDir}/model-keys`, generated (mode 0600)
   * on first use with a warning, the way the audit signing key is.
   */
  static async load(options: { keys?: string; dataDir: string }, logger = new Logger('ModelKeyRing')): Promise<ModelKeyRing> {
    if (options.keys) return ModelKeyRing.parse(options.keys);
    const file = path.resolve(options.dataDir, MODEL_KEYS_FILE);
    const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new ModelKeyConfigError(`Cannot read the model key file ${file}: ${error.message}`, error);
    });
    if (existing !== undefined) {
      const mode = (await stat(file)).mode & 0o777;
      if (mode & 0o077) logger.warn(`The model key file ${file} is readable by other users (mode ${mode.toString(8)}); chmod 600 it.`);
      return ModelKeyRing.parse(existing, file);
    }
    const entry = ModelKeyRing.generateEntry();
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside, then linked into place: link fails if another process got there first (we then
    // use its key), and no process ever reads a half-written file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(partial, `${entry}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(partial, 0o600);
      await link(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return ModelKeyRing.load(options, logger);
      throw new ModelKeyConfigError(`Cannot write the model key file ${file}: ${(error as Error).message}`, error);
    } finally {
      await unlink(partial).catch(() => undefined);
    }
    const ring = ModelKeyRing.parse(entry, file);
    logger.warn(
      `STRATA_MODEL_KEYS is not set: generated a key-encryption key for model provider credentials (key id ${ring.activeKeyId}) in ${file}. ` +
        'In production set STRATA_MODEL_KEYS and keep it out of the database backups.',
    );
    return ring;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** @internal For the cipher only. */
  keyFor(keyId: string): Buffer | undefined {
    return this.keys.get(keyId);
  }
}
