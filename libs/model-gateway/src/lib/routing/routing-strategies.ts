import type { RoutingStrategy } from '../catalog/catalog.schemas';
import type { CatalogEntry } from './tenant-catalog';

export interface WeightedCandidate {
  entry: CatalogEntry;
  weight: number;
}

export interface OrderingInputs {
  /** [0, 1); injectable so tests are deterministic. */
  random: () => number;
  /** Moving-average latency of a candidate's endpoint; undefined when never observed. */
  latencyOf: (entry: CatalogEntry) => number | undefined;
  promptTokens: number;
  outputTokens: number;
}

/** Estimated USD of a call on `entry` (prices are per million tokens). */
export function estimatedCost(entry: CatalogEntry, promptTokens: number, outputTokens: number): number {
  return (entry.inputPricePerMTok * promptTokens + entry.outputPricePerMTok * outputTokens) / 1_000_000;
}

/**
 * The order in which an alias's candidates are tried: the first is the route, the rest the fallback
 * chain. Ties keep the alias's own order.
 * - priority: as listed.
 * - weighted: a weighted random permutation (Efraimidis–Spirakis: key = u^(1/w), highest first), so
 *   the first candidate is picked with probability weight/sum and the fallbacks follow by weight too.
 * - lowest-cost: cheapest estimated call first (this prompt's tokens and the expected output).
 * - lowest-latency: lowest moving-average latency first; endpoints never observed go first, so
 *   each is measured once instead of never being tried.
 */
export function orderCandidates(candidates: readonly WeightedCandidate[], strategy: RoutingStrategy, inputs: OrderingInputs): CatalogEntry[] {
  const indexed = candidates.map((candidate, index) => ({ ...candidate, index }));
  switch (strategy) {
    case 'priority':
      return indexed.map((candidate) => candidate.entry);
    case 'weighted':
      return indexed
        .map((candidate) => ({ candidate, key: Math.pow(Math.max(inputs.random(), Number.MIN_VALUE), 1 / Math.max(candidate.weight, 1)) }))
        .sort((a, b) => b.key - a.key || a.candidate.index - b.candidate.index)
        .map(({ candidate }) => candidate.entry);
    case 'lowest-cost':
      return indexed
        .map((candidate) => ({ candidate, cost: estimatedCost(candidate.entry, inputs.promptTokens, inputs.outputTokens) }))
        .sort((a, b) => a.cost - b.cost || a.candidate.index - b.candidate.index)
        .map(({ candidate }) => candidate.entry);
    case 'lowest-latency':
      return indexed
        .map((candidate) => ({ candidate, latency: inputs.latencyOf(candidate.entry) ?? -1 }))
        .sort((a, b) => a.latency - b.latency || a.candidate.index - b.candidate.index)
        .map(({ candidate }) => candidate.entry);
  }
}
