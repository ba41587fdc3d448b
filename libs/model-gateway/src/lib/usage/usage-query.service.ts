import { Inject, Injectable } from '@nestjs/common';
import { AuthorizationService, pageOf, type Page } from '@strata/governance';
import { CLOCK, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { ModelGatewayError } from '../model-gateway.errors';
import { UsageRepository, type UsageSummaryRowData } from './usage.repository';
import { MAX_RANGE_DAYS, type UsageGroup, type UsageRecordsQuery, type UsageSummaryQuery } from './usage.schemas';

const DAY = 86_400_000;
const SUBJECT = 'ModelUsage';

export interface UsageSummaryView {
  groupBy: UsageGroup;
  from: string;
  to: string;
  rows: UsageSummaryRowData[];
  totals: Omit<UsageSummaryRowData, 'key'>;
}

export interface UsageRecordView {
  id: string;
  at: Date;
  actorType: string;
  actorId: string;
  apiKeyId: string | null;
  agentId: string | null;
  runId: string | null;
  operation: string;
  alias: string | null;
  providerId: string | null;
  providerKind: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  latencyMs: number;
  timeToFirstChunkMs: number | null;
  outcome: string;
  errorCode: string | null;
  attemptCount: number;
  attempts: unknown;
  traceId: string | null;
  streamed: boolean;
}

/** Usage reports: totals by model, day, alias or provider, and the records themselves. */
@Injectable()
export class UsageQueryService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly authorization: AuthorizationService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async summary(query: UsageSummaryQuery): Promise<UsageSummaryView> {
    await this.authorization.authorize('read', SUBJECT);
    const { from, to } = this.range(query.from, query.to);
    const rows = await this.usage.summary(query.groupBy, from, to);
    const totals = rows.reduce(
      (sum, row) => ({
        requests: sum.requests + row.requests,
        inputTokens: sum.inputTokens + row.inputTokens,
        outputTokens: sum.outputTokens + row.outputTokens,
        costUsd: addDecimal(sum.costUsd, row.costUsd),
        errors: sum.errors + row.errors,
        cancelled: sum.cancelled + row.cancelled,
      }),
      { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: '0.000000', errors: 0, cancelled: 0 },
    );
    return { groupBy: query.groupBy, from: from.toISOString(), to: to.toISOString(), rows, totals };
  }

  async records(query: UsageRecordsQuery): Promise<Page<UsageRecordView>> {
    const accessible = (await this.authorization.accessibleWhere('read', SUBJECT)) as Prisma.ModelUsageWhereInput;
    const filters: Prisma.ModelUsageWhereInput = {
      ...(query.model ? { model: query.model } : {}),
      ...(query.alias ? { alias: query.alias } : {}),
      ...(query.providerId ? { providerId: query.providerId } : {}),
      ...(query.operation ? { operation: query.operation } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.agentId ? { agentId: query.agentId } : {}),
      ...(query.apiKeyId ? { apiKeyId: query.apiKeyId } : {}),
      ...(query.runId ? { runId: query.runId } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.from || query.to ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
    };
    const rows = await this.usage.list({ AND: [accessible, filters] }, query.limit, query.cursor);
    return pageOf(
      rows.map(({ tenantId: _tenantId, costUsd, ...row }) => ({ ...row, costUsd: costUsd.toString() })),
      query.limit,
    );
  }

  private range(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
    const end = to ?? new Date(this.clock.now().getTime() + 1);
    const start = from ?? new Date(end.getTime() - 30 * DAY);
    if (start >= end) {
      throw new ModelGatewayError('model-gateway.invalid_range', 'invalid_argument', '`from` must be before `to`.', { details: { path: 'from' } });
    }
    if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY) {
      throw new ModelGatewayError('model-gateway.invalid_range', 'invalid_argument', `A summary covers at most ${MAX_RANGE_DAYS} days.`, {
        details: { path: 'from', maxDays: MAX_RANGE_DAYS },
      });
    }
    return { from: start, to: end };
  }
}

/** Sums two non-negative decimal texts with 6 decimals exactly (through integer micro-units). */
function addDecimal(a: string, b: string): string {
  const micros = (text: string) => {
    const [whole = '0', fraction = ''] = text.split('.');
    return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  };
  const sum = micros(a) + micros(b);
  return `${sum / 1_000_000n}.${(sum % 1_000_000n).toString().padStart(6, '0')}`;
}
