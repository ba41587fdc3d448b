import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '@strata/kernel';
import type { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import type { BudgetReservation, BudgetScope } from '../gateway/gateway.contract';
import { BudgetLedgerStore } from './budget-ledger.store';
import { LeasedBudgetGate } from './leased-budget-gate';

interface Failure {
  code: string;
  kind: string;
  details: Record<string, unknown>;
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected a failure');
}

/** 50 (or `count`) calls that start together: each waits on one gate, then reserves at once. */
async function releasedTogether<T>(count: number, call: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const calls = Array.from({ length: count }, (_, index) => gate.then(() => call(index)));
  open();
  return Promise.allSettled(calls);
}

describe('LeasedBudgetGate (database)', () => {
  let db: TestDatabase;
  let store: BudgetLedgerStore;
  const clock = new ManualClock('2026-03-04T10:00:00.000Z');
  const gates: LeasedBudgetGate[] = [];

  const newGate = () => {
    const gate = new LeasedBudgetGate(store, clock, { flushIntervalMs: 0, leaseIdleMs: 60_000 });
    gates.push(gate);
    return gate;
  };

  async function budget(tenantId: string, fields: Record<string, unknown>): Promise<string> {
    const id = newId();
    await db.prisma.budget.create({ data: { id, tenantId, name: `b-${id}`, scope: 'tenant', period: 'day', ...fields } });
    return id;
  }

  const windowRow = async (budgetId: string, meter: string) =>
    (
      await db.query<{ used: string; leased: string; period_start: Date }>(
        'SELECT used::text, leased::text, period_start FROM model_budget_period WHERE budget_id = $1 AND meter = $2 ORDER BY period_start',
        [budgetId, meter],
      )
    ).map((row) => ({ used: Number(row.used), leased: Number(row.leased), start: new Date(row.period_start).toISOString() }));

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new BudgetLedgerStore(db.prisma as unknown as PrismaService);
  });
  afterAll(async () => {
    for (const gate of gates) await gate.onModuleDestroy();
    await db?.close();
  });

  it('lets no tokens through without a budget and writes nothing', async () => {
    const tenantId = newId();
    const reservation = await newGate().reserve({ tenantId }, { tokens: 1_000_000, costUsd: 100 });
    reservation.settle({ inputTokens: 10, outputTokens: 10, costUsd: 1 });
    expect(await db.query('SELECT 1 FROM model_budget_period WHERE tenant_id = $1', [tenantId])).toEqual([]);
  });

  for (const processes of [1, 2]) {
    it(`50 concurrent requests released together never exceed the budget by more than one request's maximum (${processes} process${processes > 1 ? 'es' : ''})`, async () => {
      const tenantId = newId();
      const limit = 1_000;
      const max = 100;
      const budgetId = await budget(tenantId, { tokenLimit: BigInt(limit) });
      const instances = Array.from({ length: processes }, newGate);
      const results = await releasedTogether(50, async (index) => {
        const reservation = await (instances[index % processes] as LeasedBudgetGate).reserve({ tenantId }, { tokens: max, costUsd: 0 });
        // Every call uses its whole maximum: the worst case for the bound.
        reservation.settle({ inputTokens: 40, outputTokens: max - 40, costUsd: 0 });
      });
      const succeeded = results.filter((result) => result.status === 'fulfilled').length;
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason as Failure);
      for (const instance of instances) await instance.flush(true);

      const [row] = await windowRow(budgetId, 'tokens');
      expect(row?.used).toBe(succeeded * max);
      expect(row?.used).toBeLessThanOrEqual(limit + max);
      expect(row?.leased).toBe(0);
      expect(succeeded).toBeGreaterThan(0);
      expect(refused.length).toBe(50 - succeeded);
      for (const error of refused) {
        expect(error.code).toBe('model-gateway.budget_exceeded');
        expect(error.kind).toBe('resource_exhausted');
        expect(error.details).toMatchObject({ budgetId, scope: 'tenant', meter: 'tokens', limit, period: 'day', resetsAt: '2026-03-05T00:00:00.000Z' });
        expect(error.details['retryAfterMs']).toBe(14 * 3_600_000);
      }
      if (processes === 1) expect(succeeded).toBe(limit / max);
    });
  }

  it('holds under churn: 50 workers across two processes reserving, settling below or at their maximum, until refused', async () => {
    const tenantId = newId();
    const limit = 5_000;
    const max = 120;
    const budgetId = await budget(tenantId, { tokenLimit: BigInt(limit) });
    const instances = [newGate(), newGate()];
    let used = 0;
    await releasedTogether(50, async (index) => {
      const gate = instances[index % 2] as LeasedBudgetGate;
      for (;;) {
        let reservation: BudgetReservation;
        try {
          reservation = await gate.reserve({ tenantId }, { tokens: max, costUsd: 0 });
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, (index * 7) % 5));
        const actual = 60 + ((index * 13) % 61);
        used += actual;
        reservation.settle({ inputTokens: actual, outputTokens: 0, costUsd: 0 });
        if (index % 3 === 0) await gate.flush(false);
      }
    });
    for (const instance of instances) await instance.flush(true);
    const [row] = await windowRow(budgetId, 'tokens');
    expect(row?.used).toBe(used);
    expect(used).toBeLessThanOrEqual(limit + max);
    expect(used).toBeGreaterThan(limit - 2 * max * 2);
    expect(row?.leased).toBe(0);
  });

  it('limits requests per minute across processes, answering rate_limited until the next minute', async () => {
    const tenantId = newId();
    const budgetId = await budget(tenantId, { requestsPerMinute: 20n });
    const instances = [newGate(), newGate()];
    const results = await releasedTogether(50, (index) => (instances[index % 2] as LeasedBudgetGate).reserve({ tenantId }, { tokens: 10, costUsd: 0 }));
    const granted = results.filter((result) => result.status === 'fulfilled');
    expect(granted.length).toBeLessThanOrEqual(20);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason as Failure;
    expect(refused.code).toBe('model-gateway.rate_limited');
    expect(refused.details).toMatchObject({ meter: 'requests_per_minute', period: 'minute', limit: 20, resetsAt: '2026-03-04T10:01:00.000Z', retryAfterMs: 60_000 });
    for (const result of granted) (result as PromiseFulfilledResult<BudgetReservation>).value.settle({ inputTokens: 1, outputTokens: 1, costUsd: 0 });
    clock.advance(60_000);
    await expect(instances[0]?.reserve({ tenantId }, { tokens: 10, costUsd: 0 })).resolves.toBeDefined();
    for (const instance of instances) await instance.flush(true);
    const rows = await windowRow(budgetId, 'requests_per_minute');
    expect(rows.map((row) => row.used)).toEqual([granted.length, 0]);
    clock.set('2026-03-04T10:00:00.000Z');
  });

  it('rolls over at the end of the period and returns the old lease', async () => {
    const localClock = new ManualClock('2026-03-04T23:59:00.000Z');
    const gate = new LeasedBudgetGate(store, localClock, { flushIntervalMs: 0 });
    gates.push(gate);
    const tenantId = newId();
    const budgetId = await budget(tenantId, { tokenLimit: 300n });
    for (let i = 0; i < 3; i++) (await gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 })).settle({ inputTokens: 50, outputTokens: 50, costUsd: 0 });
    const refused = await failure(gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 }));
    expect(refused.details).toMatchObject({ resetsAt: '2026-03-05T00:00:00.000Z', retryAfterMs: 60_000 });
    localClock.advance(60_000);
    const next = await gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 });
    next.settle({ inputTokens: 30, outputTokens: 0, costUsd: 0 });
    await gate.flush(false);
    expect(await windowRow(budgetId, 'tokens')).toEqual([
      { start: '2026-03-04T00:00:00.000Z', used: 300, leased: 0 },
      { start: '2026-03-05T00:00:00.000Z', used: 30, leased: expect.any(Number) },
    ]);
    await gate.flush(true);
    expect((await windowRow(budgetId, 'tokens'))[1]?.leased).toBe(0);
  });

  it('applies per-key and per-agent budgets only to their key and agent', async () => {
    const gate = newGate();
    const tenantId = newId();
    const key = newId();
    const agent = 'agent-7';
    await budget(tenantId, { tokenLimit: 1_000_000n });
    const keyBudget = await budget(tenantId, { scope: 'api_key', scopeId: key, tokenLimit: 200n });
    const agentBudget = await budget(tenantId, { scope: 'agent', scopeId: agent, tokenLimit: 100n });
    const reserve = (scope: Omit<BudgetScope, 'tenantId'>) => gate.reserve({ tenantId, ...scope }, { tokens: 100, costUsd: 0 });

    await reserve({ apiKeyId: key });
    await reserve({ apiKeyId: key });
    expect((await failure(reserve({ apiKeyId: key }))).details).toMatchObject({ budgetId: keyBudget, scope: 'api_key', scopeId: key });
    await expect(reserve({ apiKeyId: newId() })).resolves.toBeDefined();

    await reserve({ agentId: agent });
    expect((await failure(reserve({ agentId: agent, apiKeyId: newId() })))).toMatchObject({ code: 'model-gateway.budget_exceeded', details: { budgetId: agentBudget, scope: 'agent' } });
    await expect(reserve({ agentId: 'another-agent' })).resolves.toBeDefined();
    await expect(reserve({})).resolves.toBeDefined();
  });

  it('settle frees the unused estimate and release gives the whole reservation back', async () => {
    const gate = newGate();
    const tenantId = newId();
    const budgetId = await budget(tenantId, { tokenLimit: 1_000n });
    (await gate.reserve({ tenantId }, { tokens: 600, costUsd: 0 })).settle({ inputTokens: 60, outputTokens: 40, costUsd: 0 });
    const big = await gate.reserve({ tenantId }, { tokens: 800, costUsd: 0 });
    await failure(gate.reserve({ tenantId }, { tokens: 200, costUsd: 0 }));
    big.release();
    big.settle({ inputTokens: 800, outputTokens: 0, costUsd: 0 }); // ignored: already released
    const again = await gate.reserve({ tenantId }, { tokens: 900, costUsd: 0 });
    again.settle({ inputTokens: 10, outputTokens: 0, costUsd: 0 });
    await gate.flush(true);
    expect(await windowRow(budgetId, 'tokens')).toEqual([{ start: '2026-03-04T00:00:00.000Z', used: 110, leased: 0 }]);
  });

  it('enforces cost budgets in micro-USD and reports the limit in USD', async () => {
    const gate = newGate();
    const tenantId = newId();
    await budget(tenantId, { costLimitMicros: 1_000_000n, period: 'month' });
    for (let i = 0; i < 3; i++) await gate.reserve({ tenantId }, { tokens: 1, costUsd: 0.3 });
    const refused = await failure(gate.reserve({ tenantId }, { tokens: 1, costUsd: 0.3 }));
    expect(refused.details).toMatchObject({ meter: 'cost', limit: '1.000000', period: 'month', resetsAt: '2026-04-01T00:00:00.000Z' });
  });

  it('gives back the reservations of other meters when one refuses', async () => {
    const gate = newGate();
    const tenantId = newId();
    const budgetId = await budget(tenantId, { tokenLimit: 1_000n, requestsPerMinute: 1n });
    await gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 });
    expect((await failure(gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 }))).code).toBe('model-gateway.rate_limited');
    await gate.flush(true);
    // Only the first call's 100 tokens stay leased (it never settled); the refused call's were returned.
    expect((await windowRow(budgetId, 'tokens'))[0]?.leased).toBe(100);
  });

  it('sizes leases to the observed demand: a steady stream takes about one lease per second, each about a second of traffic', async () => {
    const tenantId = newId();
    const budgetId = await budget(tenantId, { tokenLimit: 1_000_000_000n });
    // The real store, counting its lease statements and what they granted.
    const grants: number[] = [];
    const counting = new (class extends BudgetLedgerStore {
      override async lease(request: Parameters<BudgetLedgerStore['lease']>[0]): Promise<number | null> {
        const granted = await super.lease(request);
        if (granted !== null) grants.push(granted);
        return granted;
      }
    })(db.prisma as unknown as PrismaService);
    const gate = new LeasedBudgetGate(counting, clock, { flushIntervalMs: 0, leaseIdleMs: 60_000 });
    gates.push(gate);
    // 200 calls per second of 100 tokens each (20,000 tokens/s) for 10 s.
    for (let call = 0; call < 2_000; call += 1) {
      const reservation = await gate.reserve({ tenantId }, { tokens: 100, costUsd: 0 });
      reservation.settle({ inputTokens: 50, outputTokens: 50, costUsd: 0 });
      clock.advance(5);
    }
    // Ramp-up (10 calls, then the first measured second) and then one a second: not one per few calls.
    expect(grants.length).toBeGreaterThanOrEqual(8);
    expect(grants.length).toBeLessThanOrEqual(14);
    expect(grants[0]).toBe(1_000);
    for (const granted of grants.slice(2)) expect(granted).toBeLessThanOrEqual(20_000 * 1.2);
    await gate.flush(true);
    expect(await windowRow(budgetId, 'tokens')).toMatchObject([{ used: 200_000, leased: 0 }]);
  });
});
