import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';

describe('reciprocalRankFusion', () => {
  it('scores each id by the sum of weight / (k + rank) over the lists that hold it', () => {
    const fused = reciprocalRankFusion(
      [
        { ids: ['a', 'b', 'c'], weight: 1 },
        { ids: ['c', 'a'], weight: 1 },
      ],
      60,
    );
    expect(fused.map((entry) => entry.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]).toEqual({ id: 'a', score: 1 / 61 + 1 / 62, ranks: [1, 2] });
    expect(fused[1]).toEqual({ id: 'c', score: 1 / 63 + 1 / 61, ranks: [3, 1] });
    expect(fused[2]).toEqual({ id: 'b', score: 1 / 62, ranks: [2, undefined] });
  });

  it('lets the weights decide between two lists that disagree', () => {
    const lists = (vector: number, text: number) => [
      { ids: ['v1', 'v2', 'v3'], weight: vector },
      { ids: ['t1', 't2', 't3'], weight: text },
    ];
    expect(reciprocalRankFusion(lists(1, 1)).map((e) => e.id)).toEqual(['v1', 't1', 'v2', 't2', 'v3', 't3']);
    expect(reciprocalRankFusion(lists(1, 3)).map((e) => e.id).slice(0, 3)).toEqual(['t1', 't2', 't3']);
    expect(reciprocalRankFusion(lists(0, 1)).map((e) => e.id).slice(0, 3)).toEqual(['t1', 't2', 't3']);
  });

  it('makes a small k favour the top ranks and a large k flatten them', () => {
    const lists = [
      { ids: ['x', 'shared'], weight: 1 },
      { ids: ['y', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'shared'], weight: 1 },
    ];
    // k=1: x (1/2) beats shared (1/3 + 1/11); k=60: shared (1/62 + 1/70) beats x (1/61).
    expect(reciprocalRankFusion(lists, 1)[0]?.id).toBe('x');
    expect(reciprocalRankFusion(lists, 60)[0]?.id).toBe('shared');
  });

  it('counts an id repeated within one list once, and handles empty lists', () => {
    expect(reciprocalRankFusion([{ ids: ['a', 'a'], weight: 1 }, { ids: [], weight: 1 }])).toEqual([{ id: 'a', score: 1 / 61, ranks: [1, undefined] }]);
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
