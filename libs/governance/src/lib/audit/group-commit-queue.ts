import { AuditLogClosedError, AuditOverloadedError } from './audit.errors';

export interface GroupCommitLimits {
  /** Items handed to one flush. */
  maxBatchSize: number;
  /** Items waiting (not yet in a flush), all keys together; beyond it enqueue fails at once. */
  maxQueued: number;
  /** Flushes in flight, all keys together. */
  maxConcurrent: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items for the same key (a tenant's chain) are written by one flush at a time, and
 * whatever arrives while a flush runs goes into the next one. One item alone is flushed at once
 * (no added latency); under load, batches grow by themselves. Each caller gets its own result,
 * or the flush's error.
 */
export class GroupCommitQueue<T, R> {
  private readonly queues = new Map<string, Array<Pending<T, R>>>();
  private readonly active = new Set<string>();
  /** Keys with items waiting for a free flush slot, in arrival order. */
  private readonly ready = new Set<string>();
  private queued = 0;
  private running = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limits: GroupCommitLimits,
    private readonly flush: (key: string, items: T[]) => Promise<R[]>,
  ) {}

  enqueue(key: string, item: T): Promise<R> {
    if (this.closed) return Promise.reject(new AuditLogClosedError());
    if (this.queued >= this.limits.maxQueued) return Promise.reject(new AuditOverloadedError(this.limits.maxQueued));
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = [];
        this.queues.set(key, queue);
      }
      queue.push({ item, resolve, reject });
      this.queued += 1;
      this.schedule(key);
    });
  }

  /** Items waiting plus items in flushes. */
  get pending(): number {
    return this.queued + this.running;
  }

  /** Refuses new items; resolves once everything accepted has been flushed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queued === 0 && this.running === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(key: string): void {
    if (this.active.has(key)) return; // the running flush picks the rest up when it ends
    if (this.running >= this.limits.maxConcurrent) {
      this.ready.add(key);
      return;
    }
    this.start(key);
  }

  /**
   * Claims a flush slot for `key` now and fills the batch on the next turn of the event loop, so
   * that callers woken by the previous batch (all resolved in one tick) land in the same batch
   * instead of the first of them being flushed alone.
   */
  private start(key: string): void {
    this.active.add(key);
    this.running += 1;
    setImmediate(() => this.run(key));
  }

  private run(key: string): void {
    const queue = this.queues.get(key) ?? [];
    const batch = queue.splice(0, this.limits.maxBatchSize);
    if (!queue.length) this.queues.delete(key);
    this.queued -= batch.length;
    const flushed = batch.length ? this.flush(key, batch.map((pending) => pending.item)) : Promise.resolve([]);
    flushed
      .then(
        (results) => {
          if (results.length !== batch.length) throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
          batch.forEach((pending, index) => pending.resolve(results[index] as R));
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .catch((error: unknown) => {
        for (const pending of batch) pending.reject(error);
      })
      .finally(() => {
        this.running -= 1;
        this.active.delete(key);
        if (this.queues.get(key)?.length) this.ready.add(key);
        this.pump();
      });
  }

  private pump(): void {
    for (const key of this.ready) {
      if (this.running >= this.limits.maxConcurrent) break;
      if (this.active.has(key)) continue;
      this.ready.delete(key);
      this.start(key);
    }
    if (this.queued === 0 && this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
