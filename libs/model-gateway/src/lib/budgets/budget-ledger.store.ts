import { Injectable } from '@nestjs/common';
import { PrismaService } from '@strata/db';
import type { BudgetDefinition, BudgetScopeKind, Meter } from './budget-meter';
import type { BudgetPeriod } from './budget-window';

export interface LeaseRequest {
  budgetId: string;
  tenantId: string;
  meter: Meter;
  periodStart: Date;
  periodEnd: Date;
  limit: number;
  /** The least that makes the call fit; granted whole or not at all. */
  need: number;
  /** What the process would like to hold (fewer database trips); capped by a share of what is left. */
  want: number;
}

export interface LeaseFlush {
  budgetId: string;
  meter: Meter;
  periodStart: Date;
  used: number;
  freed: number;
}

/** A process may lease at most this share of what is left in a window at once (1/4), so other processes are not starved. */
const LEASE_SHARE_DIVISOR = 4;

/**
 * The budget gate's database side: budget definitions by tenant and the atomic lease/settle
 * statements on `model_budget_period`. It takes the tenant as an argument rather than from the
 * request context because it also runs from the gate's flush timer, outside any request.
 */
@Injectable()
export class BudgetLedgerStore {
  constructor(private readonly prisma: PrismaService) {}

  async definitions(tenantId: string): Promise<BudgetDefinition[]> {
    const rows = await this.prisma.budget.findMany({ where: { tenantId, enabled: true }, orderBy: { id: 'asc' } });
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      scope: row.scope as BudgetScopeKind,
      scopeId: row.scopeId,
      period: row.period as BudgetPeriod,
      limits: {
        ...(row.tokenLimit === null ? {} : { tokens: Number(row.tokenLimit) }),
        ...(row.costLimitMicros === null ? {} : { cost: Number(row.costLimitMicros) }),
        ...(row.requestsPerMinute === null ? {} : { requests_per_minute: Number(row.requestsPerMinute) }),
        ...(row.tokensPerMinute === null ? {} : { tokens_per_minute: Number(row.tokensPerMinute) }),
      },
    }));
  }

  /** Creates the window's row if no process has yet (idempotent). */
  async ensureWindow(request: Pick<LeaseRequest, 'budgetId' | 'tenantId' | 'meter' | 'periodStart' | 'periodEnd'>): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO model_budget_period (budget_id, meter, period_start, tenant_id, period_end)
       VALUES ($1::uuid, $2, $3::timestamptz, $4::uuid, $5::timestamptz) ON CONFLICT DO NOTHING`,
      request.budgetId,
      request.meter,
      request.periodStart.toISOString(),
      request.tenantId,
      request.periodEnd.toISOString(),
    );
  }

  /**
   * Takes a lease in one statement: granted only while used + leased + need <= limit, under the
   * row lock, so processes sharing the database never lease more than the limit between them.
   * Returns the amount granted (>= need), or null when the window cannot cover `need`.
   */
  async lease(request: LeaseRequest): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ amount: string }>>(
      `WITH current_window AS (
         SELECT used, leased FROM model_budget_period
          WHERE budget_id = $1::uuid AND meter = $2 AND period_start = $3::timestamptz
          FOR UPDATE
       ), grant_amount AS (
         SELECT GREATEST($4::bigint, LEAST($5::bigint, ($6::bigint - used - leased) / ${LEASE_SHARE_DIVISOR})) AS amount
           FROM current_window
          WHERE used + leased + $4::bigint <= $6::bigint
       )
       UPDATE model_budget_period p
          SET leased = p.leased + g.amount, updated_at = now()
         FROM grant_amount g
        WHERE p.budget_id = $1::uuid AND p.meter = $2 AND p.period_start = $3::timestamptz
       RETURNING g.amount::text AS amount`,
      request.budgetId,
      request.meter,
      request.periodStart.toISOString(),
      String(request.need),
      String(Math.max(request.need, request.want)),
      String(request.limit),
    );
    const amount = rows[0]?.amount;
    return amount === undefined ? null : Number(amount);
  }

  /** Writes settled use and returns freed lease for many windows in one statement. */
  async flush(flushes: LeaseFlush[]): Promise<void> {
    if (!flushes.length) return;
    await this.prisma.$executeRawUnsafe(
      `UPDATE model_budget_period p
          SET used = p.used + v.used, leased = GREATEST(p.leased - v.freed, 0), updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[], $5::bigint[]) AS v(budget_id, meter, period_start, used, freed)
        WHERE p.budget_id = v.budget_id AND p.meter = v.meter AND p.period_start = v.period_start`,
      flushes.map((f) => f.budgetId),
      flushes.map((f) => f.meter),
      flushes.map((f) => f.periodStart.toISOString()),
      flushes.map((f) => String(f.used)),
      flushes.map((f) => String(f.freed)),
    );
  }

  /** Per-minute windows are only needed while current; old ones are removed (day/week/month rows stay as history). */
  async purgeMinuteWindows(endedBefore: Date): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `DELETE FROM model_budget_period WHERE meter IN ('requests_per_minute', 'tokens_per_minute') AND period_end < $1::timestamptz`,
      endedBefore.toISOString(),
    );
  }
}
