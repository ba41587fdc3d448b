import type { Prisma, PrismaService } from '@strata/db';
import { OntologyQueryTimeoutError } from './queries.errors';

/**
 * Runs read-only query work in one transaction whose statements PostgreSQL cancels after
 * `timeoutMs`. The work's first statement must be `readSchema(tx, timeoutMs, …)`, which sets the
 * transaction-local `statement_timeout` in the same round trip (undone when the transaction ends).
 * A cancelled statement becomes `ontology.query_timeout`, not a 500.
 */
export async function boundedQuery<T>(prisma: PrismaService, timeoutMs: number, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction(
      (tx) => work(tx),
      { maxWait: 10_000, timeout: timeoutMs + 10_000 },
    );
  } catch (error) {
    if (isStatementTimeout(error)) throw new OntologyQueryTimeoutError(timeoutMs);
    throw error;
  }
}

function isStatementTimeout(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; meta?: { code?: unknown }; cause?: unknown };
    if (candidate.code === '57014' || candidate.meta?.code === '57014') return true;
    if (typeof candidate.message === 'string' && /canceling statement due to statement timeout/.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
