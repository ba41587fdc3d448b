import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, RequestContextStore } from '@strata/kernel';
import type { PrismaService } from '@strata/db';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import type { UsageRecord } from '../gateway/gateway.contract';
import { BatchedUsageRecorder } from './batched-usage-recorder';
import { UsageStore } from './usage-store';
import { UsageRepository } from './usage.repository';

const tenantId = newId();
const otherTenant = newId();

function usage(patch: Partial<UsageRecord> = {}): UsageRecord {
  return {
    tenantId,
    actorType: 'service_account',
    actorId: 'sa-1',
    operation: 'chat',
    alias: 'fast',
    providerId: 'p-openai',
    providerKind: 'openai',
    model: 'gpt-4.1-mini',
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.0001,
    latencyMs: 120,
    outcome: 'success',
    attempts: [{ providerId: 'p-openai', providerName: 'openai', model: 'gpt-4.1-mini', outcome: 'success', latencyMs: 118 }],
    streamed: false,
    at: new Date('2026-03-04T10:00:00.000Z'),
    ...patch,
  };
}

describe('usage accounting (database)', () => {
  let db: TestDatabase;
  let store: UsageStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new UsageStore(db.prisma as unknown as PrismaService);
  });
  afterAll(() => db?.close());

  it('queues records and writes them in batches, all of them by shutdown', async () => {
    const recorder = new BatchedUsageRecorder(store, { flushIntervalMs: 0, batchSize: 4, maxQueued: 100 });
    for (let i = 0; i < 6; i++) recorder.record(usage({ runId: `batch-${i}` }));
    // The 4th record started a batch write of its own; the remaining 2 wait for the timer or shutdown.
    await recorder.flush();
    await recorder.onModuleDestroy();
    const rows = await db.query<{ run_id: string; attempt_count: number }>(`SELECT run_id, attempt_count FROM model_usage_record WHERE run_id LIKE 'batch-%' ORDER BY run_id`);
    expect(rows.map((row) => row.run_id)).toEqual(['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
    expect(rows[0]?.attempt_count).toBe(1);
    expect(recorder.dropped()).toBe(0);
  });

  it('writes on its timer without anyone flushing', async () => {
    const recorder = new BatchedUsageRecorder(store, { flushIntervalMs: 50, batchSize: 500, maxQueued: 100 });
    recorder.record(usage({ runId: 'timer' }));
    await expect.poll(async () => (await db.query(`SELECT 1 FROM model_usage_record WHERE run_id = 'timer'`)).length, { timeout: 5_000 }).toBe(1);
    await recorder.onModuleDestroy();
  });

  it('keeps records while the database is down, and drops (counting) beyond its bound', async () => {
    const down = await createTestDatabase();
    await down.close();
    const recorder = new BatchedUsageRecorder(new UsageStore(down.prisma as unknown as PrismaService), { flushIntervalMs: 0, batchSize: 100, maxQueued: 5 });
    for (let i = 0; i < 8; i++) recorder.record(usage());
    await recorder.flush();
    expect(recorder.queued()).toBe(5);
    expect(recorder.dropped()).toBe(3);
  });

  it('drops only the record the database rejects, not the batch with it', async () => {
    const recorder = new BatchedUsageRecorder(store, { flushIntervalMs: 0, batchSize: 10, maxQueued: 100 });
    recorder.record(usage({ runId: 'good-1' }));
    recorder.record(usage({ runId: 'bad', tenantId: 'not-a-uuid' }));
    recorder.record(usage({ runId: 'good-2' }));
    await recorder.flush();
    expect(recorder.queued()).toBe(0);
    expect(recorder.dropped()).toBe(1);
    expect((await db.query(`SELECT run_id FROM model_usage_record WHERE run_id LIKE 'good-%' ORDER BY run_id`)).map((row) => row['run_id'])).toEqual(['good-1', 'good-2']);
  });

  it('aggregates tokens, cost, requests, errors and cancelled calls by model, day, alias and provider within the tenant and range', async () => {
    const recorder = new BatchedUsageRecorder(store, { flushIntervalMs: 0, batchSize: 500, maxQueued: 1000 });
    const day = (d: string) => new Date(`2026-05-${d}T12:00:00.000Z`);
    recorder.record(usage({ at: day('01'), model: 'm-a', alias: 'fast', inputTokens: 10, outputTokens: 1, costUsd: 0.5 }));
    recorder.record(usage({ at: day('01'), model: 'm-b', alias: 'smart', providerId: 'p-anthropic', inputTokens: 20, outputTokens: 2, costUsd: 0.25 }));
    recorder.record(usage({ at: day('02'), model: 'm-a', alias: 'fast', inputTokens: 30, outputTokens: 3, costUsd: 0.125, outcome: 'error', errorCode: 'model-gateway.all_failed' }));
    // A call its caller left is counted apart: not an error.
    recorder.record(usage({ at: day('02'), model: 'm-b', alias: 'smart', providerId: 'p-anthropic', inputTokens: 4, outputTokens: 1, costUsd: 0.125, outcome: 'cancelled', errorCode: 'http.client_closed_request' }));
    recorder.record(usage({ at: day('09'), model: 'm-a', inputTokens: 1000, outputTokens: 1000, costUsd: 9 })); // outside the range
    recorder.record(usage({ tenantId: otherTenant, at: day('01'), model: 'm-a', inputTokens: 5000, outputTokens: 5000, costUsd: 50 }));
    await recorder.flush();

    const repository = new UsageRepository(db.prisma as unknown as PrismaService);
    const from = new Date('2026-05-01T00:00:00Z');
    const to = new Date('2026-05-03T00:00:00Z');
    const summary = (groupBy: 'model' | 'day' | 'alias' | 'provider') =>
      RequestContextStore.run({ requestId: newId(), tenantId }, () => repository.summary(groupBy, from, to));

    expect(await summary('model')).toEqual([
      { key: 'm-a', requests: 2, inputTokens: 40, outputTokens: 4, costUsd: '0.625000', errors: 1, cancelled: 0 },
      { key: 'm-b', requests: 2, inputTokens: 24, outputTokens: 3, costUsd: '0.375000', errors: 0, cancelled: 1 },
    ]);
    expect(await summary('day')).toEqual([
      { key: '2026-05-01', requests: 2, inputTokens: 30, outputTokens: 3, costUsd: '0.750000', errors: 0, cancelled: 0 },
      { key: '2026-05-02', requests: 2, inputTokens: 34, outputTokens: 4, costUsd: '0.250000', errors: 1, cancelled: 1 },
    ]);
    expect((await summary('alias')).map((row) => [row.key, row.requests])).toEqual([
      ['fast', 2],
      ['smart', 2],
    ]);
    expect((await summary('provider')).map((row) => [row.key, row.requests])).toEqual([
      ['p-anthropic', 2],
      ['p-openai', 2],
    ]);
  });
});
