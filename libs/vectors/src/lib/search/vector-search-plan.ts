import { isIndexed } from './distance-metric-sql';

/**
 * How a vector list is computed, chosen per search (README "Search"):
 * - `index`: the partial HNSW index with pgvector 0.8's iterative scan (relaxed order), so a filter
 *   that drops most of the walked graph still yields the full LIMIT;
 * - `exact`: a scan of the rows in scope, ordered by true distance.
 * An exact scan is both faster and perfectly accurate when few rows are in scope (a small tenant
 * or a selective filter: the btree on (tenant_id, collection_id) finds them, and ~10k distance
 * computations take a few ms), whereas an index scan with a very selective filter walks up to
 * max_scan_tuples graph nodes to find them. The scope's size is counted exactly (capped), since
 * planner statistics do not know a tenant's or a metadata filter's share of the table.
 */
export type VectorStrategy = 'index' | 'exact';

export const VECTOR_PLAN_LIMITS = {
  /** In-scope rows up to which the exact scan is chosen. */
  exactScanMaxRows: 10_000,
  /** hnsw.ef_search floor (pgvector's default is 40); raised to the list depth. */
  efSearchMin: 100,
  efSearchMax: 1_000,
  /** hnsw.max_scan_tuples for the iterative scan (pgvector's default is 20 000). */
  maxScanTuples: 50_000,
  /** Depth of each list fused by hybrid search. */
  hybridDepthMin: 50,
  hybridDepthMax: 200,
} as const;

export function chooseVectorStrategy(dimensions: number, rowsInScope: number, requested: VectorStrategy | 'auto' = 'auto'): VectorStrategy {
  if (!isIndexed(dimensions)) return 'exact';
  if (requested !== 'auto') return requested;
  return rowsInScope <= VECTOR_PLAN_LIMITS.exactScanMaxRows ? 'exact' : 'index';
}

/** hnsw.ef_search for a list of `depth` results: at least depth (the walk's candidate queue bounds what it can return). */
export function efSearchFor(depth: number): number {
  return Math.min(VECTOR_PLAN_LIMITS.efSearchMax, Math.max(VECTOR_PLAN_LIMITS.efSearchMin, depth * 2));
}

/** How many results each list contributes: topK alone, or a deeper list for hybrid fusion. */
export function listDepth(mode: 'vector' | 'text' | 'hybrid', topK: number): number {
  if (mode !== 'hybrid') return topK;
  return Math.min(VECTOR_PLAN_LIMITS.hybridDepthMax, Math.max(VECTOR_PLAN_LIMITS.hybridDepthMin, topK * 2));
}
