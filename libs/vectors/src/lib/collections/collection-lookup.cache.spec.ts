import { describe, expect, it } from 'vitest';
import { CollectionLookupCache } from './collection-lookup.cache';
import type { CollectionRow } from './collections.repository';

const row = (id: string) => ({ id, name: `c-${id}` }) as unknown as CollectionRow;

describe('CollectionLookupCache', () => {
  it('loads once per TTL and tenant, shares concurrent loads, and reloads after the TTL', async () => {
    const cache = new CollectionLookupCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      return row(`v${loads}`);
    };
    const [a, b] = await Promise.all([cache.lookup('t1', 'docs', 0, load), cache.lookup('t1', 'docs', 10, load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    await cache.lookup('t2', 'docs', 10, load);
    expect(loads).toBe(2);
    expect((await cache.lookup('t1', 'docs', CollectionLookupCache.TTL_MS - 1, load))?.id).toBe('v1');
    expect((await cache.lookup('t1', 'docs', CollectionLookupCache.TTL_MS, load))?.id).toBe('v3');
  });

  it('forgets a tenant’s entries on invalidate, and never keeps a miss or a failure', async () => {
    const cache = new CollectionLookupCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      return row(`v${loads}`);
    };
    await cache.lookup('t1', 'docs', 0, load);
    await cache.lookup('t2', 'docs', 0, load);
    cache.invalidate('t1');
    expect((await cache.lookup('t1', 'docs', 1, load))?.id).toBe('v3');
    expect((await cache.lookup('t2', 'docs', 1, load))?.id).toBe('v2');

    expect(await cache.lookup('t1', 'missing', 0, async () => null)).toBeNull();
    expect((await cache.lookup('t1', 'missing', 1, async () => row('created')))?.id).toBe('created');
    await expect(cache.lookup('t1', 'broken', 0, async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await cache.lookup('t1', 'broken', 1, async () => row('back')))?.id).toBe('back');
  });
});
