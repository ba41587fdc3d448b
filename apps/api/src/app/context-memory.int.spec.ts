import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSpecSchema, ContextAssembler, MemoryService, tokenizerFor, type AgentSpecInput, type ConversationMessage } from '@strata/context';
import { PrismaService } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';
import { ModelGateway, type ChatMessage } from '@strata/model-gateway';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface MemoryBody {
  id: string;
  agentId: string;
  userId: string | null;
  kind: string;
  content: string;
  source: string;
  dimensions: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

/** The element at `index` (negative: from the end); fails the test when it is missing. */
function at<T>(items: readonly T[], index: number): T {
  return must(items.at(index));
}

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

/** Context assembly and memory: the memory API (tenant and user isolation), recall, the assembler with compaction through a fake provider. */
describe('context assembly and memory', () => {
  let api: ApiHarness;
  let openai: FakeProvider;
  let owner: string;
  let otherOwner: string;
  let tenantId: string;
  let agentId: string;
  const users: Record<string, { id: string; key: string }> = {};
  const accountOf = (name: string) => must(users[name]);

  async function account(role: string, name: string): Promise<{ id: string; key: string }> {
    const created = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name, roles: [role] });
    const key = await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name, serviceAccountId: created.body.id, roles: [role] });
    return { id: created.body.id, key: key.body.token };
  }

  /** Runs `fn` as the runtime does: the agent acting for a user under the run's purpose. */
  function asRun<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    return RequestContextStore.run(
      { requestId: newId(), tenantId, actor: { type: 'agent', id: agentId, roles: ['viewer'] }, onBehalfOf: { type: 'service_account', id: userId, roles: ['viewer'] }, purpose: 'support' },
      fn,
    );
  }

  const spec = (extra: Partial<AgentSpecInput> = {}) => agentSpecSchema.parse({ instructions: 'You help with orders. Be brief.', model: { alias: 'fast' }, defaultPurpose: 'support', ...extra });

  function conversation(...messages: ChatMessage[]): ConversationMessage[] {
    return messages.map((message, index) => ({ id: newId(), seq: index + 1, runId: null, message, untrusted: message.role === 'tool', createdAt: new Date() }));
  }

  function turns(count: number): ChatMessage[] {
    return Array.from({ length: count }, (_, turn) => [
      { role: 'user' as const, content: `Question ${turn}: what about order ${1000 + turn} and its delivery window, which I asked about before?` },
      { role: 'assistant' as const, content: `Answer ${turn}: order ${1000 + turn} ships on day ${turn + 1}; the delivery window is two days after that.` },
    ]).flat();
  }

  beforeAll(async () => {
    openai = await startFakeProvider('openai');
    api = await startApiHarness({ env: { STRATA_MODEL_KEYS: `gw1:${randomBytes(32).toString('base64')}` } });
    const a = await api.provision('memory-a');
    owner = a.token;
    tenantId = a.tenant.id;
    otherOwner = (await api.provision('memory-b')).token;
    expect((await api.call(owner, 'POST', '/governance/purposes', { name: 'support', description: 'Customer support' })).status).toBe(201);
    await api.connectFakeChat(owner, openai.url, { providerModelId: 'gpt-4o' });
    const agent = await api.call<{ id: string }>(owner, 'POST', '/context/agents', { name: 'orders', spec: spec() });
    expect(agent.status).toBe(201);
    agentId = agent.body.id;
    users['alice'] = await account('viewer', 'alice');
    users['bob'] = await account('operator', 'bob');
    users['auditor'] = await account('auditor', 'audit-bot');
  });
  afterAll(async () => {
    await api?.close();
    await openai?.close();
  });

  describe('memory API', () => {
    it('lets a user add, list, read and delete their own memories, audited and logged as data access', async () => {
      const alice = accountOf('alice');
      const created = await api.call<MemoryBody>(alice.key, 'POST', '/context/memories', { agentId, content: 'Alice prefers deliveries in the morning.' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ agentId, userId: alice.id, kind: 'fact', source: 'user', dimensions: 384 });
      const listed = await api.call<{ items: MemoryBody[] }>(alice.key, 'GET', `/context/memories?agentId=${agentId}`);
      expect(listed.body.items.map((item) => item.id)).toContain(created.body.id);
      expect((await api.call(alice.key, 'GET', `/context/memories/${created.body.id}`)).status).toBe(200);
      const logged = await api.db.query<{ resource_ids: string[]; purpose: string | null }>(
        `SELECT resource_ids, purpose FROM data_access_record WHERE tenant_id = $1 AND resource_type = 'AgentMemory' AND actor_id = $2`,
        [tenantId, alice.id],
      );
      expect(logged.flatMap((row) => row.resource_ids)).toContain(created.body.id);
      expect((await api.call(alice.key, 'DELETE', `/context/memories/${created.body.id}`)).status).toBe(204);
      expect((await api.call(alice.key, 'GET', `/context/memories/${created.body.id}`)).status).toBe(404);
      const audit = await api.db.query<{ action: string }>(`SELECT action FROM audit_entry WHERE tenant_id = $1 AND target_id = $2 ORDER BY seq`, [tenantId, created.body.id]);
      expect(audit.map((row) => row.action)).toEqual(['context.memory.create', 'context.memory.delete']);
    });

    it('keeps one user from listing, reading or deleting another user’s memories; auditors read, never delete; owners see all', async () => {
      const alice = accountOf('alice');
      const bob = accountOf('bob');
      const mine = await api.call<MemoryBody>(alice.key, 'POST', '/context/memories', { agentId, content: 'Alice lives in Lyon.' });
      const his = await api.call<MemoryBody>(bob.key, 'POST', '/context/memories', { agentId, content: 'Bob lives in Porto.' });
      expect([mine.status, his.status]).toEqual([201, 201]);

      const bobList = await api.call<{ items: MemoryBody[] }>(bob.key, 'GET', `/context/memories?agentId=${agentId}`);
      expect(bobList.body.items.map((item) => item.id)).toEqual([his.body.id]);
      const bobNarrowed = await api.call<{ items: MemoryBody[] }>(bob.key, 'GET', `/context/memories?userId=${alice.id}`);
      expect(bobNarrowed.body.items).toEqual([]);
      expect((await api.call(bob.key, 'GET', `/context/memories/${mine.body.id}`)).status).toBe(404);
      expect((await api.call(bob.key, 'DELETE', `/context/memories/${mine.body.id}`)).status).toBe(404);

      const auditorList = await api.call<{ items: MemoryBody[] }>(accountOf('auditor').key, 'GET', `/context/memories?agentId=${agentId}`);
      expect(auditorList.body.items.map((item) => item.id)).toEqual(expect.arrayContaining([mine.body.id, his.body.id]));
      expect((await api.call(accountOf('auditor').key, 'DELETE', `/context/memories/${mine.body.id}`)).status).toBe(403);
      expect((await api.call(accountOf('auditor').key, 'POST', '/context/memories', { agentId, content: 'x' })).status).toBe(403);

      const ownerList = await api.call<{ items: MemoryBody[] }>(owner, 'GET', `/context/memories?agentId=${agentId}&userId=${alice.id}`);
      expect(ownerList.body.items.map((item) => item.id)).toEqual([mine.body.id]);

      // Another tenant sees nothing, even its owner.
      expect((await api.call<{ items: unknown[] }>(otherOwner, 'GET', '/context/memories')).body.items).toEqual([]);
      expect((await api.call(otherOwner, 'GET', `/context/memories/${mine.body.id}`)).status).toBe(404);
      expect((await api.call(otherOwner, 'DELETE', `/context/memories/${mine.body.id}`)).status).toBe(404);
      expect((await api.call<ErrorBody>(otherOwner, 'POST', '/context/memories', { agentId, content: 'x' })).status).toBe(404);
      expect((await api.call(alice.key, 'GET', `/context/memories/${mine.body.id}`)).status).toBe(200);
    });

    it('refuses bad input with 400 and unknown ids with 404', async () => {
      const alice = accountOf('alice');
      expect((await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId, content: '' })).status).toBe(400);
      expect((await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId, content: 'x'.repeat(8_001) })).status).toBe(400);
      expect((await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId: 'nope', content: 'x' })).status).toBe(400);
      expect((await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId, content: 'x', extra: 1 })).status).toBe(400);
      const unknownAgent = await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId: newId(), content: 'x' });
      expect(unknownAgent.status).toBe(404);
      expect(unknownAgent.body.error.code).toBe('context.agent_not_found');
      expect((await api.call<ErrorBody>(alice.key, 'POST', '/context/memories', { agentId, content: '   ' })).body.error.code).toBe('context.invalid_memory');
      expect((await api.call(alice.key, 'GET', '/context/memories/not-an-id')).status).toBe(404);
      expect((await api.call(alice.key, 'DELETE', `/context/memories/${newId()}`)).status).toBe(404);
    });
  });

  describe('recall', () => {
    it('ranks by similarity and recency, only the user’s own (and the agent’s) memories, logged with the purpose', async () => {
      const memory = api.app.get(MemoryService);
      const carol = newId();
      const dave = newId();
      const remember = (userId: string, content: string) => asRun(userId, () => memory.remember({ agentId, userId, content, embeddingAlias: 'embedding-default' }));
      const oldBlue = await remember(carol, 'Carol favourite colour is blue');
      const newBlue = await remember(carol, 'Carol favourite colour is blue');
      const dog = await remember(carol, 'Carol owns a dog named Rex who barks at night');
      const daveBlue = await remember(dave, 'Carol favourite colour is blue');
      await api.db.query(`UPDATE agent_memory SET updated_at = now() - interval '60 days' WHERE id = $1`, [oldBlue.id]);
      await api.db.query(`UPDATE agent_memory SET updated_at = now() - interval '1 hour' WHERE id = $1`, [dog.id]);

      const recalled = await asRun(carol, () => memory.recall({ agentId, userId: carol, scope: 'agent_user', query: 'what is Carol favourite colour', topK: 5, embeddingAlias: 'embedding-default' }));
      const ids = recalled.map((item) => item.id);
      expect(ids).not.toContain(daveBlue.id);
      expect(new Set(ids)).toEqual(new Set([oldBlue.id, newBlue.id, dog.id]));
      // Same text: the fresh one first. Scores follow the documented formula and are sorted.
      expect(ids.indexOf(newBlue.id)).toBeLessThan(ids.indexOf(oldBlue.id));
      for (const item of recalled) expect(item.score).toBeCloseTo(0.75 * item.similarity + 0.25 * item.recency, 6);
      expect(recalled.map((item) => item.score)).toEqual([...recalled.map((item) => item.score)].sort((a, b) => b - a));
      const blue = must(recalled.find((item) => item.id === newBlue.id));
      const rex = must(recalled.find((item) => item.id === dog.id));
      expect(blue.similarity).toBeGreaterThan(rex.similarity);
      // The old exact match still beats the fresh unrelated fact.
      expect(ids.indexOf(oldBlue.id)).toBeLessThan(ids.indexOf(dog.id));

      // Scope `agent`: facts of every user of the agent.
      const shared = await asRun(carol, () => memory.recall({ agentId, userId: carol, scope: 'agent', query: 'favourite colour', topK: 10, embeddingAlias: 'embedding-default' }));
      expect(shared.map((item) => item.id)).toContain(daveBlue.id);

      const logged = await api.db.query<{ resource_ids: string[]; purpose: string; actor_type: string; on_behalf_of_id: string }>(
        `SELECT resource_ids, purpose, actor_type, on_behalf_of_id FROM data_access_record WHERE tenant_id = $1 AND resource_type = 'AgentMemory' AND on_behalf_of_id = $2`,
        [tenantId, carol],
      );
      expect(logged.some((row) => row.purpose === 'support' && row.actor_type === 'agent' && ids.every((id) => row.resource_ids.includes(id)))).toBe(true);

      // Idempotent by key: a repeated tool call stores one memory.
      const first = await asRun(carol, () => memory.remember({ agentId, userId: carol, content: 'once', embeddingAlias: 'embedding-default', idempotencyKey: 'run:1:call' }));
      const again = await asRun(carol, () => memory.remember({ agentId, userId: carol, content: 'once', embeddingAlias: 'embedding-default', idempotencyKey: 'run:1:call' }));
      expect(again.id).toBe(first.id);
    });
  });

  it('recalls with a query the HNSW index serves, the same answer as an exact search for a user with 2% of the memories', async () => {
    const memory = api.app.get(MemoryService);
    const gateway = api.app.get(ModelGateway);
    const mine = newId();
    const model = 'local/strata-hashing-embed-v1';
    // 490 memories of other users and 10 of this one, random 384-dimension vectors.
    await api.db.query(
      `INSERT INTO agent_memory (id, tenant_id, agent_id, user_id, kind, content, source, embedding_model, dimensions, embedding, created_by_type, created_by_id, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, CASE WHEN n % 50 = 0 THEN $3 ELSE 'someone-' || (n % 7) END, 'fact', 'bulk ' || n, 'agent', $4, 384,
         (SELECT ('[' || string_agg((random() - 0.5)::text, ',') || ']')::vector FROM generate_series(1, 384) WHERE n > 0), 'system', 'test', now(), '2026-01-01T00:00:00Z'
       FROM generate_series(1, 500) n`,
      [tenantId, agentId, mine, model],
    );
    await api.db.query('ANALYZE agent_memory');
    const query = 'bulk memories of many users';
    const probe = await asRun(mine, () => gateway.embed({ model: 'embedding-default', input: [query] }));
    const literal = `[${probe.response.embeddings[0]?.join(',')}]`;
    // The recall query's shape (cast, partial predicate, operator) can use the partial HNSW index: with
    // the alternatives priced out, the planner picks it (a mismatched cast would leave a sort).
    const plan = await api.app.get(PrismaService).$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      await tx.$executeRawUnsafe('SET LOCAL enable_sort = off');
      return tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
        `EXPLAIN SELECT id FROM agent_memory WHERE tenant_id = $1::uuid AND agent_id = $2::uuid AND dimensions = 384 AND embedding_model = $3 AND kind = 'fact'
         ORDER BY embedding::vector(384) <=> $4::vector(384) LIMIT 20`,
        tenantId,
        agentId,
        model,
        literal,
      );
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('agent_memory_384_cosine_hnsw_idx');

    const exact = await api.db.query<{ id: string }>(
      `SELECT id FROM agent_memory WHERE tenant_id = $1 AND agent_id = $2 AND dimensions = 384 AND user_id = $3 ORDER BY embedding::vector(384) <=> $4::vector(384), id LIMIT 5`,
      [tenantId, agentId, mine, literal],
    );
    const recalled = await asRun(mine, () => memory.recall({ agentId, userId: mine, scope: 'agent_user', query, topK: 5, embeddingAlias: 'embedding-default' }));
    expect(recalled.map((item) => item.id)).toEqual(exact.map((row) => row.id));
    await api.db.query(`DELETE FROM agent_memory WHERE tenant_id = $1 AND content LIKE 'bulk %'`, [tenantId]);
  });

  describe('assembler', () => {
    const tokenizer = tokenizerFor('openai', 'fast');

    it('assembles instructions, working memory, recalled memories and the conversation, with exact token counts', async () => {
      const memory = api.app.get(MemoryService);
      const assembler = api.app.get(ContextAssembler);
      const user = newId();
      const sessionId = newId();
      await asRun(user, () => memory.remember({ agentId, userId: user, content: 'The user orders for the Lyon office', embeddingAlias: 'embedding-default' }));
      await asRun(user, () => memory.setWorking(sessionId, 'cart', { items: 2 }));
      const messages = conversation({ role: 'user', content: 'Which office do I order for?' });
      const runId = newId();
      const { messages: sent, report } = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId, stepIndex: 0, spec: spec(), userId: user, purpose: 'support', conversation: messages, tools: [] }),
      );
      expect(report.tokenizer).toBe('o200k_base');
      expect(sent[0]).toMatchObject({ role: 'system' });
      const system = at(sent, 0).content as string;
      expect(system.startsWith('You help with orders. Be brief.')).toBe(true);
      expect(system).toContain('cart: {"items":2}');
      expect(system).toContain('The user orders for the Lyon office');
      expect(sent.slice(1)).toEqual([at(messages, 0).message]);
      expect(report.sources.map((source) => source.source)).toEqual(['instructions', 'working_memory', 'long_term_memory', 'conversation', 'tool_results']);
      // The report's counts are the tokenizer's: the total of the messages sent, and each item's own text.
      expect(report.totalTokens).toBe(sent.reduce((sum, message) => sum + tokenizer.message(message), 3));
      expect(at(at(report.sources, 0).items, 0).tokens).toBe(tokenizer.text('You help with orders. Be brief.'));
      expect(at(report.sources, 1).items[0]).toMatchObject({ id: 'cart', included: true, tokens: tokenizer.text('\n- cart: {"items":2}') });
      expect(at(report.sources, 2).items[0]).toMatchObject({ kind: 'fact', included: true, reason: expect.stringMatching(/^similarity \d\.\d\d, \d+ min old/) });
      expect(at(report.sources, 3).items[0]).toMatchObject({ id: at(messages, 0).id, included: true, tokens: tokenizer.message(at(messages, 0).message) });
      const sum = report.sources.reduce((total, source) => total + source.usedTokens, 0);
      // Sections add their header once; the system message adds its framing and the reply its priming.
      // Counted apart, the parts can only be more than counted joined (a BPE token may span the seam).
      expect(report.totalTokens).toBeLessThanOrEqual(sum + 4 + 3);
      expect(report.totalTokens).toBeGreaterThanOrEqual(sum + 4 + 3 - 2 * report.sources.length);

      // The next step of the run (same user message) reuses the recall: no second search, no second read record.
      const recallReads = async () =>
        (await api.db.query(`SELECT id FROM data_access_record WHERE tenant_id = $1 AND resource_type = 'AgentMemory' AND on_behalf_of_id = $2`, [tenantId, user])).length;
      const readsAfterFirst = await recallReads();
      const again = await asRun(user, () => assembler.assemble({ tenantId, agentId, sessionId, runId, stepIndex: 1, spec: spec(), userId: user, purpose: 'support', conversation: messages, tools: [] }));
      expect(at(again.messages, 0)).toEqual(at(sent, 0));
      expect(await recallReads()).toBe(readsAfterFirst);
      await asRun(user, () => assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 0, spec: spec(), userId: user, purpose: 'support', conversation: messages, tools: [] }));
      expect(await recallReads()).toBe(readsAfterFirst + 1);
    });

    it('keeps each source within its budget and the whole within context.maxTokens, reporting what was left out', async () => {
      const assembler = api.app.get(ContextAssembler);
      const user = newId();
      const sessionId = newId();
      const memory = api.app.get(MemoryService);
      for (let key = 0; key < 10; key++) await asRun(user, () => memory.setWorking(sessionId, `k${key}`, 'value '.repeat(20)));
      const tools = [{ name: 'lookup', description: 'Looks an order up.', parameters: { type: 'object', properties: { id: { type: 'string' } } } }];
      const limited = spec({
        context: { maxTokens: 600, sources: [{ kind: 'instructions' }, { kind: 'working_memory', maxTokens: 60 }, { kind: 'conversation' }] },
        memory: { compaction: { enabled: false, keepRecentTurns: 2 } },
      });
      const messages = conversation(...turns(12));
      const { messages: sent, report } = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 0, spec: limited, userId: user, purpose: 'support', conversation: messages, tools }),
      );
      expect(report.toolSchemaTokens).toBe(tokenizer.tools(tools));
      expect(report.totalTokens + report.toolSchemaTokens).toBeLessThanOrEqual(600);
      const working = must(report.sources.find((source) => source.source === 'working_memory'));
      expect(working.usedTokens).toBeLessThanOrEqual(60);
      expect(working.items.filter((item) => item.included).length).toBeGreaterThan(0);
      expect(working.items.filter((item) => !item.included).every((item) => item.reason.endsWith('over the source token budget'))).toBe(true);
      const conversationReport = must(report.sources.find((source) => source.source === 'conversation'));
      const included = conversationReport.items.filter((item) => item.included);
      expect(included.length).toBeGreaterThan(0);
      expect(included.length).toBeLessThan(messages.length);
      // The newest are the ones kept, in order, and they are what was sent.
      expect(included.map((item) => item.id)).toEqual(messages.slice(-included.length).map((message) => message.id));
      expect(sent.slice(1)).toEqual(messages.slice(-included.length).map((message) => message.message));
      expect(conversationReport.items.filter((item) => !item.included).every((item) => /budget|did not fit/.test(item.reason))).toBe(true);
      expect(report.compaction).toBeUndefined();

      // Instructions alone over the budget: a clear failure.
      const tiny = spec({ instructions: 'word '.repeat(400), context: { maxTokens: 256, sources: [{ kind: 'instructions' }, { kind: 'conversation' }] } });
      await expect(
        asRun(user, () => assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 0, spec: tiny, userId: user, purpose: 'support', conversation: messages, tools: [] })),
      ).rejects.toMatchObject({ code: 'context.context_budget_too_small', kind: 'failed_precondition' });
    });

    it('compacts older turns through the gateway, keeps the summary as memory and uses it (the watermark) in later steps', async () => {
      const assembler = api.app.get(ContextAssembler);
      const user = newId();
      const sessionId = newId();
      const compacting = spec({
        context: { maxTokens: 700, sources: [{ kind: 'instructions' }, { kind: 'conversation' }, { kind: 'tool_results' }] },
        memory: { compaction: { enabled: true, keepRecentTurns: 2 }, longTerm: { enabled: false, recallTopK: 5, scope: 'agent_user' } },
      });
      const messages = conversation(...turns(20));
      openai.reset();
      openai.script({ text: 'Summary: the user asked about orders 1000 to 1009; each ships on its day, delivery two days later.' });
      const first = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 0, spec: compacting, userId: user, purpose: 'support', conversation: messages, tools: [] }),
      );
      expect(openai.requests).toHaveLength(1);
      const sentForSummary = JSON.stringify(at(openai.requests, 0).body);
      expect(sentForSummary).toContain('Question 0');
      expect(sentForSummary).toContain('Answer 17');
      expect(sentForSummary).not.toContain('Question 18');
      expect(first.report.compaction).toMatchObject({ summarizedMessages: 36, throughSeq: 36 });
      expect(must(first.report.compaction).summaryTokens).toBeGreaterThan(0);
      expect(at(first.messages, 0).content).toContain('Summary: the user asked about orders 1000 to 1009');
      expect(first.messages.slice(1)).toEqual(messages.slice(36).map((message) => message.message));
      expect(first.report.totalTokens).toBeLessThanOrEqual(700);

      const stored = await api.db.query<{ id: string; kind: string; through_seq: number; session_id: string; user_id: string; source: string }>(
        `SELECT id, kind, through_seq, session_id, user_id, source FROM agent_memory WHERE tenant_id = $1 AND session_id = $2`,
        [tenantId, sessionId],
      );
      expect(stored).toEqual([{ id: must(first.report.compaction).summaryMemoryId, kind: 'episode_summary', through_seq: 36, session_id: sessionId, user_id: user, source: 'compaction' }]);

      // The next step: one more exchange; the summary stands in for messages 1–36, no new summary call.
      const next = [...messages, ...conversation({ role: 'assistant', content: 'Anything else?' }, { role: 'user', content: 'No, thanks.' }).map((message, index) => ({ ...message, seq: 41 + index }))];
      const second = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 1, spec: compacting, userId: user, purpose: 'support', conversation: next, tools: [] }),
      );
      expect(openai.requests).toHaveLength(1);
      expect(second.report.compaction).toBeUndefined();
      const conversationReport = must(second.report.sources.find((source) => source.source === 'conversation'));
      expect(conversationReport.items[0]).toMatchObject({ id: must(first.report.compaction).summaryMemoryId, kind: 'episode_summary', included: true });
      expect(conversationReport.items.slice(1).map((item) => item.id)).toEqual(next.slice(36).map((message) => message.id));
      expect(at(second.messages, 0).content).toContain('Summary: the user asked about orders');
    });

    it('brings the ontology objects in scope with their links, as the principal may read them, and reports a failing source', async () => {
      const assembler = api.app.get(ContextAssembler);
      const objectType = await api.call(owner, 'POST', '/ontology/object-types', {
        apiName: 'Order',
        primaryKey: 'number',
        properties: [
          { apiName: 'number', type: 'string', required: true },
          { apiName: 'status', type: 'string' },
        ],
      });
      expect(objectType.status).toBe(201);
      expect((await api.call(owner, 'POST', '/ontology/link-types', { apiName: 'follows', fromTypeApiName: 'Order', toTypeApiName: 'Order', cardinality: 'many_to_many' })).status).toBe(201);
      const first = await api.call<{ id: string }>(owner, 'POST', '/ontology/objects', { typeApiName: 'Order', properties: { number: 'o-1', status: 'shipped' } });
      const second = await api.call<{ id: string }>(owner, 'POST', '/ontology/objects', { typeApiName: 'Order', properties: { number: 'o-2', status: 'open' } });
      expect((await api.call(owner, 'POST', '/ontology/links', { linkTypeApiName: 'follows', fromId: second.body.id, toId: first.body.id })).status).toBe(201);

      const user = newId();
      const withOntology = spec({
        context: {
          maxTokens: 4_000,
          sources: [{ kind: 'instructions' }, { kind: 'ontology', objects: ['Order:o-2'], linkHops: 1 }, { kind: 'retrieval', collections: ['nowhere'] }, { kind: 'conversation' }],
        },
      });
      const { messages: sent, report } = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId: newId(), runId: newId(), stepIndex: 0, spec: withOntology, userId: user, purpose: 'support', conversation: conversation({ role: 'user', content: 'Where is my order?' }), tools: [] }),
      );
      const ontology = must(report.sources.find((source) => source.source === 'ontology'));
      expect(ontology.items.map((item) => [item.id, item.included])).toEqual([
        [second.body.id, true],
        [first.body.id, true],
      ]);
      expect(at(ontology.items, 1).reason).toMatch(/1 hop/);
      const system = String(at(sent, 0).content);
      expect(system).toContain('"status":"open"');
      expect(system).toContain('"link":"follows"');
      expect(system).toContain('"status":"shipped"');
      // A failing source (an unknown collection) is reported; the step goes on without it.
      const retrieval = must(report.sources.find((source) => source.source === 'retrieval'));
      expect(retrieval.error?.code).toBeTruthy();
      expect(retrieval.usedTokens).toBe(0);
      expect(at(sent, -1)).toEqual({ role: 'user', content: 'Where is my order?' });
    });

    it('retrieves chunks of the named collections for the latest user message, best first, logged under the run’s purpose', async () => {
      const assembler = api.app.get(ContextAssembler);
      const collection = await api.call<{ id: string }>(owner, 'POST', '/vectors/collections', { name: 'handbook', dimensions: 384, chunking: { strategy: 'heading_aware', maxTokens: 32, overlapTokens: 0 } });
      expect(collection.status).toBe(201);
      const document = await api.call<{ id: string }>(owner, 'POST', `/vectors/collections/${collection.body.id}/documents`, {
        name: 'handbook.md',
        format: 'markdown',
        text: '# Handbook\n\n## Refunds\nCustomers may ask for a refund within thirty days.\n\n## Shipping\nParcels ship from the warehouse in Leipzig every weekday.\n',
      });
      expect(document.status).toBe(202);
      for (let attempt = 0; ; attempt++) {
        const status = await api.call<{ status: string }>(owner, 'GET', `/vectors/documents/${document.body.id}`);
        if (status.body.status === 'ready') break;
        if (status.body.status === 'failed' || attempt > 200) throw new Error(`ingestion did not finish: ${status.body.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const user = newId();
      const withRetrieval = spec({ context: { maxTokens: 4_000, sources: [{ kind: 'instructions' }, { kind: 'retrieval', collections: ['handbook'], topK: 2 }, { kind: 'conversation' }] } });
      const runId = newId();
      const { messages: sent, report } = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId: newId(), runId, stepIndex: 0, spec: withRetrieval, userId: user, purpose: 'support', conversation: conversation({ role: 'user', content: 'Where do parcels ship from, Leipzig?' }), tools: [] }),
      );
      const retrieval = must(report.sources.find((source) => source.source === 'retrieval'));
      expect(retrieval.error).toBeUndefined();
      expect(retrieval.items.length).toBeGreaterThan(0);
      expect(at(retrieval.items, 0)).toMatchObject({ kind: 'chunk', included: true, reason: expect.stringMatching(/^score \d\.\d{3} in handbook$/) });
      const system = String(at(sent, 0).content);
      expect(system).toContain('- [handbook / handbook.md / Handbook > Shipping] Shipping\n  Parcels ship from the warehouse in Leipzig');
      expect(system.indexOf('Leipzig')).toBeLessThan(system.indexOf('refund within thirty days') >>> 0);
      const logged = await api.db.query<{ purpose: string }>(`SELECT purpose FROM data_access_record WHERE tenant_id = $1 AND resource_type = 'VectorChunk' AND on_behalf_of_id = $2`, [tenantId, user]);
      expect(logged.map((row) => row.purpose)).toContain('support');
    });

    it('leaves older turns out with the reason when the summary call fails; the step goes on', async () => {
      const assembler = api.app.get(ContextAssembler);
      const user = newId();
      const compacting = spec({
        context: { maxTokens: 700, sources: [{ kind: 'instructions' }, { kind: 'conversation' }] },
        memory: { compaction: { enabled: true, keepRecentTurns: 2 }, longTerm: { enabled: false, recallTopK: 5, scope: 'agent_user' } },
      });
      const messages = conversation(...turns(20));
      openai.reset();
      for (let attempt = 0; attempt < 5; attempt++) openai.script({ error: { status: 400, message: 'bad request' } });
      const sessionId = newId();
      const { messages: sent, report } = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 0, spec: compacting, userId: user, purpose: 'support', conversation: messages, tools: [] }),
      );
      expect(openai.requests.length).toBeGreaterThan(0);
      expect(report.compaction).toBeUndefined();
      const conversationReport = must(report.sources.find((source) => source.source === 'conversation'));
      expect(conversationReport.error?.code).toMatch(/^model-gateway\./);
      expect(conversationReport.items.filter((item) => !item.included).every((item) => item.reason.includes('compaction failed'))).toBe(true);
      expect(sent.length).toBeGreaterThan(1);
      expect(sent.at(-1)).toEqual(at(messages, -1).message);

      // The next step does not pay for the failing call again right away; it says why.
      const calls = openai.requests.length;
      const next = await asRun(user, () =>
        assembler.assemble({ tenantId, agentId, sessionId, runId: newId(), stepIndex: 1, spec: compacting, userId: user, purpose: 'support', conversation: messages, tools: [] }),
      );
      expect(openai.requests.length).toBe(calls);
      expect(must(next.report.sources.find((source) => source.source === 'conversation')).error?.message).toMatch(/not retried before/);
      openai.reset();
    });
  });
});
