import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';
import type { UsageGroup } from './usage.schemas';

export interface UsageSummaryRowData {
  key: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  /** Calls that did not succeed, cancelled ones excepted (blocked, over budget or rate limit, failed). */
  errors: number;
  /** Calls the caller went away from before they completed (outcome `cancelled`): not errors of the gateway. */
  cancelled: number;
}

/** SQL for the group key of each `groupBy` (a fixed set: never built from input). */
const GROUP_KEYS: Record<UsageGroup, string> = {
  model: `COALESCE(model, '(none)')`,
  day: `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  alias: `COALESCE(alias, '(none)')`,
  provider: `COALESCE(provider_id, '(none)')`,
};

/** Reads of `model_usage_record` for the API (tenant from the request context). */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async summary(groupBy: UsageGroup, from: Date, to: Date): Promise<UsageSummaryRowData[]> {
    const key = GROUP_KEYS[groupBy];
    const rows = await this.prisma.$queryRawUnsafe<
      Array<{ key: string; requests: string; input_tokens: string; output_tokens: string; cost_usd: string; errors: string; cancelled: string }>
    >(
      `SELECT ${key} AS key, count(*)::text AS requests, COALESCE(sum(input_tokens), 0)::text AS input_tokens,
              COALESCE(sum(output_tokens), 0)::text AS output_tokens, round(COALESCE(sum(cost_usd), 0), 6)::text AS cost_usd,
              (count(*) FILTER (WHERE outcome NOT IN ('success', 'cancelled')))::text AS errors,
              (count(*) FILTER (WHERE outcome = 'cancelled'))::text AS cancelled
         FROM model_usage_record
        WHERE tenant_id = $1::uuid AND at >= $2::timestamptz AND at < $3::timestamptz
        GROUP BY 1 ORDER BY 1`,
      RequestContextStore.requireTenantId(),
      from.toISOString(),
      to.toISOString(),
    );
    return rows.map((row) => ({
      key: row.key,
      requests: Number(row.requests),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: row.cost_usd,
      errors: Number(row.errors),
      cancelled: Number(row.cancelled),
    }));
  }

  /** Newest first; `cursor` is the last id of the previous page (ids are time-ordered UUIDv7). */
  list(where: Prisma.ModelUsageWhereInput, limit: number, cursor?: string) {
    return this.prisma.modelUsage.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { lt: cursor } } : {}] },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }
}
