import { describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-token';

describe('API key tokens', () => {
  it('round-trip: the token parses to its prefix and a secret matching the stored hash', () => {
    const key = generateApiKey();
    const parsed = parseApiKey(key.token);
    expect(parsed?.prefix).toBe(key.prefix);
    expect(secretMatches(parsed?.secret ?? '', key.secretHash)).toBe(true);
    expect(key.secretHash).not.toContain(parsed?.secret ?? '-');
  });

  it('are unique and reject tampering', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().token));
    expect(keys.size).toBe(200);
    const key = generateApiKey();
    const parsed = parseApiKey(key.token);
    const flipped = `${parsed?.secret.slice(0, -1)}${parsed?.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(flipped, key.secretHash)).toBe(false);
    expect(parseApiKey('strata_short_secret')).toBeNull();
    expect(parseApiKey(`${key.token}x`)).toBeNull();
  });
});
