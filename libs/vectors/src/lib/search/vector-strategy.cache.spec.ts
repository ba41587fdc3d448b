import { describe, expect, it } from 'vitest';
import { VectorStrategyCache } from './vector-strategy.cache';

describe('VectorStrategyCache', () => {
  it('keys a scope by tenant, collection and filter, and never caches a per-caller document policy', () => {
    const key = VectorStrategyCache.keyOf('t1', { collectionId: 'c1', filter: { metadata: { group: 'rare' } } });
    expect(key).toBe(VectorStrategyCache.keyOf('t1', { collectionId: 'c1', filter: { metadata: { group: 'rare' } } }));
    expect(key).not.toBe(VectorStrategyCache.keyOf('t2', { collectionId: 'c1', filter: { metadata: { group: 'rare' } } }));
    expect(key).not.toBe(VectorStrategyCache.keyOf('t1', { collectionId: 'c1' }));
    expect(key).not.toBe(VectorStrategyCache.keyOf('t1', { collectionId: 'c2', filter: { metadata: { group: 'rare' } } }));
    expect(VectorStrategyCache.keyOf('t1', { collectionId: 'c1', readableDocumentIds: [] })).toBeUndefined();
  });

  it('keeps a verdict for the TTL only', () => {
    const cache = new VectorStrategyCache();
    cache.set('k', 'index', 1_000);
    expect(cache.get('k', 1_000 + VectorStrategyCache.TTL_MS - 1)).toBe('index');
    expect(cache.get('k', 1_000 + VectorStrategyCache.TTL_MS)).toBeUndefined();
    expect(cache.get('other', 1_000)).toBeUndefined();
  });
});
