import { Injectable } from '@nestjs/common';
import { withSpan } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

/**
 * Runs a governance mutation the one way they all run: in an OpenTelemetry span named after the
 * audited action, inside one database transaction with its audit entry, so the change and its
 * record commit or roll back together.
 */
@Injectable()
export class MutationRunner {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * `timeoutMs`: for bulk work (imports, schema checks over every object of a type) that Prisma's
   * default interactive-transaction timeout of 5 s would cut off half-way.
   */
  run<T>(action: string, work: (tx: Prisma.TransactionClient) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const transactionOptions = options.timeoutMs === undefined ? undefined : { maxWait: 10_000, timeout: options.timeoutMs };
    return withSpan(action, { 'strata.audit.action': action }, () => this.prisma.$transaction((tx) => work(tx), transactionOptions));
  }
}
