import { describe, expect, it } from 'vitest';
import { GroupCommitQueue } from './group-commit-queue';

describe('GroupCommitQueue', () => {
  it('flushes one batch at a time per key, gathering what arrives meanwhile', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const queue = new GroupCommitQueue<string, string>({ maxBatchSize: 100, maxQueued: 1000, maxConcurrent: 4 }, async (key, items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((item) => `${key}:${item}`);
    });
    const first = queue.enqueue('t', 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd'].map((item) => queue.enqueue('t', item));
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['t:a', 't:b', 't:c', 't:d']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('caps batches, concurrency and the queue, and rejects a failed batch’s callers', async () => {
    let running = 0;
    let peak = 0;
    const queue = new GroupCommitQueue<number, number>({ maxBatchSize: 3, maxQueued: 20, maxConcurrent: 2 }, async (key, items) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (key === 'bad') throw new Error('database down');
      expect(items.length).toBeLessThanOrEqual(3);
      return items;
    });
    const results = await Promise.allSettled([
      ...Array.from({ length: 9 }, (_, i) => queue.enqueue(`k${i % 3}`, i)),
      queue.enqueue('bad', 99),
      ...Array.from({ length: 15 }, (_, i) => queue.enqueue('k0', 100 + i)),
    ]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code ?? result.reason.message)).toEqual([
      'database down',
      'governance.audit_overloaded',
      'governance.audit_overloaded',
      'governance.audit_overloaded',
      'governance.audit_overloaded',
      'governance.audit_overloaded',
    ]);
    await queue.close();
    await expect(queue.enqueue('k0', 1)).rejects.toMatchObject({ code: 'governance.audit_closed' });
  });
});
