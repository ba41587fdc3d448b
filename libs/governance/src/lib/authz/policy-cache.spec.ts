import { describe, expect, it, vi } from 'vitest';
import type { StoredPolicy } from '../policies/policies.repository';
import type { StrataAbility } from './compile-ability';
import { PolicyCache } from './policy-cache';

const policy = (version: number): StoredPolicy => ({ version, rules: [], comment: '', createdAt: new Date(0), createdById: null });

describe('PolicyCache', () => {
  it('loads a tenant’s policy once per TTL and shares a load between concurrent callers', async () => {
    const cache = new PolicyCache();
    const load = vi.fn(async () => policy(1));
    const [a, b] = await Promise.all([cache.latest('t1', 0, load), cache.latest('t1', 1, load)]);
    expect([a?.version, b?.version, load.mock.calls.length]).toEqual([1, 1, 1]);
    await cache.latest('t1', PolicyCache.TTL_MS - 1, load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.latest('t1', PolicyCache.TTL_MS, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets a tenant’s policy and abilities when it publishes, and does not keep failed loads', async () => {
    const cache = new PolicyCache();
    await cache.latest('t1', 0, async () => policy(1));
    const compiled = {} as StrataAbility;
    cache.ability('t1|1|user|u', 0, () => compiled);
    cache.ability('t2|1|user|u', 0, () => compiled);
    cache.invalidate('t1');
    expect((await cache.latest('t1', 1, async () => policy(2)))?.version).toBe(2);
    const fresh = {} as StrataAbility;
    expect(cache.ability('t1|1|user|u', 1, () => fresh)).toBe(fresh);
    expect(cache.ability('t2|1|user|u', 1, () => fresh)).toBe(compiled);

    await expect(cache.latest('t3', 0, async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await cache.latest('t3', 1, async () => policy(7)))?.version).toBe(7);
  });

  it('stays within its size bound', () => {
    const cache = new PolicyCache();
    for (let i = 0; i <= PolicyCache.MAX_ABILITIES; i += 1) cache.ability(`t|${i}`, 0, () => ({}) as StrataAbility);
    const fresh = {} as StrataAbility;
    expect(cache.ability('t|0', 0, () => fresh)).toBe(fresh);
  });
});
