/** One ranked list entering the fusion: ids best first. */
export interface RankedList {
  ids: readonly string[];
  weight: number;
}

export interface FusedEntry {
  id: string;
  score: number;
  /** 1-based rank of the id in each input list (undefined where the list lacks it). */
  ranks: Array<number | undefined>;
}

/** RRF's usual constant (Cormack, Clarke, Büttcher 2009): damps the weight of the very top ranks. */
export const DEFAULT_RRF_K = 60;

/**
 * Reciprocal rank fusion: score(id) = Σ weight_i / (k + rank_i) over the lists that hold the id.
 * It only looks at ranks, so a cosine similarity and a ts_rank_cd (different scales) fuse without
 * normalisation. Ties are broken by the best single rank, then by first appearance, so the order is
 * deterministic.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = DEFAULT_RRF_K): FusedEntry[] {
  const entries = new Map<string, FusedEntry & { order: number; bestRank: number }>();
  let order = 0;
  lists.forEach((list, listIndex) => {
    list.ids.forEach((id, index) => {
      const rank = index + 1;
      let entry = entries.get(id);
      if (!entry) {
        entry = { id, score: 0, ranks: lists.map(() => undefined), order: order++, bestRank: rank };
        entries.set(id, entry);
      }
      if (entry.ranks[listIndex] !== undefined) return; // a list repeating an id counts once
      entry.ranks[listIndex] = rank;
      entry.score += list.weight / (k + rank);
      entry.bestRank = Math.min(entry.bestRank, rank);
    });
  });
  return [...entries.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.order - b.order)
    .map(({ id, score, ranks }) => ({ id, score, ranks }));
}
