import { describe, expect, it } from 'vitest';
import { orderCandidates } from './routing-strategies';
import { testModel, testProvider } from './routing-test-catalog';

const a = testModel(testProvider('a'), 'm', { inputPricePerMTok: 3, outputPricePerMTok: 15 });
const b = testModel(testProvider('b'), 'm', { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6 });
const c = testModel(testProvider('c'), 'm', { inputPricePerMTok: 1, outputPricePerMTok: 100 });
const names = (list: Array<{ name: string }>) => list.map((entry) => entry.name);

/** A seeded generator (mulberry32) so the weighted test is deterministic. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = { random: Math.random, latencyOf: () => undefined, promptTokens: 1000, outputTokens: 100 };

describe('routing strategies', () => {
  it('priority keeps the alias order', () => {
    expect(names(orderCandidates([{ entry: a, weight: 1 }, { entry: b, weight: 1 }, { entry: c, weight: 1 }], 'priority', base))).toEqual(['a/m', 'b/m', 'c/m']);
  });

  it('lowest-cost orders by the estimated price of this call (prompt and output tokens)', () => {
    const candidates = [{ entry: a, weight: 1 }, { entry: b, weight: 1 }, { entry: c, weight: 1 }];
    // 1000 in + 100 out: a = 0.0045, b = 0.00021, c = 0.011
    expect(names(orderCandidates(candidates, 'lowest-cost', base))).toEqual(['b/m', 'a/m', 'c/m']);
    // 1000 in + 0 out: c (0.001) is cheaper than a (0.003)
    expect(names(orderCandidates(candidates, 'lowest-cost', { ...base, outputTokens: 0 }))).toEqual(['b/m', 'c/m', 'a/m']);
  });

  it('lowest-latency orders by the moving average, trying unmeasured endpoints first', () => {
    const latency = new Map([
      [a.name, 900],
      [c.name, 120],
    ]);
    const ordered = orderCandidates([{ entry: a, weight: 1 }, { entry: b, weight: 1 }, { entry: c, weight: 1 }], 'lowest-latency', {
      ...base,
      latencyOf: (entry) => latency.get(entry.name),
    });
    expect(names(ordered)).toEqual(['b/m', 'c/m', 'a/m']);
  });

  it('weighted picks the first candidate in proportion to the weights and keeps every candidate as fallback', () => {
    const random = seeded(42);
    const firsts = new Map<string, number>();
    const runs = 5_000;
    for (let run = 0; run < runs; run++) {
      const ordered = orderCandidates([{ entry: a, weight: 1 }, { entry: b, weight: 3 }, { entry: c, weight: 6 }], 'weighted', { ...base, random });
      if (ordered.length !== 3) throw new Error('a candidate went missing');
      firsts.set(ordered[0].name, (firsts.get(ordered[0].name) ?? 0) + 1);
    }
    expect((firsts.get('a/m') ?? 0) / runs).toBeCloseTo(0.1, 1);
    expect((firsts.get('b/m') ?? 0) / runs).toBeCloseTo(0.3, 1);
    expect((firsts.get('c/m') ?? 0) / runs).toBeCloseTo(0.6, 1);
  });
});
