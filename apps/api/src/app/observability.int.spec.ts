import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestContextStore } from '@strata/kernel';
import { DataAccessLog, PostgresSpanProcessor, PostgresSpanSink } from '@strata/observability';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string };
}
interface TraceList {
  items: Array<{ traceId: string; status: string; spanCount: number; inputTokens: number | null }>;
  nextCursor: string | null;
}
interface TraceTree {
  traceId: string;
  spanCount: number;
  roots: Array<{ name: string; children: Array<{ name: string }> }>;
}
interface DataAccessList {
  items: Array<{ tenantId: string; resourceType: string; resourceIds: string[]; actorId: string }>;
  nextCursor: string | null;
}

/**
 * The trace API and the data-access log over HTTP, with spans stored the way production stores
 * them (span processor → PostgreSQL sink of the running app): two tenants, and neither ever sees
 * the other's traces or records, by list, filter or id.
 */
describe('observability over HTTP: tenant isolation and authorization', () => {
  let api: ApiHarness;
  let processor: PostgresSpanProcessor;
  let tracer: Tracer;
  const tenants: Record<'a' | 'b', { id: string; owner: string; traceId: string; errorTraceId: string }> = {} as never;

  function storeTrace(tenantId: string, agent: string, error = false): string {
    const root = tracer.startSpan(`invoke_agent ${agent}`, { attributes: { 'strata.tenant.id': tenantId, 'gen_ai.agent.id': agent } });
    const llm = tracer.startSpan(
      'chat model-x',
      { attributes: { 'strata.tenant.id': tenantId, 'gen_ai.request.model': 'model-x', 'gen_ai.usage.input_tokens': 10 } },
      trace.setSpan(context.active(), root),
    );
    if (error) llm.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 500' });
    llm.end();
    root.end();
    return root.spanContext().traceId;
  }

  async function keyFor(owner: string, role: string): Promise<string> {
    const account = await api.call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name: `${role}-bot`, roles: [role] });
    const key = await api.call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name: role, serviceAccountId: account.body.id, roles: [role] });
    expect(key.status).toBe(201);
    return key.body.token;
  }

  beforeAll(async () => {
    api = await startApiHarness();
    processor = new PostgresSpanProcessor({ maxQueueSize: 1_000, maxBatchSize: 100, flushIntervalMs: 600_000 });
    processor.attach(api.app.get(PostgresSpanSink));
    tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('observability-http-test');

    const dataAccess = api.app.get(DataAccessLog);
    for (const slug of ['a', 'b'] as const) {
      const provisioned = await api.provision(`obs-${slug}`);
      const tenantId = provisioned.tenant.id;
      tenants[slug] = { id: tenantId, owner: provisioned.token, traceId: storeTrace(tenantId, `agent-${slug}`), errorTraceId: storeTrace(tenantId, `agent-${slug}`, true) };
      await RequestContextStore.run({ requestId: `seed-${slug}`, tenantId, actor: { type: 'agent', id: `agent-${slug}` }, purpose: 'support' }, () =>
        dataAccess.record({ resourceType: 'Session', resourceIds: [`session-${slug}`, 'same-id-in-both'] }),
      );
    }
    await processor.forceFlush();
  });

  afterAll(async () => {
    await processor?.shutdown();
    await api?.close();
  });

  it('lists only the caller’s traces, whatever the filter', async () => {
    for (const [mine, theirs] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const all = await api.call<TraceList>(tenants[mine].owner, 'GET', '/observability/traces');
      expect(all.status).toBe(200);
      expect(all.body.items.map((item) => item.traceId).sort()).toEqual([tenants[mine].traceId, tenants[mine].errorTraceId].sort());
      for (const filter of ['status=error', `agentId=agent-${theirs}`, 'model=model-x', 'minDurationMs=0']) {
        const filtered = await api.call<TraceList>(tenants[mine].owner, 'GET', `/observability/traces?${filter}`);
        expect(filtered.status, filter).toBe(200);
        const ids = filtered.body.items.map((item) => item.traceId);
        expect(ids, filter).not.toContain(tenants[theirs].traceId);
        expect(ids, filter).not.toContain(tenants[theirs].errorTraceId);
      }
    }
    const errors = await api.call<TraceList>(tenants.a.owner, 'GET', '/observability/traces?status=error');
    expect(errors.body.items).toMatchObject([{ traceId: tenants.a.errorTraceId, status: 'error', spanCount: 2, inputTokens: 10 }]);
  });

  it('answers 404 for another tenant’s trace id, the same as for an unknown one', async () => {
    const own = await api.call<TraceTree>(tenants.a.owner, 'GET', `/observability/traces/${tenants.a.traceId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ traceId: tenants.a.traceId, spanCount: 2, roots: [{ name: 'invoke_agent agent-a', children: [{ name: 'chat model-x' }] }] });

    for (const traceId of [tenants.b.traceId, tenants.b.errorTraceId, 'f'.repeat(32), 'not-a-trace-id']) {
      const other = await api.call<ErrorBody>(tenants.a.owner, 'GET', `/observability/traces/${traceId}`);
      expect(other.status, traceId).toBe(404);
      expect(other.body.error.code).toBe('observability.trace_not_found');
    }
    const reverse = await api.call<ErrorBody>(tenants.b.owner, 'GET', `/observability/traces/${tenants.a.traceId}`);
    expect(reverse.status).toBe(404);
  });

  it('lists only the caller’s data-access records, also when filtering by an id both tenants share', async () => {
    for (const slug of ['a', 'b'] as const) {
      const page = await api.call<DataAccessList>(tenants[slug].owner, 'GET', '/observability/data-access?resourceId=same-id-in-both');
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({ tenantId: tenants[slug].id, resourceType: 'Session', actorId: `agent-${slug}` });
    }
    const other = await api.call<DataAccessList>(tenants.a.owner, 'GET', '/observability/data-access?resourceId=session-b');
    expect(other.body.items).toEqual([]);
  });

  it('lets auditors read, refuses viewers (403), records the decisions, and requires a credential (401)', async () => {
    const auditor = await keyFor(tenants.a.owner, 'auditor');
    const viewer = await keyFor(tenants.a.owner, 'viewer');
    expect((await api.call(auditor, 'GET', '/observability/traces')).status).toBe(200);
    expect((await api.call(auditor, 'GET', `/observability/traces/${tenants.a.traceId}`)).status).toBe(200);
    expect((await api.call(auditor, 'GET', '/observability/data-access')).status).toBe(200);
    for (const path of ['/observability/traces', `/observability/traces/${tenants.a.traceId}`, '/observability/data-access']) {
      const refused = await api.call<ErrorBody>(viewer, 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code).toBe('governance.permission_denied');
      expect((await api.call<ErrorBody>(undefined, 'GET', path)).status).toBe(401);
    }
    const decisions = await api.db.query<{ subject_type: string; allowed: boolean }>(
      `SELECT subject_type, allowed FROM authorization_decision WHERE tenant_id = $1 AND subject_type IN ('Trace', 'DataAccessRecord')`,
      [tenants.a.id],
    );
    expect(decisions.some((row) => row.subject_type === 'Trace' && row.allowed)).toBe(true);
    expect(decisions.some((row) => row.subject_type === 'DataAccessRecord' && !row.allowed)).toBe(true);
  });

  it('validates queries (400) instead of guessing', async () => {
    for (const query of ['limit=1000', 'status=broken', 'unknown=1', 'from=yesterday', 'cursor=garbage']) {
      const response = await api.call<ErrorBody>(tenants.a.owner, 'GET', `/observability/traces?${query}`);
      expect(response.status, query).toBe(400);
    }
    expect((await api.call(tenants.a.owner, 'GET', '/observability/data-access?limit=501')).status).toBe(400);
  });
});
