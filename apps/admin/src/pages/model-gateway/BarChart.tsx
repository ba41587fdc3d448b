import { useId } from 'react';
import { chartSummary, layoutBars, type ChartDatum, type ChartSeries } from '../../app/model-gateway-charts';

const WIDTH = 560;
const HEIGHT = 200;
const LEFT = 80;
const BOTTOM = 44;
const TOP = 8;

/**
 * A stacked bar chart as inline SVG: `role="img"` named by its title with a text summary, and the
 * same numbers in a table below (collapsed) for readers who want them exactly.
 */
export function BarChart({ title, series, data, format, testId }: { title: string; series: ChartSeries[]; data: ChartDatum[]; format: (value: number) => string; testId?: string }) {
  const id = useId();
  const layout = layoutBars(data, WIDTH - LEFT - 8, HEIGHT);
  const summary = chartSummary(title, series, data, format);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {data.length === 0 ? (
        <p className="empty">No usage in this period.</p>
      ) : (
        <>
          <svg
            role="img"
            aria-labelledby={`${id}-title ${id}-summary`}
            viewBox={`0 0 ${WIDTH} ${HEIGHT + TOP + BOTTOM}`}
            className="chart-svg"
            preserveAspectRatio="xMinYMin meet"
          >
            <desc id={`${id}-summary`}>{summary}</desc>
            <g transform={`translate(${LEFT} ${TOP})`}>
              {layout.ticks.map((tick) => (
                <g key={tick.value} className="chart-tick">
                  <line x1={0} x2={WIDTH - LEFT - 8} y1={tick.y} y2={tick.y} />
                  <text x={-6} y={tick.y} dy="0.32em" textAnchor="end">
                    {format(tick.value)}
                  </text>
                </g>
              ))}
              {layout.bars.map((bar) => (
                <g key={bar.label} className="chart-bar">
                  <title>{`${bar.label}: ${series.map((item, index) => `${item.name} ${format(bar.segments[index]?.value ?? 0)}`).join(', ')}`}</title>
                  {bar.segments.map((segment) => (
                    <rect key={segment.series} className={series[segment.series]?.className} x={bar.x} y={segment.y} width={bar.width} height={segment.height} />
                  ))}
                  <text x={bar.x + bar.width / 2} y={HEIGHT + 14} textAnchor="middle" className="chart-label">
                    {bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label}
                  </text>
                </g>
              ))}
            </g>
          </svg>
          {series.length > 1 ? (
            <ul className="chart-legend" aria-hidden="true">
              {series.map((item) => (
                <li key={item.name}>
                  <span className={`chart-swatch ${item.className}`} /> {item.name}
                </li>
              ))}
            </ul>
          ) : null}
          <details className="chart-data">
            <summary>Data table</summary>
            <table className="table table-compact">
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{title.split(' by ')[1] ?? 'Label'}</th>
                  {series.map((item) => (
                    <th key={item.name} scope="col" className="numeric">
                      {item.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.map((datum) => (
                  <tr key={datum.label}>
                    <th scope="row">{datum.label}</th>
                    {datum.values.map((value, index) => (
                      <td key={series[index]?.name ?? index} className="numeric">
                        {format(value)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
