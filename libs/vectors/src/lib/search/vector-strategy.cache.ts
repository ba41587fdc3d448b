import type { ChunkScope } from './chunk-search.repository';
import type { VectorStrategy } from './vector-search-plan';

/**
 * The strategy recently chosen for a scope (tenant, collection, filter), so that repeated searches
 * of one scope skip the count of its rows (up to 10,001 index entries) that chose it. The choice is
 * a cost heuristic, not a correctness matter: both strategies return the scope's nearest rows (the
 * index with iterative scans, recall ≥ 0.95), so a verdict up to {@link VectorStrategyCache.TTL_MS}
 * old (a scope that crossed the 10,000-row line since) costs at most some speed or some recall for
 * that long. Scopes narrowed by a conditional document read policy are not cached (the readable set
 * is per caller).
 */
export class VectorStrategyCache {
  static readonly TTL_MS = 5_000;
  /** Bounds memory: beyond this many scopes the oldest is dropped. */
  static readonly MAX_ENTRIES = 10_000;

  private readonly entries = new Map<string, { strategy: VectorStrategy; decidedAtMs: number }>();

  /** The cache key of a scope, or undefined when the scope is not cacheable. */
  static keyOf(tenantId: string, scope: ChunkScope): string | undefined {
    if (scope.readableDocumentIds) return undefined;
    return JSON.stringify([tenantId, scope.collectionId, scope.filter?.documentIds ?? null, scope.filter?.metadata ?? null]);
  }

  get(key: string, nowMs: number): VectorStrategy | undefined {
    const cached = this.entries.get(key);
    if (cached && nowMs - cached.decidedAtMs < VectorStrategyCache.TTL_MS && nowMs >= cached.decidedAtMs) return cached.strategy;
    return undefined;
  }

  set(key: string, strategy: VectorStrategy, nowMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= VectorStrategyCache.MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { strategy, decidedAtMs: nowMs });
  }
}
