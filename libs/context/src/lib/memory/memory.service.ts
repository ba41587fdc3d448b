import { forwardRef, Inject, Injectable } from '@nestjs/common';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { ModelGateway } from '@strata/model-gateway';
import { DataAccessLog } from '@strata/observability';
import { AgentsService } from '../agents/agents.service';
import { MemoriesRepository, type MemoryRow } from './memories.repository';
import { InvalidMemoryInputError, MemoryEmbeddingError, MemoryNotFoundError, WorkingMemoryFullError } from './memory.errors';
import { MEMORY_SUBJECT } from './memory-permissions';
import { ageText, recallCandidates, recallScore, recencyOf } from './memory-recall-score';
import { memoryAuthorizationRecord, toMemoryView, type MemoryView, type RecalledMemory } from './memory-view';
import { WorkingMemoryRepository, type WorkingMemoryEntry } from './working-memory.repository';
import { MEMORY_LIMITS } from './memory-limits';


export interface RememberInput {
  agentId: string;
  /** The user the memory belongs to (the run's onBehalfOf); null: the agent's own. */
  userId: string | null;
  content: string;
  sessionId?: string;
  embeddingAlias: string;
  /** A tool call's idempotency key: a repeat returns the memory stored the first time. */
  idempotencyKey?: string;
}

export interface RecallInput {
  agentId: string;
  userId: string;
  scope: 'agent' | 'agent_user';
  query: string;
  topK: number;
  embeddingAlias: string;
  excludeSessionId?: string;
}

export interface EpisodeSummaryInput {
  agentId: string;
  userId: string;
  sessionId: string;
  content: string;
  throughSeq: number;
  embeddingAlias: string;
}

/**
 * Memory of agents. Long-term memories (facts, episode summaries) per agent and user, stored with
 * their embedding and recalled by similarity and recency (memory-recall-score.ts); working memory
 * per session (key/value).
 *
 * Two kinds of caller:
 * - The HTTP API (`list`, `get`, `create`, `remove`): the caller is a user; every call is
 *   authorized on the record (`AgentMemory`: a user's own, auditors read all, owner/admin all),
 *   reads are logged in the data-access log, changes audited.
 * - The runtime and the memory tools (`remember`, `recall`, `saveEpisodeSummary`, working memory):
 *   they run with the run's context (actor: the agent, onBehalfOf: the user) and act only on that
 *   user's memories of that agent, which the run's principal owns; the tool registry authorizes a
 *   `memory.*` tool call for the user before it reaches here. Recalls are logged as data access
 *   with the run's purpose; changes audited.
 *
 * Embeddings are computed through the gateway BEFORE the transaction opens (the embedded database
 * has one connection: a gateway call inside a transaction would wait for it).
 */
@Injectable()
export class MemoryService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly working: WorkingMemoryRepository,
    // forwardRef: agents → tool check → tools → memory tools → this service is an import cycle.
    @Inject(forwardRef(() => AgentsService)) private readonly agents: AgentsService,
    private readonly gateway: ModelGateway,
    private readonly authorization: AuthorizationService,
    private readonly mutations: MutationRunner,
    private readonly audit: AuditLog,
    private readonly dataAccess: DataAccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---- HTTP: a user's own memories ----

  async list(query: { agentId?: string; userId?: string; kind?: string; limit: number; cursor?: string }): Promise<Page<MemoryView>> {
    const where = (await this.authorization.accessibleWhere('read', MEMORY_SUBJECT)) as Prisma.AgentMemoryWhereInput;
    const rows = await this.memories.list(query, where, query.limit, query.cursor);
    await this.logRead(rows.map((row) => row.id));
    return pageOf(rows.map(toMemoryView), query.limit);
  }

  async get(id: string): Promise<MemoryView> {
    const row = await this.readable(id);
    await this.logRead([row.id]);
    return toMemoryView(row);
  }

  /** A user adds a fact for an agent; it is theirs (userId = the caller). */
  async create(input: { agentId: string; content: string }): Promise<MemoryView> {
    const actor = this.actor();
    const content = checkContent(input.content);
    // Reading the agent checks it exists in the tenant and the caller may read it; its spec names the embedding alias.
    const agent = await this.agents.get(input.agentId);
    const id = newId();
    await this.authorization.authorize('create', MEMORY_SUBJECT, { id, agentId: agent.id, userId: actor.id, kind: 'fact', source: 'user' });
    const embedded = await this.embed(agent.spec.memory.embeddingAlias, content, agent.id);
    return this.mutations.run('context.memory.create', async (tx) => {
      const row = await this.insert(
        { id, agentId: agent.id, userId: actor.id, kind: 'fact', content, source: 'user', sessionId: null, throughSeq: null, idempotencyKey: null },
        embedded,
        tx,
      );
      await this.audit.append({ action: 'context.memory.create', outcome: 'success', target: { type: MEMORY_SUBJECT, id }, details: { agentId: agent.id, kind: 'fact', source: 'user' } }, tx);
      return toMemoryView(row);
    });
  }

  async remove(id: string): Promise<void> {
    const row = await this.readable(id);
    await this.authorization.authorize('delete', MEMORY_SUBJECT, memoryAuthorizationRecord(row));
    await this.mutations.run('context.memory.delete', async (tx) => {
      if (!(await this.memories.delete(row.id, tx))) throw new MemoryNotFoundError(id);
      await this.audit.append({ action: 'context.memory.delete', outcome: 'success', target: { type: MEMORY_SUBJECT, id: row.id }, details: { agentId: row.agentId, kind: row.kind } }, tx);
    });
  }

  // ---- The runtime and memory tools (the run's principal) ----

  /** Stores a fact remembered by the agent for the user it acts for. Idempotent by key. */
  async remember(input: RememberInput): Promise<MemoryView> {
    const content = checkContent(input.content);
    if (input.idempotencyKey) {
      const existing = await this.memories.findByIdempotencyKey(input.idempotencyKey);
      if (existing) return toMemoryView(existing);
    }
    const embedded = await this.embed(input.embeddingAlias, content, input.agentId);
    const id = newId();
    return this.mutations.run('context.memory.create', async (tx) => {
      if (input.idempotencyKey) {
        const existing = await this.memories.findByIdempotencyKey(input.idempotencyKey, tx);
        if (existing) return toMemoryView(existing);
      }
      const row = await this.insert(
        { id, agentId: input.agentId, userId: input.userId, kind: 'fact', content, source: 'agent', sessionId: input.sessionId ?? null, throughSeq: null, idempotencyKey: input.idempotencyKey ?? null },
        embedded,
        tx,
      );
      await this.audit.append({ action: 'context.memory.create', outcome: 'success', target: { type: MEMORY_SUBJECT, id }, details: { agentId: input.agentId, kind: 'fact', source: 'agent' } }, tx);
      return toMemoryView(row);
    });
  }

  /**
   * The memories most worth showing for `query`: the nearest by embedding, re-ranked by
   * similarity and recency. Logged as a data access (the run's purpose).
   */
  async recall(input: RecallInput): Promise<RecalledMemory[]> {
    const topK = Math.min(input.topK, MEMORY_LIMITS.recallTopK);
    const query = input.query.slice(0, MEMORY_LIMITS.queryChars).trim();
    if (topK < 1 || !query) return [];
    const embedded = await this.embed(input.embeddingAlias, query, input.agentId);
    const candidates = await this.memories.nearest({
      agentId: input.agentId,
      userId: input.scope === 'agent_user' ? input.userId : null,
      embedding: embedded.embedding,
      embeddingModel: embedded.model,
      limit: recallCandidates(topK),
      excludeSessionId: input.excludeSessionId,
    });
    const now = this.clock.now();
    const ranked = candidates
      .map((candidate) => ({
        id: candidate.id,
        kind: candidate.kind,
        content: candidate.content,
        similarity: candidate.similarity,
        recency: recencyOf(candidate.updatedAt, now),
        score: recallScore(candidate.similarity, candidate.updatedAt, now),
        updatedAt: candidate.updatedAt,
      }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1))
      .slice(0, topK);
    await this.logRead(ranked.map((memory) => memory.id));
    return ranked;
  }

  /** Why a recalled memory is in the context (for the report). */
  describeRecall(memory: RecalledMemory): string {
    return `similarity ${memory.similarity.toFixed(2)}, ${ageText(memory.updatedAt, this.clock.now())}, score ${memory.score.toFixed(3)}`;
  }

  /** The session's episode summary: its compaction watermark. */
  async episodeSummary(sessionId: string): Promise<MemoryView | null> {
    const row = await this.memories.episodeSummary(sessionId);
    if (row) await this.logRead([row.id]);
    return row ? toMemoryView(row) : null;
  }

  /** Writes (or rewrites) the session's episode summary through `throughSeq`. */
  async saveEpisodeSummary(input: EpisodeSummaryInput): Promise<MemoryView> {
    const content = input.content.slice(0, MEMORY_LIMITS.contentChars);
    const embedded = await this.embed(input.embeddingAlias, content, input.agentId);
    return this.mutations.run('context.memory.summarize', async (tx) => {
      const existing = await this.memories.episodeSummary(input.sessionId, tx);
      const at = this.clock.now();
      let id: string;
      if (existing) {
        id = existing.id;
        await this.memories.rewriteSummary(id, { content, throughSeq: input.throughSeq, embedding: embedded.embedding, embeddingModel: embedded.model, at }, tx);
      } else {
        id = newId();
        await this.insert(
          { id, agentId: input.agentId, userId: input.userId, kind: 'episode_summary', content, source: 'compaction', sessionId: input.sessionId, throughSeq: input.throughSeq, idempotencyKey: null },
          embedded,
          tx,
        );
      }
      await this.audit.append(
        { action: 'context.memory.summarize', outcome: 'success', target: { type: MEMORY_SUBJECT, id }, details: { agentId: input.agentId, sessionId: input.sessionId, throughSeq: input.throughSeq } },
        tx,
      );
      const row = await this.memories.find(id, {}, tx);
      if (!row) throw new MemoryNotFoundError(id);
      return toMemoryView(row);
    });
  }

  // ---- Working memory (per session) ----

  workingMemory(sessionId: string, tx?: Prisma.TransactionClient): Promise<WorkingMemoryEntry[]> {
    return this.working.entries(sessionId, tx);
  }

  /** Sets one key; `tx`: the caller's transaction (a transactional tool's checkpoint). */
  async setWorking(sessionId: string, key: string, value: unknown, tx?: Prisma.TransactionClient): Promise<void> {
    if (!MEMORY_LIMITS.workingKeyPattern.test(key)) throw new InvalidMemoryInputError('A working-memory key is a name of letters, digits and _ . - (at most 64).', 'key');
    const serialized = JSON.stringify(value ?? null);
    if (Buffer.byteLength(serialized) > MEMORY_LIMITS.workingValueBytes) {
      throw new WorkingMemoryFullError(`A working-memory value may hold at most ${MEMORY_LIMITS.workingValueBytes} bytes of JSON.`, { key, limit: MEMORY_LIMITS.workingValueBytes });
    }
    const work = async (db: Prisma.TransactionClient) => {
      const entries = await this.working.entries(sessionId, db);
      if (!entries.some((entry) => entry.key === key) && entries.length >= MEMORY_LIMITS.workingKeys) {
        throw new WorkingMemoryFullError(`A session's working memory holds at most ${MEMORY_LIMITS.workingKeys} keys.`, { limit: MEMORY_LIMITS.workingKeys });
      }
      await this.working.set(sessionId, key, JSON.parse(serialized) as Prisma.InputJsonValue, this.clock.now(), db);
      await this.audit.append({ action: 'context.working_memory.set', outcome: 'success', target: { type: 'AgentSession', id: sessionId }, details: { key } }, db);
    };
    if (tx) await work(tx);
    else await this.mutations.run('context.working_memory.set', work);
  }

  async deleteWorking(sessionId: string, key: string, tx?: Prisma.TransactionClient): Promise<boolean> {
    const work = async (db: Prisma.TransactionClient) => {
      const deleted = (await this.working.delete(sessionId, key, db)) > 0;
      if (deleted) await this.audit.append({ action: 'context.working_memory.delete', outcome: 'success', target: { type: 'AgentSession', id: sessionId }, details: { key } }, db);
      return deleted;
    };
    return tx ? work(tx) : this.mutations.run('context.working_memory.delete', work);
  }

  // ---- internals ----

  private async readable(id: string): Promise<MemoryRow> {
    const where = (await this.authorization.accessibleWhere('read', MEMORY_SUBJECT)) as Prisma.AgentMemoryWhereInput;
    const row = await this.memories.find(id, where);
    if (!row) throw new MemoryNotFoundError(id);
    return row;
  }

  private async insert(
    row: Pick<MemoryRow, 'id' | 'agentId' | 'userId' | 'content' | 'sessionId' | 'throughSeq' | 'idempotencyKey'> & { kind: 'fact' | 'episode_summary'; source: 'user' | 'agent' | 'compaction' },
    embedded: { embedding: number[]; model: string },
    tx: Prisma.TransactionClient,
  ): Promise<MemoryRow> {
    const actor = this.actor();
    await this.memories.insert({ ...row, embedding: embedded.embedding, embeddingModel: embedded.model, createdByType: actor.type, createdById: actor.id, at: this.clock.now() }, tx);
    const stored = await this.memories.find(row.id, {}, tx);
    if (!stored) throw new MemoryNotFoundError(row.id);
    return stored;
  }

  private async embed(alias: string, text: string, agentId: string): Promise<{ embedding: number[]; model: string }> {
    const { response, route } = await this.gateway.embed({ model: alias, input: [text], agentId });
    const embedding = response.embeddings[0];
    if (!embedding?.length) throw new MemoryEmbeddingError(`The embedding model behind ${alias} returned no vector.`);
    return { embedding, model: route.catalogModel };
  }

  private actor() {
    const actor = RequestContextStore.require().actor;
    if (!actor) throw new MissingRequestContextError('an actor');
    return actor;
  }

  private async logRead(ids: string[]): Promise<void> {
    if (ids.length) await this.dataAccess.record({ resourceType: MEMORY_SUBJECT, resourceIds: ids });
  }
}

function checkContent(content: string): string {
  const trimmed = content.trim();
  if (!trimmed) throw new InvalidMemoryInputError('A memory needs some content.', 'content');
  if (trimmed.length > MEMORY_LIMITS.contentChars) throw new InvalidMemoryInputError(`A memory holds at most ${MEMORY_LIMITS.contentChars} characters.`, 'content');
  return trimmed;
}
