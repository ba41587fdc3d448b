import { describe, expect, it } from 'vitest';
import { chartSummary, formatCompact, formatUsd, layoutBars, niceCeiling } from './model-gateway-charts';

describe('usage chart geometry', () => {
  it('rounds the axis up to a nice number', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(1.2)).toBe(2);
    expect(niceCeiling(230)).toBe(250);
    expect(niceCeiling(0.25)).toBe(0.25);
    expect(niceCeiling(0.0031)).toBe(0.005);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });

  it('stacks the series of each bar from the bottom and spaces the bars evenly', () => {
    const layout = layoutBars(
      [
        { label: 'a', values: [30, 10] },
        { label: 'b', values: [80, 20] },
      ],
      200,
      100,
    );
    expect(layout.max).toBe(100);
    expect(layout.ticks.map((tick) => [tick.value, tick.y])).toEqual([
      [0, 100],
      [25, 75],
      [50, 50],
      [75, 25],
      [100, 0],
    ]);
    const [first, second] = layout.bars;
    expect(first?.segments.map((segment) => [segment.y, segment.height])).toEqual([
      [70, 30],
      [60, 10],
    ]);
    expect(second?.total).toBe(100);
    expect(second?.segments[1]?.y).toBe(0);
    expect(first?.x).toBeCloseTo(100 / 6);
    expect(first?.width).toBeCloseTo(200 / 3);
    expect(second?.x).toBeCloseTo(100 + 100 / 6);
  });

  it('keeps a lone bar narrow', () => {
    const [bar] = layoutBars([{ label: 'only', values: [1] }], 480, 100).bars;
    expect(bar?.width).toBe(72);
    expect(bar?.x).toBe(240 - 36);
  });

  it('draws negative values as nothing and an empty chart with a unit axis', () => {
    const layout = layoutBars([{ label: 'x', values: [-5, 0] }], 100, 50);
    expect(layout.max).toBe(1);
    expect(layout.bars[0]?.segments.every((segment) => segment.height === 0)).toBe(true);
    expect(layoutBars([], 100, 50).bars).toEqual([]);
  });
});

describe('usage figures', () => {
  it('abbreviates token counts', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(12_500)).toBe('12.5k');
    expect(formatCompact(3_000_000)).toBe('3M');
    expect(formatCompact(2.5)).toBe('2.5');
  });

  it('formats dollars, keeping the significant digits of small amounts', () => {
    expect(formatUsd('12.3456')).toBe('$12.35');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd('0.000123')).toBe('$0.000123');
    expect(formatUsd(0.5)).toBe('$0.5');
    expect(formatUsd(-2)).toBe('-$2');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd('abc')).toBe('abc');
  });

  it('summarises a chart for screen readers', () => {
    const series = [
      { name: 'input', className: 'series-0' },
      { name: 'output', className: 'series-1' },
    ];
    const text = chartSummary('Tokens by model', series, [
      { label: 'm1', values: [10, 5] },
      { label: 'm2', values: [100, 20] },
    ], formatCompact);
    expect(text).toBe('Tokens by model (input and output stacked): 2 bars, 135 in total; highest m2 120, m1 15.');
    expect(chartSummary('Cost', series, [], formatUsd)).toBe('Cost: no data.');
  });
});
