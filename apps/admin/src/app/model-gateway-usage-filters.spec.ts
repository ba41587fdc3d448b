import { describe, expect, it } from 'vitest';
import { readFilters } from './url-filters';
import { USAGE_FILTERS, usageChartData, usageFilterProblems, usageQuery, usageRange } from './model-gateway-usage-filters';

describe('usage filters', () => {
  const now = new Date('2026-11-22T12:00:00.000Z');

  it('reads the URL, refusing unknown windows and outcomes', () => {
    const values = readFilters(new URLSearchParams('last=1y&outcome=weird&model=m'), USAGE_FILTERS);
    expect(values).toEqual({ last: '7d', from: '', to: '', model: 'm', outcome: '' });
  });

  it('resolves a relative window against now, or an explicit range', () => {
    expect(usageRange({ ...USAGE_FILTERS.defaults }, now)).toEqual({ from: '2026-11-15T12:00:00.000Z', to: '2026-11-22T12:00:00.000Z' });
    expect(usageRange({ ...USAGE_FILTERS.defaults, last: '24h', to: '2026-11-20T00:00:00.000Z' }, now).from).toBe('2026-11-19T00:00:00.000Z');
    expect(usageQuery({ ...USAGE_FILTERS.defaults, from: '2026-11-01T00:00:00.000Z', outcome: 'error' }, now)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-22T12:00:00.000Z',
      outcome: 'error',
    });
  });

  it('checks ranges', () => {
    expect(usageFilterProblems({ ...USAGE_FILTERS.defaults, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })).toEqual({ to: 'Must be after "From".' });
    expect(usageFilterProblems({ ...USAGE_FILTERS.defaults, from: 'soon' })).toEqual({ from: 'Not a date and time.' });
  });

  it('turns summary rows into chart data', () => {
    const rows = [{ key: 'a/m', requests: 2, inputTokens: 10, outputTokens: 5, costUsd: '0.0012' }];
    expect(usageChartData(rows, 'tokens')).toEqual([{ label: 'a/m', values: [10, 5] }]);
    expect(usageChartData(rows, 'cost')).toEqual([{ label: 'a/m', values: [0.0012] }]);
  });
});
