import { ModelGatewayError } from '../model-gateway.errors';
import { isRateMeter, microsToUsdText, type BudgetScopeKind, type Meter } from './budget-meter';
import type { BudgetWindow } from './budget-window';

export interface BudgetExceededDetails {
  budgetId: string;
  budgetName: string;
  scope: BudgetScopeKind;
  scopeId: string | null;
  meter: Meter;
  /** In the meter's unit: tokens, requests, or USD (decimal text) for cost. */
  limit: number | string;
  period: BudgetWindow;
  resetsAt: string;
  retryAfterMs: number;
}

/**
 * A call would exceed a budget (`model-gateway.budget_exceeded`) or a per-minute limit
 * (`model-gateway.rate_limited`). 429; the runtime waits `retryAfterMs` or gives up.
 */
export class BudgetExceededError extends ModelGatewayError {
  constructor(details: Omit<BudgetExceededDetails, 'limit'> & { limit: number }) {
    const rate = isRateMeter(details.meter);
    const limit = details.meter === 'cost' ? microsToUsdText(details.limit) : details.limit;
    super(
      rate ? 'model-gateway.rate_limited' : 'model-gateway.budget_exceeded',
      'resource_exhausted',
      rate
        ? `Rate limit ${details.meter} of budget "${details.budgetName}" reached (${limit} per minute); retry after ${Math.ceil(details.retryAfterMs / 1000)} s.`
        : `Budget "${details.budgetName}" (${details.meter}, ${limit} per ${details.period}) is used up until ${details.resetsAt}.`,
      { details: { ...details, limit } },
    );
  }
}

export class BudgetUnavailableError extends ModelGatewayError {
  constructor(cause: unknown) {
    super('model-gateway.budget_unavailable', 'unavailable', 'Budgets cannot be checked right now (database unavailable); try again shortly.', { cause });
  }
}

export class BudgetNotFoundError extends ModelGatewayError {
  constructor(id: string) {
    super('model-gateway.budget_not_found', 'not_found', `No budget ${id} in this tenant.`, { details: { id } });
  }
}

export class BudgetNameTakenError extends ModelGatewayError {
  constructor(name: string) {
    super('model-gateway.budget_name_taken', 'conflict', `A budget named "${name}" already exists in this tenant.`, { details: { name } });
  }
}

export class BudgetWithoutLimitError extends ModelGatewayError {
  constructor() {
    super('model-gateway.budget_without_limit', 'invalid_argument', 'A budget needs at least one limit; delete it instead.');
  }
}
