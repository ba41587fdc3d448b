import type { CollectionRow } from './collections.repository';

/**
 * Recently looked-up collection rows per tenant, so a search does not pay a collection query (about
 * 2 ms) on every request. Only the row is cached: the caller's `readerRoles` and CASL checks still
 * run on every call.
 *
 * Staleness bound (as governance's PolicyCache): a change to a collection on this node drops the
 * tenant's entries once it has committed, so the next lookup reads the new row; a change made on
 * another node is seen here at the latest {@link CollectionLookupCache.TTL_MS} later. A lookup that
 * finds nothing is not cached (a collection created a moment later is found at once).
 */
export class CollectionLookupCache {
  static readonly TTL_MS = 5_000;
  /** Bounds memory: beyond this many entries the oldest is dropped. */
  static readonly MAX_ENTRIES = 10_000;

  private readonly entries = new Map<string, { row: Promise<CollectionRow | null>; loadedAtMs: number }>();

  /** The row of `idOrName` in `tenantId`, loaded at most once per TTL (concurrent callers share one load). */
  lookup(tenantId: string, idOrName: string, nowMs: number, load: () => Promise<CollectionRow | null>): Promise<CollectionRow | null> {
    const key = `${tenantId}|${idOrName}`;
    const cached = this.entries.get(key);
    if (cached && nowMs - cached.loadedAtMs < CollectionLookupCache.TTL_MS && nowMs >= cached.loadedAtMs) return cached.row;
    const row = load();
    this.entries.delete(key);
    if (this.entries.size >= CollectionLookupCache.MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const entry = { row, loadedAtMs: nowMs };
    this.entries.set(key, entry);
    // Neither a failed load nor a miss is kept: the next call looks again.
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    row.then((found) => (found ? undefined : forget()), forget);
    return row;
  }

  /** A collection of the tenant was created, changed or deleted: forget all of the tenant's entries (ids and names). */
  invalidate(tenantId: string): void {
    const prefix = `${tenantId}|`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
