import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_KEYS_FILE, ModelKeyRing } from './model-key-ring';

const silent = { warn: () => undefined } as never;

describe('ModelKeyRing', () => {
  it('parses STRATA_MODEL_KEYS: the first key is active, all are known', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const ring = ModelKeyRing.parse(`new:${a}, old:${b}`);
    expect(ring.activeKeyId).toBe('new');
    expect(ring.keyIds).toEqual(['new', 'old']);
  });

  it('refuses short keys, duplicates and junk, without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => ModelKeyRing.parse(`a:${short}`)).toThrow(/16 bytes/);
    const full = randomBytes(32).toString('base64');
    expect(() => ModelKeyRing.parse(`a:${full},a:${full}`)).toThrow(/twice/);
    expect(() => ModelKeyRing.parse('nokey')).toThrow(/keyId:base64/);
    try {
      ModelKeyRing.parse(`a:${short}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('without configured keys, generates one in the data dir (mode 0600) and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'model-keys-'));
    const first = await ModelKeyRing.load({ dataDir: dir }, silent);
    const file = path.join(dir, MODEL_KEYS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await ModelKeyRing.load({ dataDir: dir }, silent);
    expect(again.activeKeyId).toBe(first.activeKeyId);
    // A rotated file (new key first) keeps the old one readable.
    const entry = ModelKeyRing.generateEntry('next');
    await writeFile(file, `${entry}\n${await readFile(file, 'utf8')}`, { mode: 0o600 });
    const rotated = await ModelKeyRing.load({ dataDir: dir }, silent);
    expect(rotated.activeKeyId).toBe('next');
    expect(rotated.has(first.activeKeyId)).toBe(true);
  });

  it('prefers configured keys over the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'model-keys-'));
    const ring = await ModelKeyRing.load({ dataDir: dir, keys: `cfg:${randomBytes(32).toString('base64')}` }, silent);
    expect(ring.activeKeyId).toBe('cfg');
    await expect(stat(path.join(dir, MODEL_KEYS_FILE))).rejects.toThrow();
  });
});
