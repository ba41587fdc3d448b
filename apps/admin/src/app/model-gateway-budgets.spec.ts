import { describe, expect, it } from 'vitest';
import { budgetMeters } from './model-gateway-budgets';

const status = { periodStart: '2026-11-01T00:00:00Z', resetsAt: '2026-12-01T00:00:00Z', usedTokens: 600, reservedTokens: 300, usedCostUsd: '0.5', reservedCostUsd: '0' };

describe('budget meters', () => {
  it('shows used and reserved against each limit the budget sets', () => {
    const [tokens, cost] = budgetMeters({ tokenLimit: 1000, costLimitUsd: '2', status });
    expect(tokens).toMatchObject({ label: 'Tokens', usedPercent: 60, reservedPercent: 30, percent: 90, state: 'warn', text: '600 used, 300 reserved of 1k (90%)' });
    expect(cost).toMatchObject({ label: 'Cost', usedPercent: 25, reservedPercent: 0, state: 'ok', text: '$0.5 used of $2 (25%)' });
  });

  it('clamps the drawing but not the figure when over the limit', () => {
    const [tokens] = budgetMeters({ tokenLimit: 500, costLimitUsd: null, status });
    expect(tokens).toMatchObject({ usedPercent: 100, reservedPercent: 0, percent: 180, state: 'exhausted' });
  });

  it('has no meter for a limit that is not set, and zeros without a status', () => {
    expect(budgetMeters({ tokenLimit: null, costLimitUsd: null, status })).toEqual([]);
    expect(budgetMeters({ tokenLimit: 10, costLimitUsd: null, status: null })[0]).toMatchObject({ used: 0, percent: 0, state: 'ok' });
  });
});
