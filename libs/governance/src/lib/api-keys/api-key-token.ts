import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `strata_<prefix>_<secret>`: the prefix (12 base32 characters) finds the key
 * without a scan and is safe to show; the secret (32 random bytes, base64url) is stored only as its
 * SHA-256. A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to
 * brute-force, and authentication stays cheap on every request.
 */
const PATTERN = /^strata_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export interface NewApiKey {
  token: string;
  prefix: string;
  secretHash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = Array.from(randomBytes(12), (byte) => BASE32[byte % 32]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { token: `strata_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(token: string): { prefix: string; secret: string } | null {
  const match = PATTERN.exec(token);
  return match ? { prefix: match[1] as string, secret: match[2] as string } : null;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('strata_');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
