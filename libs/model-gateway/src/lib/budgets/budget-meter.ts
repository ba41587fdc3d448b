import type { ActualUsage, UsageEstimate } from '../gateway/gateway.contract';
import type { BudgetPeriod, BudgetWindow } from './budget-window';

/**
 * What a budget limits. `tokens` and `cost` count over the budget's period; the per-minute meters
 * over the current UTC minute. Every amount is an integer: tokens, requests, or micro-USD for cost.
 */
export const METERS = ['tokens', 'cost', 'requests_per_minute', 'tokens_per_minute'] as const;
export type Meter = (typeof METERS)[number];

export const BUDGET_SCOPES = ['tenant', 'api_key', 'agent'] as const;
export type BudgetScopeKind = (typeof BUDGET_SCOPES)[number];

/** A budget as the gate enforces it (cached per tenant). */
export interface BudgetDefinition {
  id: string;
  tenantId: string;
  name: string;
  scope: BudgetScopeKind;
  scopeId: string | null;
  period: BudgetPeriod;
  limits: Partial<Record<Meter, number>>;
}

export const MICROS_PER_USD = 1_000_000;

export function meterWindow(meter: Meter, period: BudgetPeriod): BudgetWindow {
  return meter === 'requests_per_minute' || meter === 'tokens_per_minute' ? 'minute' : period;
}

export function isRateMeter(meter: Meter): boolean {
  return meter === 'requests_per_minute' || meter === 'tokens_per_minute';
}

/** USD to whole micro-USD, rounded up so that an estimate never under-reserves. */
export function usdToMicros(usd: number): number {
  return Math.max(0, Math.ceil(usd * MICROS_PER_USD - 1e-6));
}

/** What a call is expected to take from a meter before it is made. */
export function estimatedAmount(meter: Meter, estimate: UsageEstimate): number {
  switch (meter) {
    case 'tokens':
    case 'tokens_per_minute':
      return Math.max(0, Math.ceil(estimate.tokens));
    case 'cost':
      return usdToMicros(estimate.costUsd);
    case 'requests_per_minute':
      return 1;
  }
}

/** What a call actually took from a meter. */
export function actualAmount(meter: Meter, actual: ActualUsage): number {
  switch (meter) {
    case 'tokens':
    case 'tokens_per_minute':
      return Math.max(0, Math.ceil(actual.inputTokens + actual.outputTokens));
    case 'cost':
      return usdToMicros(actual.costUsd);
    case 'requests_per_minute':
      return 1;
  }
}

/** Micro-USD as exact decimal text (`1.250000`). */
export function microsToUsdText(micros: number | bigint): string {
  const value = BigInt(micros);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Decimal USD text (at most 6 decimals) to micro-USD, exactly. */
export function usdTextToMicros(text: string): number {
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a USD amount: ${text}`);
  return Number(match[1]) * MICROS_PER_USD + Number((match[2] ?? '').padEnd(6, '0'));
}
