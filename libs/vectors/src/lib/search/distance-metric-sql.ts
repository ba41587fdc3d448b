import { Prisma } from '@strata/db';
import type { DistanceMetric } from '../vectors.contract';

/**
 * Embedding sizes with partial HNSW indexes (libs/db/prisma/wip-manual/vectors-search.sql): one
 * per size and metric, on `(embedding::vector(N))` where `dimensions = N AND metric = '<metric>'`.
 * Collections of other sizes are searched exactly (a sequential scan of their rows): still correct,
 * slower on large collections. Add a size here and in that file together.
 */
export const INDEXED_DIMENSIONS: readonly number[] = [384, 768, 1024, 1536];

/** pgvector's limit for HNSW on the `vector` type; also what we accept as a query vector. */
export const MAX_VECTOR_DIMENSIONS = 16_000;

interface MetricSql {
  /** pgvector's distance operator (smaller is closer). */
  operator: '<=>' | '<->' | '<#>';
  /** The operator class of the HNSW index for this metric. */
  opclass: string;
  /** Higher-is-better score of a distance: what `SearchHit.scores.vector` reports. */
  similarity(distance: number): number;
}

export const METRIC_SQL: Record<DistanceMetric, MetricSql> = {
  // Cosine distance is 1 - cos(θ): similarity is the cosine itself.
  cosine: { operator: '<=>', opclass: 'vector_cosine_ops', similarity: (distance) => 1 - distance },
  // Euclidean distance mapped into (0, 1]: 1 at distance 0.
  l2: { operator: '<->', opclass: 'vector_l2_ops', similarity: (distance) => 1 / (1 + distance) },
  // `<#>` is the negative inner product (so that smaller is closer): the score is the inner product.
  inner_product: { operator: '<#>', opclass: 'vector_ip_ops', similarity: (distance) => -distance },
};

export function isIndexed(dimensions: number): boolean {
  return INDEXED_DIMENSIONS.includes(dimensions);
}

function requireDimensions(dimensions: number): number {
  // Interpolated into SQL as a literal (a typmod and a partial index predicate cannot be parameters): checked here.
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_VECTOR_DIMENSIONS) throw new RangeError(`invalid vector dimensions ${dimensions}`);
  return dimensions;
}

/** pgvector's text form of a vector: `[0.1,0.2,…]` (non-finite numbers refused). */
export function vectorLiteral(values: readonly number[]): string {
  for (const value of values) if (!Number.isFinite(value)) throw new RangeError('a query vector holds a non-finite number');
  return `[${values.join(',')}]`;
}

/**
 * The distance expression over the chunk aliased `alias` to the query vector. `indexed`: written
 * exactly as the HNSW index's expression (`(embedding::vector(N))`), with the `dimensions` literal
 * the partial index's predicate needs, so the planner can serve ORDER BY … LIMIT from the index.
 * Not indexed: the untyped column, which no index matches, so the scan is exact.
 */
export function distanceSql(alias: string, metric: DistanceMetric, dimensions: number, query: readonly number[], indexed: boolean): Prisma.Sql {
  const n = requireDimensions(dimensions);
  const op = Prisma.raw(METRIC_SQL[metric].operator);
  const column = Prisma.raw(indexed ? `(${alias}.embedding::vector(${n}))` : `${alias}.embedding`);
  return Prisma.sql`${column} ${op} ${vectorLiteral(query)}::vector(${Prisma.raw(String(n))})`;
}

/** The partial indexes' predicate: a literal, so it matches theirs (a bound parameter would not). */
export function indexPredicateSql(alias: string, metric: DistanceMetric, dimensions: number): Prisma.Sql {
  const n = requireDimensions(dimensions);
  if (!Object.hasOwn(METRIC_SQL, metric)) throw new RangeError(`unknown metric ${String(metric)}`);
  return Prisma.raw(`${alias}.dimensions = ${n} AND ${alias}.metric = '${metric}'`);
}
