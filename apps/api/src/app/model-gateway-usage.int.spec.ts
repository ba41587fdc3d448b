import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedUsageRecorder, LeasedBudgetGate, TenantGuardrailPipeline } from '@strata/model-gateway';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

type Issues = { error: { code: string; details: { issues: Array<{ path: string }> } } };

/** Budgets, usage and guardrails over HTTP: validation, roles, audit and tenant isolation. */
describe('model gateway budgets, usage and guardrails over HTTP', () => {
  let api: ApiHarness;
  let ownerA: string;
  let ownerB: string;
  let tenantA: string;
  let tenantB: string;
  const keys = new Map<string, string>();

  beforeAll(async () => {
    api = await startApiHarness();
    const a = await api.provision('usage-a');
    const b = await api.provision('usage-b');
    ownerA = a.token;
    ownerB = b.token;
    tenantA = a.tenant.id;
    tenantB = b.tenant.id;
    for (const role of ['viewer', 'builder', 'operator', 'auditor']) {
      const account = await api.call<{ id: string }>(ownerA, 'POST', '/governance/service-accounts', { name: `${role}-usage`, roles: [role] });
      const key = await api.call<{ token: string }>(ownerA, 'POST', '/governance/api-keys', { name: role, serviceAccountId: account.body.id, roles: [role] });
      keys.set(role, key.body.token);
    }
  });
  afterAll(() => api?.close());

  describe('budgets', () => {
    it('answers 400 naming the path of each bad field', async () => {
      const negative = await api.call<Issues>(ownerA, 'POST', '/model-gateway/budgets', { name: 'x', tokenLimit: -5 });
      expect(negative.status).toBe(400);
      expect(negative.body.error.details.issues.map((issue) => issue.path)).toContain('tokenLimit');
      const noScopeId = await api.call<Issues>(ownerA, 'POST', '/model-gateway/budgets', { name: 'x', scope: 'api_key', tokenLimit: 5 });
      expect(noScopeId.body.error.details.issues.map((issue) => issue.path)).toContain('scopeId');
      const noLimit = await api.call<Issues>(ownerA, 'POST', '/model-gateway/budgets', { name: 'x' });
      expect(noLimit.status).toBe(400);
      const badPeriod = await api.call<Issues>(ownerA, 'POST', '/model-gateway/budgets', { name: 'x', tokenLimit: 5, period: 'year', extra: 1 });
      expect(badPeriod.body.error.details.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['period']));
      const badCost = await api.call<Issues>(ownerA, 'POST', '/model-gateway/budgets', { name: 'x', costLimitUsd: '1.1234567' });
      expect(badCost.body.error.details.issues.map((issue) => issue.path)).toContain('costLimitUsd');
    });

    it('creates, lists with status, updates and deletes a budget, audited; the gate enforces it at once', async () => {
      const created = await api.call<{ id: string; costLimitUsd: string; status: Record<string, unknown> }>(ownerA, 'POST', '/model-gateway/budgets', {
        name: 'monthly',
        period: 'month',
        tokenLimit: 1000,
        costLimitUsd: '25.5',
        requestsPerMinute: 100,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ scope: 'tenant', scopeId: null, period: 'month', tokenLimit: 1000, costLimitUsd: '25.500000', requestsPerMinute: 100, tokensPerMinute: null, enabled: true });
      expect(created.body.status).toMatchObject({ usedTokens: 0, reservedTokens: 0, usedCostUsd: '0.000000' });
      expect(await api.call(ownerA, 'POST', '/model-gateway/budgets', { name: 'monthly', tokenLimit: 1 })).toMatchObject({ status: 409 });

      const gate = api.app.get(LeasedBudgetGate);
      const reservation = await gate.reserve({ tenantId: tenantA }, { tokens: 400, costUsd: 1 });
      reservation.settle({ inputTokens: 100, outputTokens: 50, costUsd: 0.5 });
      await gate.flush(false);
      const listed = await api.call<{ items: Array<{ id: string; status: { usedTokens: number; reservedTokens: number; usedCostUsd: string; resetsAt: string } }> }>(
        ownerA,
        'GET',
        '/model-gateway/budgets',
      );
      const status = listed.body.items.find((item) => item.id === created.body.id)?.status;
      expect(status?.usedTokens).toBe(150);
      expect(status?.usedCostUsd).toBe('0.500000');
      expect(status?.reservedTokens).toBeGreaterThanOrEqual(0);
      expect(new Date(status?.resetsAt ?? '').getUTCDate()).toBe(1);

      const patched = await api.call<{ tokenLimit: number }>(ownerA, 'PATCH', `/model-gateway/budgets/${created.body.id}`, { tokenLimit: 100 });
      expect(patched.status).toBe(200);
      expect(patched.body.tokenLimit).toBe(100);
      const refused = await gate.reserve({ tenantId: tenantA }, { tokens: 400, costUsd: 0 }).catch((error: unknown) => error as { code: string; kind: string });
      expect(refused).toMatchObject({ code: 'model-gateway.budget_exceeded', kind: 'resource_exhausted' });
      expect((await api.call(ownerA, 'PATCH', `/model-gateway/budgets/${created.body.id}`, { tokenLimit: null, costLimitUsd: null, requestsPerMinute: null })).status).toBe(400);

      expect((await api.call(ownerA, 'DELETE', `/model-gateway/budgets/${created.body.id}`)).status).toBe(204);
      expect((await api.call(ownerA, 'GET', `/model-gateway/budgets/${created.body.id}`)).status).toBe(404);
      await expect(gate.reserve({ tenantId: tenantA }, { tokens: 400, costUsd: 0 })).resolves.toBeDefined();
      const audit = await api.db.query<{ action: string }>(`SELECT action FROM audit_entry WHERE tenant_id = $1 AND action LIKE 'budget.%' ORDER BY seq`, [tenantA]);
      expect(audit.map((row) => row.action)).toEqual(['budget.create', 'budget.update', 'budget.delete']);
    });

    it('keeps budgets to their tenant and to the roles that may see them', async () => {
      const mine = await api.call<{ id: string }>(ownerA, 'POST', '/model-gateway/budgets', { name: 'per-key', scope: 'api_key', scopeId: 'key-1', tokenLimit: 10 });
      expect(mine.status).toBe(201);
      expect((await api.call(ownerB, 'GET', `/model-gateway/budgets/${mine.body.id}`)).status).toBe(404);
      expect((await api.call(ownerB, 'PATCH', `/model-gateway/budgets/${mine.body.id}`, { tokenLimit: 1 })).status).toBe(404);
      expect((await api.call(ownerB, 'DELETE', `/model-gateway/budgets/${mine.body.id}`)).status).toBe(404);
      expect((await api.call<{ items: unknown[] }>(ownerB, 'GET', '/model-gateway/budgets')).body.items).toEqual([]);
      expect((await api.call(ownerA, 'GET', '/model-gateway/budgets/not-an-id')).status).toBe(404);

      expect((await api.call(keys.get('viewer'), 'GET', '/model-gateway/budgets')).status).toBe(403);
      expect((await api.call(keys.get('operator'), 'GET', '/model-gateway/budgets')).status).toBe(403);
      expect((await api.call(keys.get('builder'), 'GET', '/model-gateway/budgets')).status).toBe(200);
      expect((await api.call(keys.get('auditor'), 'GET', `/model-gateway/budgets/${mine.body.id}`)).status).toBe(200);
      expect((await api.call(keys.get('builder'), 'POST', '/model-gateway/budgets', { name: 'nope', tokenLimit: 1 })).status).toBe(403);
      expect((await api.call(keys.get('auditor'), 'DELETE', `/model-gateway/budgets/${mine.body.id}`)).status).toBe(403);
    });
  });

  describe('usage', () => {
    it('summarises and lists usage records of the tenant only', async () => {
      const recorder = api.app.get(BatchedUsageRecorder);
      const base = {
        actorType: 'service_account',
        actorId: 'sa',
        operation: 'chat' as const,
        providerKind: 'openai' as const,
        latencyMs: 10,
        attempts: [],
        streamed: false,
      };
      recorder.record({ ...base, tenantId: tenantA, model: 'm-1', alias: 'fast', providerId: 'p1', inputTokens: 10, outputTokens: 5, costUsd: 0.01, outcome: 'success', at: new Date('2026-02-01T08:00:00Z'), agentId: 'agent-1' });
      recorder.record({ ...base, tenantId: tenantA, model: 'm-2', alias: 'smart', providerId: 'p2', inputTokens: 20, outputTokens: 5, costUsd: 0.02, outcome: 'error', errorCode: 'model-gateway.x', at: new Date('2026-02-02T08:00:00Z') });
      recorder.record({ ...base, tenantId: tenantB, model: 'm-1', alias: 'fast', providerId: 'p1', inputTokens: 999, outputTokens: 999, costUsd: 9, outcome: 'success', at: new Date('2026-02-01T09:00:00Z') });
      await recorder.flush();

      const byDay = await api.call<{ rows: Array<{ key: string; inputTokens: number; errors: number }>; totals: { requests: number; costUsd: string } }>(
        ownerA,
        'GET',
        '/model-gateway/usage/summary?groupBy=day&from=2026-02-01&to=2026-02-28',
      );
      expect(byDay.status).toBe(200);
      expect(byDay.body.rows).toEqual([
        expect.objectContaining({ key: '2026-02-01', inputTokens: 10, errors: 0 }),
        expect.objectContaining({ key: '2026-02-02', inputTokens: 20, errors: 1 }),
      ]);
      expect(byDay.body.totals).toMatchObject({ requests: 2, costUsd: '0.030000' });
      const byModel = await api.call<{ rows: Array<{ key: string }> }>(ownerA, 'GET', '/model-gateway/usage/summary?groupBy=model&from=2026-02-01&to=2026-02-28');
      expect(byModel.body.rows.map((row) => row.key)).toEqual(['m-1', 'm-2']);

      const records = await api.call<{ items: Array<{ model: string; costUsd: string; agentId: string | null }>; nextCursor: string | null }>(
        ownerA,
        'GET',
        '/model-gateway/usage/records?from=2026-02-01&to=2026-02-28&limit=1',
      );
      expect(records.body.items).toHaveLength(1);
      expect(records.body.items[0]?.model).toBe('m-2'); // newest first
      const next = await api.call<{ items: Array<{ model: string; agentId: string | null; costUsd: string }> }>(
        ownerA,
        'GET',
        `/model-gateway/usage/records?from=2026-02-01&to=2026-02-28&limit=1&cursor=${records.body.nextCursor}`,
      );
      expect(next.body.items[0]).toMatchObject({ model: 'm-1', agentId: 'agent-1' });
      expect(Number(next.body.items[0]?.costUsd)).toBeCloseTo(0.01);
      const filtered = await api.call<{ items: unknown[] }>(ownerA, 'GET', '/model-gateway/usage/records?outcome=error&from=2026-02-01&to=2026-02-28');
      expect(filtered.body.items).toHaveLength(1);

      const ofB = await api.call<{ totals: { requests: number } }>(ownerB, 'GET', '/model-gateway/usage/summary?groupBy=model&from=2026-02-01&to=2026-02-28');
      expect(ofB.body.totals.requests).toBe(1);
      expect((await api.call(keys.get('operator'), 'GET', '/model-gateway/usage/records')).status).toBe(200);
      expect((await api.call(keys.get('viewer'), 'GET', '/model-gateway/usage/summary')).status).toBe(403);
    });

    it('counts cancelled calls apart from errors, and filters records by outcome cancelled', async () => {
      const recorder = api.app.get(BatchedUsageRecorder);
      const base = { tenantId: tenantA, actorType: 'service_account', actorId: 'sa', operation: 'chat' as const, model: 'm-c', latencyMs: 10, attempts: [], streamed: true, costUsd: 0 };
      const at = (day: string) => new Date(`2026-04-${day}T08:00:00Z`);
      recorder.record({ ...base, inputTokens: 10, outputTokens: 5, outcome: 'success', at: at('01') });
      recorder.record({ ...base, inputTokens: 10, outputTokens: 2, outcome: 'cancelled', errorCode: 'http.client_closed_request', at: at('01') });
      recorder.record({ ...base, inputTokens: 0, outputTokens: 0, outcome: 'cancelled', errorCode: 'http.client_closed_request', at: at('02') });
      recorder.record({ ...base, inputTokens: 0, outputTokens: 0, outcome: 'error', errorCode: 'model-gateway.stream_interrupted', at: at('02') });
      recorder.record({ ...base, inputTokens: 0, outputTokens: 0, outcome: 'rate_limited', errorCode: 'model-gateway.rate_limited', at: at('02') });
      await recorder.flush();

      type Counts = { requests: number; errors: number; cancelled: number };
      const byDay = await api.call<{ rows: Array<Counts & { key: string }>; totals: Counts }>(ownerA, 'GET', '/model-gateway/usage/summary?groupBy=day&from=2026-04-01&to=2026-04-30');
      expect(byDay.body.rows).toEqual([
        expect.objectContaining({ key: '2026-04-01', requests: 2, errors: 0, cancelled: 1 }),
        expect.objectContaining({ key: '2026-04-02', requests: 3, errors: 2, cancelled: 1 }),
      ]);
      expect(byDay.body.totals).toMatchObject({ requests: 5, errors: 2, cancelled: 2 });

      const cancelled = await api.call<{ items: Array<{ outcome: string; errorCode: string }> }>(ownerA, 'GET', '/model-gateway/usage/records?outcome=cancelled&from=2026-04-01&to=2026-04-30');
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.items).toEqual([
        expect.objectContaining({ outcome: 'cancelled', errorCode: 'http.client_closed_request' }),
        expect.objectContaining({ outcome: 'cancelled', errorCode: 'http.client_closed_request' }),
      ]);
    });

    it('answers 400 on a bad query', async () => {
      const bad = await api.call<Issues>(ownerA, 'GET', '/model-gateway/usage/summary?groupBy=week');
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((issue) => issue.path)).toEqual(['groupBy']);
      const reversed = await api.call<ErrorBody>(ownerA, 'GET', '/model-gateway/usage/summary?from=2026-03-01&to=2026-02-01');
      expect(reversed.status).toBe(400);
      expect(reversed.body.error.code).toBe('model-gateway.invalid_range');
      expect((await api.call(ownerA, 'GET', '/model-gateway/usage/records?outcome=maybe')).status).toBe(400);
    });
  });

  describe('guardrails', () => {
    it('validates rules: 400 with a path, unsafe patterns refused', async () => {
      const both = await api.call<Issues>(ownerA, 'POST', '/model-gateway/guardrails', { name: 'x', detector: 'email', pattern: 'a' });
      expect(both.status).toBe(400);
      expect(both.body.error.details.issues.map((issue) => issue.path)).toContain('pattern');
      const unknown = await api.call<Issues>(ownerA, 'POST', '/model-gateway/guardrails', { name: 'x', detector: 'horoscope' });
      expect(unknown.body.error.details.issues.map((issue) => issue.path)).toContain('detector');
      const unsafe = await api.call<ErrorBody>(ownerA, 'POST', '/model-gateway/guardrails', { name: 'x', pattern: '(a+)+$' });
      expect(unsafe.status).toBe(400);
      expect(unsafe.body.error).toMatchObject({ code: 'model-gateway.unsafe_pattern', details: { path: 'pattern' } });
    });

    it('masks, blocks and scopes by alias; changes apply at once and are audited', async () => {
      const test = (text: string, alias?: string) =>
        api.call<{ blocked: boolean; text: string | null; findings: Array<{ rule: string; action: string; path: string; count: number }> }>(
          ownerA,
          'POST',
          '/model-gateway/guardrails/test',
          { text, ...(alias ? { alias } : {}) },
        );
      const plain = await test('mail jane@example.com, key AKIAIOSFODNN7EXAMPLE');
      expect(plain.body).toEqual({
        blocked: false,
        text: 'mail [REDACTED:email], key [REDACTED:aws_access_key]',
        findings: [
          { rule: 'aws_access_key', kind: 'secret', action: 'mask', path: 'text', count: 1 },
          { rule: 'email', kind: 'pii', action: 'mask', path: 'text', count: 1 },
        ],
      });

      const custom = await api.call<{ id: string; kind: string }>(ownerA, 'POST', '/model-gateway/guardrails', { name: 'Project codes', pattern: 'PRJ-\\d{4}', flags: 'i', action: 'block', aliases: ['external'] });
      expect(custom.status).toBe(201);
      expect(custom.body.kind).toBe('custom');
      expect((await test('about prj-1234')).body).toMatchObject({ blocked: false, text: 'about prj-1234' });
      const blocked = await test('about prj-1234', 'external');
      expect(blocked.body).toMatchObject({ blocked: true, text: null, findings: [{ rule: 'Project codes', action: 'block', path: 'text', count: 1 }] });
      expect(JSON.stringify(blocked.body)).not.toContain('1234');

      const pipeline = api.app.get(TenantGuardrailPipeline);
      const error = (await pipeline
        .screenPrompt(tenantA, 'external', { model: 'fast', messages: [{ role: 'user', content: 'hi' }, { role: 'user', content: 'code PRJ-9876' }] })
        .catch((caught: unknown) => caught)) as { code: string; kind: string; details: { findings: Array<{ path: string }> } };
      expect(error).toMatchObject({ code: 'model-gateway.guardrail_blocked', kind: 'invalid_argument' });
      expect(JSON.stringify(error.details)).not.toContain('9876');
      expect(error.details.findings.map((finding) => finding.path)).toEqual(['messages[1].content']);
      expect(pipeline.redactForStorage(tenantA, 'code PRJ-9876 for bob@example.com')).toBe('code [REDACTED:custom:project_codes] for [REDACTED:email]');

      await api.call(ownerA, 'PATCH', `/model-gateway/guardrails/${custom.body.id}`, { action: 'mask', aliases: [] });
      expect((await test('about prj-1234')).body.text).toBe('about [REDACTED:custom:project_codes]');

      const phoneOff = await api.call<{ id: string }>(ownerA, 'POST', '/model-gateway/guardrails', { name: 'no phones', detector: 'phone', enabled: false });
      expect(phoneOff.status).toBe(201);
      expect((await api.call(ownerA, 'POST', '/model-gateway/guardrails', { name: 'phones again', detector: 'phone' })).status).toBe(409);
      expect((await test('call +1 415 555 2671')).body.text).toBe('call +1 415 555 2671');
      const detectors = await api.call<Array<{ id: string; enabled: boolean; ruleId: string | null }>>(ownerA, 'GET', '/model-gateway/guardrails/detectors');
      expect(detectors.body.find((detector) => detector.id === 'phone')).toMatchObject({ enabled: false, ruleId: phoneOff.body.id });
      expect(detectors.body.find((detector) => detector.id === 'email')).toMatchObject({ enabled: true, ruleId: null });

      const list = await api.call<{ items: Array<{ id: string }> }>(ownerA, 'GET', '/model-gateway/guardrails');
      expect(list.body.items.map((item) => item.id)).toEqual([custom.body.id, phoneOff.body.id]);
      expect((await api.call(ownerA, 'DELETE', `/model-gateway/guardrails/${phoneOff.body.id}`)).status).toBe(204);
      expect((await test('call +1 415 555 2671')).body.text).toBe('call [REDACTED:phone]');
      const audit = await api.db.query<{ action: string }>(`SELECT action FROM audit_entry WHERE tenant_id = $1 AND action LIKE 'guardrail_rule.%' ORDER BY seq`, [tenantA]);
      expect(audit.map((row) => row.action)).toEqual(['guardrail_rule.create', 'guardrail_rule.update', 'guardrail_rule.create', 'guardrail_rule.delete']);

      // Tenant B: untouched by A's rules, and cannot see or change them.
      expect((await api.call<{ text: string }>(ownerB, 'POST', '/model-gateway/guardrails/test', { text: 'about prj-1234' })).body.text).toBe('about prj-1234');
      expect((await api.call(ownerB, 'GET', `/model-gateway/guardrails/${custom.body.id}`)).status).toBe(404);
      expect((await api.call(ownerB, 'PATCH', `/model-gateway/guardrails/${custom.body.id}`, { enabled: false })).status).toBe(404);
      expect((await api.call(keys.get('auditor'), 'GET', `/model-gateway/guardrails/${custom.body.id}`)).status).toBe(200);
      expect((await api.call(keys.get('builder'), 'GET', '/model-gateway/guardrails')).status).toBe(403);
      expect((await api.call(keys.get('auditor'), 'PATCH', `/model-gateway/guardrails/${custom.body.id}`, { enabled: false })).status).toBe(403);
    });
  });
});
