import { describe, expect, it } from 'vitest';
import { windowBounds } from './budget-window';
import { estimatedAmount, microsToUsdText, usdTextToMicros } from './budget-meter';

const bounds = (window: Parameters<typeof windowBounds>[0], at: string) => {
  const { start, end } = windowBounds(window, new Date(at));
  return [start.toISOString(), end.toISOString()];
};

describe('budget windows (UTC calendar periods)', () => {
  it('minute, day, ISO week and month', () => {
    expect(bounds('minute', '2026-03-04T10:15:42.123Z')).toEqual(['2026-03-04T10:15:00.000Z', '2026-03-04T10:16:00.000Z']);
    expect(bounds('day', '2026-03-04T23:59:59.999Z')).toEqual(['2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z']);
    // 2026-03-04 is a Wednesday; 2026-03-08 a Sunday, still in the week of Monday 2 March.
    expect(bounds('week', '2026-03-04T12:00:00Z')).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(bounds('week', '2026-03-08T23:00:00Z')).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(bounds('week', '2026-03-09T00:00:00Z')).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
    expect(bounds('month', '2026-12-31T23:00:00Z')).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(bounds('month', '2028-02-29T05:00:00Z')).toEqual(['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
  });

  it('converts cost exactly and rounds estimates up', () => {
    expect(usdTextToMicros('12.5')).toBe(12_500_000);
    expect(usdTextToMicros('0.000001')).toBe(1);
    expect(microsToUsdText(12_500_001)).toBe('12.500001');
    expect(estimatedAmount('cost', { tokens: 0, costUsd: 0.0000011 })).toBe(2);
    expect(estimatedAmount('cost', { tokens: 0, costUsd: 0.01 })).toBe(10_000);
    expect(estimatedAmount('requests_per_minute', { tokens: 99, costUsd: 1 })).toBe(1);
  });
});
