import type { Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';

/**
 * Counts the tenant's rows of one kind for a per-tenant limit, after taking a transaction-scoped
 * advisory lock on (kind, tenant). Without the lock, concurrent creates each count limit − 1 rows
 * (READ COMMITTED sees none of the others' uncommitted inserts) and all insert: the tenant ends
 * over its limit. With it they count one after another, each after the previous one committed.
 */
export async function countUnderQuotaLock(tx: Prisma.TransactionClient, kind: string, count: (tx: Prisma.TransactionClient) => Promise<number>): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`strata.quota.${kind}`}), hashtext(${RequestContextStore.requireTenantId()}))`;
  return count(tx);
}
