import { describe, expect, it } from 'vitest';
import { VerifiedApiKeyCache, type VerifiedApiKey } from './verified-api-key-cache';

function entry(keyId: string, verifiedAtMs: number): VerifiedApiKey {
  return {
    keyId,
    secretHash: 'h',
    principal: { tenantId: 't', actor: { type: 'service_account', id: 'sa', roles: ['builder'] }, via: 'api_key', credentialId: keyId },
    expiresAt: null,
    verifiedAtMs,
    touchedAtMs: verifiedAtMs,
  };
}

describe('VerifiedApiKeyCache', () => {
  it('serves an entry for at most TTL_MS, then forgets it', () => {
    const cache = new VerifiedApiKeyCache();
    cache.set('p1', entry('k1', 1_000));
    expect(cache.get('p1', 1_000 + VerifiedApiKeyCache.TTL_MS - 1)?.keyId).toBe('k1');
    expect(cache.get('p1', 1_000 + VerifiedApiKeyCache.TTL_MS)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not trust an entry from the future (clock moved back)', () => {
    const cache = new VerifiedApiKeyCache();
    cache.set('p1', entry('k1', 5_000));
    expect(cache.get('p1', 4_000)).toBeUndefined();
  });

  it('forgets a revoked key by id and everything when a principal changes', () => {
    const cache = new VerifiedApiKeyCache();
    cache.set('p1', entry('k1', 0));
    cache.set('p2', entry('k2', 0));
    cache.forgetKey('k1');
    expect(cache.get('p1', 1)).toBeUndefined();
    expect(cache.get('p2', 1)?.keyId).toBe('k2');
    cache.clear();
    expect(cache.get('p2', 1)).toBeUndefined();
  });

  it('stays within its size bound, dropping the oldest entry', () => {
    const cache = new VerifiedApiKeyCache();
    for (let i = 0; i <= VerifiedApiKeyCache.MAX_ENTRIES; i += 1) cache.set(`p${i}`, entry(`k${i}`, 0));
    expect(cache.size).toBe(VerifiedApiKeyCache.MAX_ENTRIES);
    expect(cache.get('p0', 1)).toBeUndefined();
    expect(cache.get(`p${VerifiedApiKeyCache.MAX_ENTRIES}`, 1)).toBeDefined();
  });
});
