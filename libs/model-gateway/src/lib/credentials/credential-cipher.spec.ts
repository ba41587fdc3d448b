import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialCipher, CredentialOpenError } from './credential-cipher';
import { ModelKeyRing } from './model-key-ring';

const key = () => randomBytes(32);
const binding = { tenantId: '0197a3b0-0000-7000-8000-000000000001', providerId: '0197a3b0-0000-7000-8000-00000000000a' };
const secret = JSON.stringify({ type: 'api-key', apiKey: 'sk-test-0123456789abcdef' });

describe('CredentialCipher (AES-256-GCM envelope)', () => {
  const k1 = key();
  const k2 = key();
  const ring1 = new ModelKeyRing([{ keyId: 'k1', key: k1 }]);

  it('round-trips, with a fresh data key and IVs each time, and no plaintext in the sealed form', () => {
    const cipher = new CredentialCipher(ring1);
    const a = cipher.seal(binding, secret);
    const b = cipher.seal(binding, secret);
    expect(a.keyId).toBe('k1');
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.sealed).not.toContain('sk-test');
    expect(Buffer.from(a.sealed.split('.')[3], 'base64url').toString('latin1')).not.toContain('sk-test');
    expect(cipher.open(binding, a.sealed)).toBe(secret);
    expect(CredentialCipher.keyIdOf(a.sealed)).toBe('k1');
  });

  it('detects tampering with the ciphertext, the wrapped key or the key id', () => {
    const cipher = new CredentialCipher(new ModelKeyRing([{ keyId: 'k1', key: k1 }, { keyId: 'k2', key: k2 }]));
    const { sealed } = cipher.seal(binding, secret);
    const [version, keyId, wrapped, body] = sealed.split('.');
    const flip = (part: string, index: number) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[index] ^= 0x01;
      return bytes.toString('base64url');
    };
    const tampered = [
      [version, keyId, wrapped, flip(body, body.length > 40 ? 30 : 0)].join('.'),
      [version, keyId, flip(wrapped, 40), body].join('.'),
      [version, keyId, wrapped, flip(body, 13)].join('.'), // the tag
      [version, 'k2', wrapped, body].join('.'), // relabelled with another configured key
      [version, keyId, wrapped, body.slice(0, 10)].join('.'),
      'v0.k1.x.y',
      'not sealed',
    ];
    for (const value of tampered) expect(() => cipher.open(binding, value)).toThrow(CredentialOpenError);
  });

  it('binds a ciphertext to its tenant and provider row (AAD): it cannot be moved', () => {
    const cipher = new CredentialCipher(ring1);
    const { sealed } = cipher.seal(binding, secret);
    expect(() => cipher.open({ ...binding, providerId: '0197a3b0-0000-7000-8000-00000000000b' }, sealed)).toThrow(CredentialOpenError);
    expect(() => cipher.open({ ...binding, tenantId: '0197a3b0-0000-7000-8000-000000000002' }, sealed)).toThrow(CredentialOpenError);
  });

  it('rotates: a new first key encrypts new writes, old keys still decrypt, rewrap moves old ones to the active key', () => {
    const old = new CredentialCipher(ring1).seal(binding, secret);
    const rotated = new CredentialCipher(new ModelKeyRing([{ keyId: 'k2', key: k2 }, { keyId: 'k1', key: k1 }]));
    expect(rotated.seal(binding, secret).keyId).toBe('k2');
    expect(rotated.open(binding, old.sealed)).toBe(secret);

    const rewrapped = rotated.rewrap(binding, old.sealed);
    expect(rewrapped.keyId).toBe('k2');
    // The content ciphertext is kept; only the data key was re-wrapped.
    expect(rewrapped.sealed.split('.')[3]).toBe(old.sealed.split('.')[3]);

    // With the old key retired, the re-wrapped credential opens and the old form no longer does.
    const retired = new CredentialCipher(new ModelKeyRing([{ keyId: 'k2', key: k2 }]));
    expect(retired.open(binding, rewrapped.sealed)).toBe(secret);
    expect(() => retired.open(binding, old.sealed)).toThrow(/key k1 is not in STRATA_MODEL_KEYS/);
    // A rewrap for the wrong row fails instead of blessing it.
    expect(() => rotated.rewrap({ ...binding, providerId: '0197a3b0-0000-7000-8000-00000000000c' }, old.sealed)).toThrow(CredentialOpenError);
  });

  it('never puts the secret in an error message', () => {
    const cipher = new CredentialCipher(ring1);
    const { sealed } = cipher.seal(binding, secret);
    try {
      cipher.open({ ...binding, tenantId: 'other' }, sealed);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('sk-test');
    }
  });
});
