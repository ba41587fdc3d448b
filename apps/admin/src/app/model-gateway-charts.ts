/**
 * Geometry and wording of the usage charts (inline SVG bar charts, drawn by
 * pages/model-gateway/BarChart.tsx). Hand-written because the charts are a few bars on a linear
 * axis; a chart library would add far more weight to the admin bundle than this file.
 */

export interface ChartSeries {
  /** Shown in the legend and the data table. */
  name: string;
  /** A CSS class that colours the series (`series-0`, `series-1`…). */
  className: string;
}

export interface ChartDatum {
  label: string;
  /** One value per series, in the series' order; bars stack them. */
  values: number[];
}

export interface Bar {
  label: string;
  x: number;
  width: number;
  segments: Array<{ series: number; y: number; height: number; value: number }>;
  total: number;
}

export interface ChartLayout {
  max: number;
  ticks: Array<{ value: number; y: number }>;
  bars: Bar[];
}

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10ⁿ) that is at least `value`; 1 for nothing. */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude;
    // A float product such as 2.5 × 0.1 can land a hair below `value`: compare with a tolerance.
    if (candidate >= value * (1 - 1e-12)) return candidate;
  }
  return 10 * magnitude;
}

/**
 * Stacked bars in a `width` × `height` plot area (y grows downwards, 0 at the top): four equal
 * ticks up to a nice maximum, bars centred in equal slots, two thirds of a slot wide but never
 * wider than `maxBarWidth` (one bar should not fill the chart).
 */
export function layoutBars(data: readonly ChartDatum[], width: number, height: number, maxBarWidth = 72): ChartLayout {
  const totals = data.map((datum) => datum.values.reduce((sum, value) => sum + Math.max(0, value), 0));
  const max = niceCeiling(Math.max(0, ...totals));
  const scale = (value: number) => (value / max) * height;
  const ticks = [0, 1, 2, 3, 4].map((index) => {
    const value = (max * index) / 4;
    return { value, y: height - scale(value) };
  });
  const slot = data.length ? width / data.length : width;
  const barWidth = Math.min(slot * (2 / 3), maxBarWidth);
  const bars = data.map((datum, index) => {
    let top = height;
    const segments = datum.values.map((raw, series) => {
      const value = Math.max(0, raw);
      const segmentHeight = scale(value);
      top -= segmentHeight;
      return { series, y: top, height: segmentHeight, value };
    });
    return { label: datum.label, x: index * slot + (slot - barWidth) / 2, width: barWidth, segments, total: totals[index] ?? 0 };
  });
  return { max, ticks, bars };
}

/** Token counts for axes and summaries: 950, 12.5k, 3.2M. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  const trim = (text: string) => text.replace(/\.0$/, '');
  if (abs >= 1e9) return `${trim((value / 1e9).toFixed(1))}B`;
  if (abs >= 1e6) return `${trim((value / 1e6).toFixed(1))}M`;
  if (abs >= 1e3) return `${trim((value / 1e3).toFixed(1))}k`;
  return trim(value.toFixed(abs > 0 && abs < 10 && !Number.isInteger(value) ? 1 : 0));
}

/** A US-dollar amount (the API's exact decimal text or a number): small amounts keep their significant digits. */
export function formatUsd(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(amount)) return String(value);
  if (amount === 0) return '$0';
  const abs = Math.abs(amount);
  const digits = abs >= 1 ? 2 : Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(abs)) + 1));
  return `${amount < 0 ? '-' : ''}$${abs.toFixed(digits).replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '')}`;
}

/**
 * The text a screen reader gets for a chart (`role="img"`): what it shows, the total, and the
 * largest bars; the full numbers are in the table that follows the chart.
 */
export function chartSummary(title: string, series: readonly ChartSeries[], data: readonly ChartDatum[], format: (value: number) => string): string {
  if (!data.length) return `${title}: no data.`;
  const totals = data.map((datum) => ({ label: datum.label, total: datum.values.reduce((sum, value) => sum + value, 0) }));
  const total = totals.reduce((sum, item) => sum + item.total, 0);
  const top = [...totals].sort((a, b) => b.total - a.total).slice(0, 3);
  const parts = series.length > 1 ? ` (${series.map((item) => item.name).join(' and ')} stacked)` : '';
  return `${title}${parts}: ${data.length} bar${data.length === 1 ? '' : 's'}, ${format(total)} in total; highest ${top.map((item) => `${item.label} ${format(item.total)}`).join(', ')}.`;
}
