import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { Prisma, PrismaService } from '@strata/db';

type Db = Prisma.TransactionClient | PrismaService;

/** A memory row without its embedding (Prisma does not read `vector` columns). */
export type MemoryRow = Prisma.AgentMemoryGetPayload<object>;

export interface NewMemoryRow {
  id: string;
  agentId: string;
  userId: string | null;
  kind: 'fact' | 'episode_summary';
  content: string;
  source: 'user' | 'agent' | 'compaction';
  sessionId: string | null;
  throughSeq: number | null;
  embeddingModel: string;
  embedding: readonly number[];
  idempotencyKey: string | null;
  createdByType: string;
  createdById: string;
  at: Date;
}

export interface RecallCandidate {
  id: string;
  kind: string;
  content: string;
  userId: string | null;
  sessionId: string | null;
  createdAt: Date;
  updatedAt: Date;
  similarity: number;
}

export interface RecallQuery {
  agentId: string;
  /** Memories of this user and the agent's own (user NULL); `null`: every user's facts (scope `agent`). */
  userId: string | null;
  embedding: readonly number[];
  embeddingModel: string;
  limit: number;
  /** The current session's summary is already in the conversation: not recalled again. */
  excludeSessionId?: string;
}

/** Candidates the HNSW walk keeps (≥ the recall's candidate limit of 200). */
const HNSW_EF_SEARCH = 200;

/** pgvector's limit for an indexed `vector`; larger embeddings are refused before any SQL. */
const MAX_DIMENSIONS = 16_000;

/** The only code that touches `agent_memory`. */
@Injectable()
export class MemoriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(row: NewMemoryRow, db: Db = this.prisma): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await db.$executeRaw`
      INSERT INTO agent_memory (id, tenant_id, agent_id, user_id, kind, content, source, session_id, through_seq,
        embedding_model, dimensions, embedding, idempotency_key, created_by_type, created_by_id, created_at, updated_at)
      VALUES (${row.id}::uuid, ${tenantId}::uuid, ${row.agentId}::uuid, ${row.userId}, ${row.kind}, ${row.content}, ${row.source},
        ${row.sessionId}::uuid, ${row.throughSeq}, ${row.embeddingModel}, ${row.embedding.length}, ${vectorLiteral(row.embedding)}::vector,
        ${row.idempotencyKey}, ${row.createdByType}, ${row.createdById}, ${row.at}, ${row.at})`;
  }

  /** Rewrites an episode summary as the session grows (one per session). */
  async rewriteSummary(id: string, input: { content: string; throughSeq: number; embedding: readonly number[]; embeddingModel: string; at: Date }, db: Db): Promise<void> {
    await db.$executeRaw`
      UPDATE agent_memory SET content = ${input.content}, through_seq = ${input.throughSeq}, embedding = ${vectorLiteral(input.embedding)}::vector,
        dimensions = ${input.embedding.length}, embedding_model = ${input.embeddingModel}, updated_at = ${input.at}
      WHERE id = ${id}::uuid AND tenant_id = ${RequestContextStore.requireTenantId()}::uuid`;
  }

  find(id: string, where: Prisma.AgentMemoryWhereInput = {}, db: Db = this.prisma): Promise<MemoryRow | null> {
    return db.agentMemory.findFirst({ where: { AND: [where, { id, tenantId: RequestContextStore.requireTenantId() }] } });
  }

  findByIdempotencyKey(key: string, db: Db = this.prisma): Promise<MemoryRow | null> {
    return db.agentMemory.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), idempotencyKey: key } });
  }

  /** The session's episode summary (its compaction watermark), if any. */
  episodeSummary(sessionId: string, db: Db = this.prisma): Promise<MemoryRow | null> {
    return db.agentMemory.findFirst({
      where: { tenantId: RequestContextStore.requireTenantId(), sessionId, kind: 'episode_summary' },
      orderBy: { throughSeq: 'desc' },
    });
  }

  /** Newest first (ids are UUIDv7), after `cursor`. */
  list(filter: { agentId?: string; userId?: string; kind?: string }, where: Prisma.AgentMemoryWhereInput, limit: number, cursor?: string): Promise<MemoryRow[]> {
    return this.prisma.agentMemory.findMany({
      where: {
        AND: [
          where,
          { tenantId: RequestContextStore.requireTenantId() },
          filter.agentId ? { agentId: filter.agentId } : {},
          filter.userId ? { userId: filter.userId } : {},
          filter.kind ? { kind: filter.kind } : {},
          cursor ? { id: { lt: cursor } } : {},
        ],
      },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  async delete(id: string, db: Db): Promise<number> {
    const result = await db.agentMemory.deleteMany({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
    return result.count;
  }

  /**
   * The nearest memories by cosine similarity. The cast to `vector(<dimensions>)` and the
   * `dimensions =` predicate match the partial HNSW indexes (wip-manual/context-memory.sql); the
   * planner takes the btree on (tenant, agent, user) instead when one user's memories are few,
   * which is then an exact search. When it walks the HNSW graph, pgvector 0.8's iterative scan
   * (relaxed order, SET LOCAL in the read's own transaction) keeps going until the tenant/agent/user
   * filter has let `limit` rows through instead of returning fewer; the caller re-ranks anyway.
   */
  async nearest(query: RecallQuery): Promise<RecallCandidate[]> {
    const dimensions = query.embedding.length;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_DIMENSIONS) return [];
    const type = Prisma.raw(`vector(${dimensions})`);
    const probe = Prisma.sql`${vectorLiteral(query.embedding)}::${type}`;
    const userFilter =
      query.userId === null ? Prisma.sql`AND kind = 'fact'` : Prisma.sql`AND (user_id = ${query.userId} OR user_id IS NULL)`;
    const sessionFilter = query.excludeSessionId ? Prisma.sql`AND (session_id IS NULL OR session_id <> ${query.excludeSessionId}::uuid)` : Prisma.empty;
    const rows = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(HNSW_EF_SEARCH)}, true)`;
      return tx.$queryRaw<Array<Omit<RecallCandidate, 'similarity'> & { distance: number }>>`
      SELECT id::text AS id, kind, content, user_id AS "userId", session_id::text AS "sessionId", created_at AS "createdAt", updated_at AS "updatedAt",
        (embedding::${type} <=> ${probe})::float8 AS distance
      FROM agent_memory
      WHERE tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND agent_id = ${query.agentId}::uuid
        AND dimensions = ${dimensions} AND embedding_model = ${query.embeddingModel}
        ${userFilter} ${sessionFilter}
      ORDER BY embedding::${type} <=> ${probe}
      LIMIT ${query.limit}`;
    });
    return rows.map(({ distance, ...row }) => ({ ...row, similarity: 1 - Number(distance) }));
  }
}

/** pgvector's text form; non-finite values are refused (they would poison every distance). */
function vectorLiteral(embedding: readonly number[]): string {
  for (const value of embedding) if (!Number.isFinite(value)) throw new RangeError('an embedding holds a non-finite value');
  return `[${embedding.join(',')}]`;
}
