/** Deterministic pseudo-random numbers (mulberry32) for generated test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  return vector;
}

/** Cosine distance of two unit vectors. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return 1 - dot;
}

/** Exact (brute-force) k nearest ids by cosine distance: the ground truth recall is measured against. */
export function exactNearest(query: Float32Array, points: ReadonlyArray<{ id: string; vector: Float32Array }>, k: number): string[] {
  return points
    .map((point) => ({ id: point.id, distance: cosineDistance(query, point.vector) }))
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((entry) => entry.id);
}

/**
 * recall@k that counts a found id as right when it is as near as the k-th exact neighbour: hashed
 * embeddings tie, and which of several equally near rows comes 10th is arbitrary.
 */
export function recallWithTies(query: Float32Array, found: readonly string[], truth: readonly string[], vectorOf: ReadonlyMap<string, Float32Array>): number {
  if (truth.length === 0) return 1;
  const kth = cosineDistance(query, vectorOf.get(truth[truth.length - 1] as string) as Float32Array);
  const right = found.filter((id) => {
    const vector = vectorOf.get(id);
    return vector !== undefined && cosineDistance(query, vector) <= kth + 1e-6;
  });
  return Math.min(1, right.length / truth.length);
}
