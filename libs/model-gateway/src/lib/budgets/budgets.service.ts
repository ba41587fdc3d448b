import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { CLOCK, type Clock } from '@strata/kernel';
import { microsToUsdText, usdTextToMicros, type BudgetScopeKind, type Meter } from './budget-meter';
import { windowBounds, type BudgetPeriod } from './budget-window';
import { BudgetsRepository, type BudgetRow, type BudgetWindowRow } from './budgets.repository';
import { BudgetNameTakenError, BudgetNotFoundError, BudgetWithoutLimitError } from './budgets.errors';
import type { CreateBudgetInput, UpdateBudgetInput } from './budgets.schemas';
import { LeasedBudgetGate } from './leased-budget-gate';
import { isUniqueViolation } from '../catalog/prisma-errors';

/** Used and reserved (leased by API processes, in flight or not yet settled) in one window. */
export interface MeterStatus {
  used: number;
  reserved: number;
}

/** Where a budget stands now. Settled use reaches the database within a flush interval (~250 ms). */
export interface BudgetStatusView {
  periodStart: string;
  resetsAt: string;
  usedTokens: number;
  reservedTokens: number;
  usedCostUsd: string;
  reservedCostUsd: string;
  /** The current UTC minute's per-minute meters. */
  minute: { start: string; resetsAt: string; requests: MeterStatus; tokens: MeterStatus };
}

export interface BudgetView {
  id: string;
  name: string;
  scope: BudgetScopeKind;
  scopeId: string | null;
  period: BudgetPeriod;
  tokenLimit: number | null;
  costLimitUsd: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  enabled: boolean;
  status: BudgetStatusView;
  createdAt: Date;
  updatedAt: Date;
}

const SUBJECT = 'Budget';

/** Budget administration: CRUD with authorization and audit, and the current status of each. */
@Injectable()
export class BudgetsService {
  constructor(
    private readonly budgets: BudgetsRepository,
    private readonly gate: LeasedBudgetGate,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<BudgetView>> {
    const where = await this.authorization.accessibleWhere('read', SUBJECT);
    const rows = await this.budgets.list(where, limit, cursor);
    return pageOf(await this.withStatus(rows), limit);
  }

  async get(id: string): Promise<BudgetView> {
    const row = await this.find(id);
    await this.authorization.authorize('read', SUBJECT, row);
    const [view] = await this.withStatus([row]);
    return view as BudgetView;
  }

  async create(input: CreateBudgetInput): Promise<BudgetView> {
    const data = {
      name: input.name,
      scope: input.scope,
      scopeId: input.scope === 'tenant' ? null : (input.scopeId ?? null),
      period: input.period,
      tokenLimit: toBigInt(input.tokenLimit),
      costLimitMicros: input.costLimitUsd == null ? null : BigInt(usdTextToMicros(input.costLimitUsd)),
      requestsPerMinute: toBigInt(input.requestsPerMinute),
      tokensPerMinute: toBigInt(input.tokensPerMinute),
      enabled: input.enabled,
    };
    await this.authorization.authorize('create', SUBJECT, data, { fields: Object.keys(data) });
    if (await this.budgets.findByName(input.name)) throw new BudgetNameTakenError(input.name);
    const created = await this.mutations
      .run('budget.create', async (tx) => {
        const row = await this.budgets.create(data, tx);
        await this.audit.append({ action: 'budget.create', outcome: 'success', target: { type: SUBJECT, id: row.id }, details: describe(row) }, tx);
        return row;
      })
      .catch((error: unknown) => {
        // A create racing this one took the name between the check and the insert.
        throw isUniqueViolation(error) ? new BudgetNameTakenError(input.name) : error;
      });
    this.gate.invalidate(created.tenantId);
    return this.get(created.id);
  }

  async update(id: string, input: UpdateBudgetInput): Promise<BudgetView> {
    const existing = await this.find(id);
    const data: Record<string, unknown> = {};
    if (input.name !== undefined) data['name'] = input.name;
    if (input.period !== undefined) data['period'] = input.period;
    if (input.enabled !== undefined) data['enabled'] = input.enabled;
    if (input.tokenLimit !== undefined) data['tokenLimit'] = toBigInt(input.tokenLimit);
    if (input.costLimitUsd !== undefined) data['costLimitMicros'] = input.costLimitUsd === null ? null : BigInt(usdTextToMicros(input.costLimitUsd));
    if (input.requestsPerMinute !== undefined) data['requestsPerMinute'] = toBigInt(input.requestsPerMinute);
    if (input.tokensPerMinute !== undefined) data['tokensPerMinute'] = toBigInt(input.tokensPerMinute);
    await this.authorization.authorize('update', SUBJECT, existing, { fields: Object.keys(data) });
    const next = { ...existing, ...data } as BudgetRow;
    if (next.tokenLimit === null && next.costLimitMicros === null && next.requestsPerMinute === null && next.tokensPerMinute === null) {
      throw new BudgetWithoutLimitError();
    }
    if (input.name !== undefined && input.name !== existing.name && (await this.budgets.findByName(input.name))) throw new BudgetNameTakenError(input.name);
    await this.mutations
      .run('budget.update', async (tx) => {
        const row = await this.budgets.update(id, data, tx);
        await this.audit.append(
          { action: 'budget.update', outcome: 'success', target: { type: SUBJECT, id }, details: { before: describe(existing), after: describe(row) } },
          tx,
        );
      })
      .catch((error: unknown) => {
        // A write racing this one took the new name between the check and the update.
        throw isUniqueViolation(error) && input.name !== undefined ? new BudgetNameTakenError(input.name) : error;
      });
    this.gate.invalidate(existing.tenantId);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const existing = await this.find(id);
    await this.authorization.authorize('delete', SUBJECT, existing);
    await this.mutations.run('budget.delete', async (tx) => {
      await this.budgets.delete(id, tx);
      await this.audit.append({ action: 'budget.delete', outcome: 'success', target: { type: SUBJECT, id }, details: describe(existing) }, tx);
    });
    this.gate.invalidate(existing.tenantId);
  }

  private async find(id: string): Promise<BudgetRow> {
    const row = await this.budgets.find(id);
    if (!row) throw new BudgetNotFoundError(id);
    return row;
  }

  private async withStatus(rows: BudgetRow[]): Promise<BudgetView[]> {
    const now = this.clock.now();
    const minute = windowBounds('minute', now);
    const keys = rows.flatMap((row) => {
      const period = windowBounds(row.period as BudgetPeriod, now);
      return [
        { budgetId: row.id, meter: 'tokens', periodStart: period.start },
        { budgetId: row.id, meter: 'cost', periodStart: period.start },
        { budgetId: row.id, meter: 'requests_per_minute', periodStart: minute.start },
        { budgetId: row.id, meter: 'tokens_per_minute', periodStart: minute.start },
      ];
    });
    const windows = await this.budgets.windows(keys);
    const meter = (budgetId: string, name: Meter, start: Date): MeterStatus => {
      const found = windows.find((w: BudgetWindowRow) => w.budgetId === budgetId && w.meter === name && w.periodStart.getTime() === start.getTime());
      return { used: Number(found?.used ?? 0n), reserved: Number(found?.leased ?? 0n) };
    };
    return rows.map((row) => {
      const period = windowBounds(row.period as BudgetPeriod, now);
      const tokens = meter(row.id, 'tokens', period.start);
      const cost = meter(row.id, 'cost', period.start);
      return {
        id: row.id,
        name: row.name,
        scope: row.scope as BudgetScopeKind,
        scopeId: row.scopeId,
        period: row.period as BudgetPeriod,
        tokenLimit: toNumber(row.tokenLimit),
        costLimitUsd: row.costLimitMicros === null ? null : microsToUsdText(row.costLimitMicros),
        requestsPerMinute: toNumber(row.requestsPerMinute),
        tokensPerMinute: toNumber(row.tokensPerMinute),
        enabled: row.enabled,
        status: {
          periodStart: period.start.toISOString(),
          resetsAt: period.end.toISOString(),
          usedTokens: tokens.used,
          reservedTokens: tokens.reserved,
          usedCostUsd: microsToUsdText(cost.used),
          reservedCostUsd: microsToUsdText(cost.reserved),
          minute: {
            start: minute.start.toISOString(),
            resetsAt: minute.end.toISOString(),
            requests: meter(row.id, 'requests_per_minute', minute.start),
            tokens: meter(row.id, 'tokens_per_minute', minute.start),
          },
        },
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    });
  }
}

function toBigInt(value: number | null | undefined): bigint | null {
  return value === undefined || value === null ? null : BigInt(value);
}

function toNumber(value: bigint | null): number | null {
  return value === null ? null : Number(value);
}

/** The audited shape of a budget (JSON only: limits as numbers or USD text). */
function describe(row: BudgetRow): Record<string, unknown> {
  return {
    name: row.name,
    scope: row.scope,
    scopeId: row.scopeId,
    period: row.period,
    tokenLimit: toNumber(row.tokenLimit),
    costLimitUsd: row.costLimitMicros === null ? null : microsToUsdText(row.costLimitMicros),
    requestsPerMinute: toNumber(row.requestsPerMinute),
    tokensPerMinute: toNumber(row.tokensPerMinute),
    enabled: row.enabled,
  };
}
