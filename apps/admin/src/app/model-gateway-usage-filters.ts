import { USAGE_OUTCOMES, type UsageQuery, type UsageSummaryRow } from '../api/model-gateway-usage';
import type { ChartDatum } from './model-gateway-charts';
import type { FilterSpec, FilterValues } from './url-filters';

/**
 * The usage page's filters as they live in the URL: a relative window (resolved when the page
 * loads, so a bookmarked "last 7 days" stays that) or an explicit range, and record filters.
 */
export const USAGE_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '31d': 31 * 86_400_000, '92d': 92 * 86_400_000 } as const;
export type UsageWindow = keyof typeof USAGE_WINDOWS;
export const USAGE_WINDOW_LABELS: Record<UsageWindow, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '31d': 'Last 31 days', '92d': 'Last 92 days' };

export type UsageFilterKey = 'last' | 'from' | 'to' | 'model' | 'outcome';

export const USAGE_FILTERS: FilterSpec<UsageFilterKey> = {
  defaults: { last: '7d', from: '', to: '', model: '', outcome: '' },
  allowed: { last: Object.keys(USAGE_WINDOWS), outcome: ['', ...USAGE_OUTCOMES] },
};

export function usageFilterProblems(values: FilterValues<UsageFilterKey>): Partial<Record<UsageFilterKey, string>> {
  const problems: Partial<Record<UsageFilterKey, string>> = {};
  const from = values.from ? Date.parse(values.from) : NaN;
  const to = values.to ? Date.parse(values.to) : NaN;
  if (values.from && Number.isNaN(from)) problems.from = 'Not a date and time.';
  if (values.to && Number.isNaN(to)) problems.to = 'Not a date and time.';
  if (!Number.isNaN(from) && !Number.isNaN(to) && from >= to) problems.to = 'Must be after "From".';
  return problems;
}

/** The range the page shows: [from, to) with `from` explicit or `last` before `to` (or now). */
export function usageRange(values: FilterValues<UsageFilterKey>, now: Date = new Date()): { from: string; to: string } {
  const end = values.to ? new Date(values.to) : now;
  const window = USAGE_WINDOWS[values.last as UsageWindow] ?? USAGE_WINDOWS['7d'];
  const start = values.from ? new Date(values.from) : new Date(end.getTime() - window);
  return { from: start.toISOString(), to: end.toISOString() };
}

export function usageQuery(values: FilterValues<UsageFilterKey>, now: Date = new Date()): UsageQuery {
  return { ...usageRange(values, now), ...(values.model ? { model: values.model } : {}), ...(values.outcome ? { outcome: values.outcome } : {}) };
}

/** Rows of a usage summary as chart data: tokens (input, output stacked) or cost, in the API's order. */
export function usageChartData(rows: readonly UsageSummaryRow[], metric: 'tokens' | 'cost'): ChartDatum[] {
  return rows.map((row) => ({
    label: row.key || '(none)',
    values: metric === 'tokens' ? [row.inputTokens, row.outputTokens] : [Number(row.costUsd) || 0],
  }));
}
