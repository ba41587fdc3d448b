import type { MemoryRow } from './memories.repository';

/** A long-term memory as the API returns it (never the embedding). */
export interface MemoryView {
  id: string;
  agentId: string;
  userId: string | null;
  kind: 'fact' | 'episode_summary';
  content: string;
  source: 'user' | 'agent' | 'compaction';
  sessionId: string | null;
  /** Episode summaries: the last conversation message (seq) the summary covers. */
  throughSeq: number | null;
  embeddingModel: string;
  dimensions: number;
  createdBy: { type: string; id: string };
  createdAt: Date;
  updatedAt: Date;
}

/** A memory recalled for a step, with why it ranked where it did. */
export interface RecalledMemory {
  id: string;
  kind: string;
  content: string;
  similarity: number;
  recency: number;
  score: number;
  updatedAt: Date;
}

export function toMemoryView(row: MemoryRow): MemoryView {
  return {
    id: row.id,
    agentId: row.agentId,
    userId: row.userId,
    kind: row.kind as MemoryView['kind'],
    content: row.content,
    source: row.source as MemoryView['source'],
    sessionId: row.sessionId,
    throughSeq: row.throughSeq,
    embeddingModel: row.embeddingModel,
    dimensions: row.dimensions,
    createdBy: { type: row.createdByType, id: row.createdById },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What authorization rules may condition on. */
export function memoryAuthorizationRecord(row: Pick<MemoryRow, 'id' | 'agentId' | 'userId' | 'kind' | 'source'>): Record<string, unknown> {
  return { id: row.id, agentId: row.agentId, userId: row.userId, kind: row.kind, source: row.source };
}
