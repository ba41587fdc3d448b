import type { Budget } from '../api/model-gateway-usage';
import { formatCompact, formatUsd } from './model-gateway-charts';

/** One meter of a budget: used and reserved as shares of the limit (percent, clamped to 0–100 for drawing). */
export interface BudgetMeter {
  label: 'Tokens' | 'Cost';
  used: number;
  reserved: number;
  limit: number;
  usedPercent: number;
  reservedPercent: number;
  /** Used + reserved over the limit, unclamped (may exceed 100). */
  percent: number;
  state: 'ok' | 'warn' | 'exhausted';
  text: string;
}

function meter(label: BudgetMeter['label'], used: number, reserved: number, limit: number, format: (value: number) => string): BudgetMeter {
  const share = (value: number) => (limit > 0 ? (Math.max(0, value) / limit) * 100 : 0);
  const percent = share(used + reserved);
  const usedPercent = Math.min(100, share(used));
  const reservedPercent = Math.min(100 - usedPercent, share(reserved));
  const state = percent >= 100 ? 'exhausted' : percent >= 80 ? 'warn' : 'ok';
  const text = `${format(used)} used${reserved > 0 ? `, ${format(reserved)} reserved` : ''} of ${format(limit)} (${Math.round(percent)}%)`;
  return { label, used, reserved, limit, usedPercent, reservedPercent, percent, state, text };
}

/** The meters of a budget's current period: one per limit it sets. */
export function budgetMeters(budget: Pick<Budget, 'tokenLimit' | 'costLimitUsd' | 'status'>): BudgetMeter[] {
  const status = budget.status;
  const meters: BudgetMeter[] = [];
  if (budget.tokenLimit !== null && budget.tokenLimit !== undefined) {
    meters.push(meter('Tokens', status?.usedTokens ?? 0, status?.reservedTokens ?? 0, budget.tokenLimit, formatCompact));
  }
  if (budget.costLimitUsd !== null && budget.costLimitUsd !== undefined) {
    meters.push(meter('Cost', Number(status?.usedCostUsd ?? 0), Number(status?.reservedCostUsd ?? 0), Number(budget.costLimitUsd), formatUsd));
  }
  return meters;
}
