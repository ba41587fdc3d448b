/**
 * How recalled memories are ranked: a mix of how close a memory is to the query and how recent it
 * is, so a fresh fact beats a stale one of similar relevance, and an old but exactly matching one
 * still comes back.
 *
 *   score = SIMILARITY_WEIGHT × similarity + RECENCY_WEIGHT × 2^(−age / HALF_LIFE)
 *
 * similarity: cosine similarity (1 − cosine distance, in [−1, 1]); age: now − the memory's last
 * update (an episode summary is rewritten as its session grows). Candidates are the
 * `RECALL_CANDIDATES(topK)` nearest by similarity; they are re-ranked by score and the best topK kept.
 */
export const RECALL_SCORING = {
  similarityWeight: 0.75,
  recencyWeight: 0.25,
  halfLifeMs: 7 * 24 * 3_600_000,
} as const;

export function recallCandidates(topK: number): number {
  return Math.min(200, Math.max(20, topK * 4));
}

export function recencyOf(updatedAt: Date, now: Date): number {
  const ageMs = Math.max(0, now.getTime() - updatedAt.getTime());
  return Math.pow(2, -ageMs / RECALL_SCORING.halfLifeMs);
}

export function recallScore(similarity: number, updatedAt: Date, now: Date): number {
  return RECALL_SCORING.similarityWeight * similarity + RECALL_SCORING.recencyWeight * recencyOf(updatedAt, now);
}

/** `3 h old`, `2 d old`: for the context report's reasons. */
export function ageText(updatedAt: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - updatedAt.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min old`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h old`;
  return `${Math.round(hours / 24)} d old`;
}
