import { describe, expect, it } from 'vitest';
import { chooseVectorStrategy, efSearchFor, listDepth, VECTOR_PLAN_LIMITS } from './vector-search-plan';

describe('vector search plan', () => {
  it('scans exactly when few rows are in scope, through the index otherwise', () => {
    expect(chooseVectorStrategy(384, 10)).toBe('exact');
    expect(chooseVectorStrategy(384, VECTOR_PLAN_LIMITS.exactScanMaxRows)).toBe('exact');
    expect(chooseVectorStrategy(384, VECTOR_PLAN_LIMITS.exactScanMaxRows + 1)).toBe('index');
    expect(chooseVectorStrategy(1536, 1_000_000)).toBe('index');
  });

  it('always scans exactly for sizes without an index, whatever is asked', () => {
    expect(chooseVectorStrategy(3, 1_000_000)).toBe('exact');
    expect(chooseVectorStrategy(512, 1_000_000, 'index')).toBe('exact');
  });

  it('honours an explicit strategy for indexed sizes', () => {
    expect(chooseVectorStrategy(384, 10, 'index')).toBe('index');
    expect(chooseVectorStrategy(384, 1_000_000, 'exact')).toBe('exact');
  });

  it('sizes ef_search and list depth within their bounds', () => {
    expect(efSearchFor(10)).toBe(VECTOR_PLAN_LIMITS.efSearchMin);
    expect(efSearchFor(100)).toBe(200);
    expect(efSearchFor(10_000)).toBe(VECTOR_PLAN_LIMITS.efSearchMax);
    expect(listDepth('vector', 7)).toBe(7);
    expect(listDepth('hybrid', 7)).toBe(VECTOR_PLAN_LIMITS.hybridDepthMin);
    expect(listDepth('hybrid', 100)).toBe(VECTOR_PLAN_LIMITS.hybridDepthMax);
  });
});
