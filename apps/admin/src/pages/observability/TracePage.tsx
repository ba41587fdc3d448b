import { useEffect, useMemo, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { observabilityApi, type SpanNode, type TraceTree } from '../../api/observability';
import {
  allSpans,
  ancestorIds,
  barGeometry,
  exceptionOf,
  formatAttribute,
  formatCost,
  formatDuration,
  formatTokens,
  genAiFacts,
  initialSpan,
  offsetFrom,
  sortedAttributes,
  timeTicks,
  visibleRows,
  type SpanRow,
} from '../../app/trace-view';
import { useLoad } from '../../app/use-load';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Time } from '../../components/Time';
import { TraceStatusBadge } from '../../components/TraceStatusBadge';
import { TableHead } from '../../components/TableHead';

/** One trace: its span tree beside a waterfall of the spans' timings, and the selected span's attributes, GenAI facts and events. */
export function TracePage() {
  const { traceId = '' } = useParams();
  const location = useLocation();
  const listSearch = (location.state as { list?: string } | null)?.list ?? '';
  const trace = useLoad(() => observabilityApi.trace(traceId), traceId);
  const data = trace.data?.traceId === traceId.toLowerCase() ? trace.data : undefined;
  const back = (
    <p>
      <Link to={`/observability/traces${listSearch}`}>← Traces</Link>
    </p>
  );

  if (!data) {
    const status = trace.error instanceof ApiError ? trace.error.status : undefined;
    return (
      <section>
        {back}
        <h1>Trace</h1>
        {trace.error ? (
          <ErrorNotice
            error={trace.error}
            title={status === 404 ? 'No such trace in this tenant.' : status === 403 ? 'Not allowed to read traces.' : undefined}
          />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
        {status === 404 ? <p className="muted">Traces are kept for a limited time; spans of other tenants are never shown.</p> : null}
        {status === 403 ? <p className="muted">Auditors, admins and owners of the tenant may read traces.</p> : null}
      </section>
    );
  }
  return (
    <section>
      {back}
      <TraceView key={data.traceId} trace={data} onReload={trace.reload} reloading={trace.loading} />
      {trace.error ? <ErrorNotice error={trace.error} /> : null}
    </section>
  );
}

function TraceView({ trace, onReload, reloading }: { trace: TraceTree; onReload: () => void; reloading: boolean }) {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(trace.roots, collapsed), [trace.roots, collapsed]);
  const spans = useMemo(() => allSpans(trace.roots), [trace.roots]);
  const selected = useMemo(() => initialSpan(trace.roots, params.get('span')), [trace.roots, params]);
  const [focusedId, setFocusedId] = useState<string | undefined>(selected?.spanId);
  const root = trace.roots[0];
  const ticks = useMemo(() => timeTicks(trace.durationMs), [trace.durationMs]);
  const tickStep = ticks.length > 1 ? (ticks[1]?.percent ?? 100) : 100;

  // A span newly selected (by the URL, or a link) inside a collapsed subtree: open the path to it.
  const selectedId = selected?.spanId;
  useEffect(() => {
    if (!selectedId) return;
    const ancestors = ancestorIds(trace.roots, selectedId) ?? [];
    setCollapsed((current) => (ancestors.some((id) => current.has(id)) ? new Set([...current].filter((id) => !ancestors.includes(id))) : current));
  }, [selectedId, trace.roots]);

  function select(spanId: string) {
    const next = new URLSearchParams(params);
    next.set('span', spanId);
    // Replace: moving through spans should not fill the history; the list's filters (state) stay for the way back.
    setParams(next, { replace: true, state: location.state });
    setFocusedId(spanId);
  }

  function toggle(spanId: string, open?: boolean) {
    setCollapsed((current) => {
      const next = new Set(current);
      const shouldOpen = open ?? next.has(spanId);
      if (shouldOpen) next.delete(spanId);
      else next.add(spanId);
      return next;
    });
  }

  function focusRow(spanId: string | undefined) {
    if (!spanId) return;
    select(spanId);
    document.getElementById(rowId(spanId))?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = rows.findIndex((row) => row.span.spanId === tabStop);
    const row = rows[index];
    if (!row) return;
    const handled = (() => {
      switch (event.key) {
        case 'ArrowDown':
          focusRow(rows[index + 1]?.span.spanId);
          return true;
        case 'ArrowUp':
          focusRow(rows[index - 1]?.span.spanId);
          return true;
        case 'Home':
          focusRow(rows[0]?.span.spanId);
          return true;
        case 'End':
          focusRow(rows[rows.length - 1]?.span.spanId);
          return true;
        case 'ArrowRight':
          if (row.hasChildren && !row.expanded) toggle(row.span.spanId, true);
          else if (row.expanded) focusRow(rows[index + 1]?.span.spanId);
          return true;
        case 'ArrowLeft':
          if (row.expanded) toggle(row.span.spanId, false);
          else focusRow(row.parentId ?? undefined);
          return true;
        case 'Enter':
        case ' ':
          select(row.span.spanId);
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  }

  const tokens = formatTokens(trace.inputTokens, trace.outputTokens);
  const cost = formatCost(trace.costUsd);
  const visible = (id: string | undefined) => id !== undefined && rows.some((row) => row.span.spanId === id);
  // One row is in the tab order (roving tabindex): the focused one, else the selected one, else the first.
  const tabStop = visible(focusedId) ? focusedId : visible(selectedId) ? selectedId : rows[0]?.span.spanId;
  const withChildren = spans.filter((span) => span.children.length > 0).map((span) => span.spanId);

  return (
    <>
      <div className="panel-head trace-head">
        <h1>
          Trace: {root?.name ?? trace.traceId} <TraceStatusBadge status={trace.status} />
        </h1>
        <button type="button" className="button button-small" onClick={onReload} disabled={reloading}>
          {reloading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <dl className="trace-summary" aria-label="Trace summary">
        <div>
          <dt>Trace id</dt>
          <dd className="mono">{trace.traceId}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <Time value={trace.startTime} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(trace.durationMs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{trace.spanCount}</dd>
        </div>
        <div>
          <dt>Failed spans</dt>
          <dd className={trace.errorCount ? 'text-fail' : undefined}>{trace.errorCount}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{tokens ?? '—'}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{cost ?? '—'}</dd>
        </div>
      </dl>
      <p className="muted">
        <Link to={`/observability/data-access?traceId=${trace.traceId}`}>Data read in this trace</Link>
      </p>
      {trace.truncated ? (
        <div className="notice notice-warn" role="status">
          This trace has more spans than one view shows: the earliest {trace.spanCount} are shown.
        </div>
      ) : null}

      <div className="trace-layout">
        <div className="panel trace-tree-panel" role="region" aria-labelledby="spans-title">
          <div className="panel-head">
            <h2 id="spans-title">Spans</h2>
            <div className="form-actions">
              <button type="button" className="button button-small" onClick={() => setCollapsed(new Set())} disabled={collapsed.size === 0}>
                Expand all
              </button>
              <button type="button" className="button button-small" onClick={() => setCollapsed(new Set(withChildren))} disabled={withChildren.length === 0}>
                Collapse all
              </button>
            </div>
          </div>
          <div className="waterfall-header" aria-hidden="true">
            <div className="waterfall-name">Span</div>
            <div className="waterfall-axis">
              {ticks.map((tick) => (
                <span key={tick.ms} className="waterfall-tick" style={tickStyle(tick.percent)}>
                  {formatDuration(tick.ms)}
                </span>
              ))}
            </div>
          </div>
          <div
            className="span-tree"
            role="tree"
            aria-label="Span tree with timings"
            data-testid="span-tree"
            onKeyDown={onKeyDown}
            style={{ '--tick': `${tickStep}%` } as CSSProperties}
          >
            {rows.map((row) => (
              <SpanTreeRow
                key={row.span.spanId}
                row={row}
                traceDurationMs={trace.durationMs}
                selected={row.span.spanId === selectedId}
                focusable={row.span.spanId === tabStop}
                onSelect={() => select(row.span.spanId)}
                onToggle={() => toggle(row.span.spanId)}
              />
            ))}
          </div>
          <p className="muted waterfall-note">
            Bars show each span's start and duration within the trace ({formatDuration(trace.durationMs)}). Arrow keys move through the tree; left and right
            collapse and expand.
          </p>
        </div>
        {selected ? <SpanDetail span={selected} traceStart={trace.startTime} parentStored={selected.parentSpanId !== null && spans.some((span) => span.spanId === selected.parentSpanId)} /> : null}
      </div>
    </>
  );
}

function rowId(spanId: string): string {
  return `span-row-${spanId}`;
}

/** A status message on one line (exception messages often span several), for the tree row and its accessible name. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function tickStyle(percent: number): CSSProperties {
  // The last label is right-aligned so it stays inside the axis.
  return percent >= 99.9 ? { right: 0 } : { left: `${percent}%`, transform: percent === 0 ? undefined : 'translateX(-50%)' };
}

function SpanTreeRow({
  row,
  traceDurationMs,
  selected,
  focusable,
  onSelect,
  onToggle,
}: {
  row: SpanRow;
  traceDurationMs: number;
  selected: boolean;
  focusable: boolean;
  onSelect: () => void;
  onToggle: () => void;
}) {
  const { span } = row;
  const failed = span.status.code === 'error';
  const bar = barGeometry(span.offsetMs, span.durationMs, traceDurationMs);
  // The duration label goes after the bar when there is room, inside a wide bar, else before it.
  const labelPlace = bar.left + bar.width <= 78 ? 'after' : bar.width >= 18 ? 'inside' : 'before';
  const message = span.status.message ? oneLine(span.status.message) : '';
  const label = `${span.name}, ${formatDuration(span.durationMs)}${failed ? `, error${message ? `: ${message}` : ''}` : ''}`;
  return (
    <div
      id={rowId(span.spanId)}
      role="treeitem"
      aria-level={row.level}
      aria-posinset={row.position}
      aria-setsize={row.siblings}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-selected={selected}
      aria-label={label}
      tabIndex={focusable ? 0 : -1}
      className={['span-row', failed ? 'span-error' : '', selected ? 'span-selected' : ''].filter(Boolean).join(' ')}
      data-span-id={span.spanId}
      onClick={onSelect}
    >
      <div className="waterfall-name" style={{ paddingLeft: `${Math.min(row.level - 1, 24) * 14 + 4}px` }}>
        {row.hasChildren ? (
          <span
            className="span-toggle"
            aria-hidden="true"
            data-testid="span-toggle"
            onClick={(event) => {
              event.stopPropagation();
              onToggle();
            }}
          >
            {row.expanded ? '▾' : '▸'}
          </span>
        ) : (
          <span className="span-toggle span-toggle-leaf" aria-hidden="true" />
        )}
        <span className="span-name" title={span.name}>
          {span.name}
        </span>
        {!row.expanded && row.errorsBelow > 0 ? (
          <span className="badge badge-fail badge-tiny" title={`${row.errorsBelow} failed span(s) inside`}>
            {row.errorsBelow} failed
          </span>
        ) : null}
        {failed && message ? (
          <span className="span-status-message" title={span.status.message ?? undefined}>
            {message}
          </span>
        ) : null}
      </div>
      <div className="waterfall-track" aria-hidden="true">
        <div className={failed ? 'waterfall-bar waterfall-bar-error' : 'waterfall-bar'} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
        <span
          className={labelPlace === 'inside' ? 'waterfall-duration waterfall-duration-inside' : 'waterfall-duration'}
          style={
            labelPlace === 'after'
              ? { left: `calc(${bar.left + bar.width}% + 4px)` }
              : labelPlace === 'inside'
                ? { right: `calc(${100 - bar.left - bar.width}% + 6px)` }
                : { right: `calc(${100 - bar.left}% + 4px)` }
          }
        >
          {formatDuration(span.durationMs)}
        </span>
      </div>
    </div>
  );
}

function SpanDetail({ span, traceStart, parentStored }: { span: SpanNode; traceStart: string; parentStored: boolean }) {
  const failed = span.status.code === 'error';
  const facts = genAiFacts(span.attributes);
  const attributes = sortedAttributes(span.attributes);
  const events = span.events ?? [];
  const tokens = formatTokens(span.inputTokens, span.outputTokens);
  const cost = formatCost(span.costUsd);
  return (
    <aside className={failed ? 'panel span-detail span-detail-error' : 'panel span-detail'} aria-labelledby="span-title" data-testid="span-detail">
      <h2 id="span-title">
        Span: <span className="break">{span.name}</span>
      </h2>
      {failed ? (
        <div className="notice notice-error" role="note" aria-label="Span error">
          <strong>This span failed.</strong>
          <div className="status-message">{span.status.message?.trim().replace(/\n\s*\n+/g, '\n') || 'No status message was recorded.'}</div>
        </div>
      ) : null}
      <dl className="facts facts-wide">
        <dt>Status</dt>
        <dd>
          <TraceStatusBadge status={span.status.code} />
        </dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(span.durationMs)} <span className="muted">starting {formatDuration(span.offsetMs)} into the trace</span>
        </dd>
        <dt>Started</dt>
        <dd>
          <Time value={span.startTime} />
        </dd>
        <dt>Service</dt>
        <dd className="mono">{span.serviceName}</dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        <dt>Span id</dt>
        <dd className="mono">{span.spanId}</dd>
        <dt>Parent</dt>
        <dd>
          {span.parentSpanId ? (
            <>
              <span className="mono">{span.parentSpanId}</span>
              {parentStored ? null : <div className="muted">Not stored for this tenant (another service, or a span without a tenant): shown at the top.</div>}
            </>
          ) : (
            <span className="muted">none (root span)</span>
          )}
        </dd>
        {tokens ? (
          <>
            <dt>Tokens</dt>
            <dd>{tokens}</dd>
          </>
        ) : null}
        {cost ? (
          <>
            <dt>Cost</dt>
            <dd>{cost}</dd>
          </>
        ) : null}
      </dl>

      {facts.length ? (
        <section aria-labelledby="genai-title" className="genai">
          <h3 id="genai-title">GenAI</h3>
          <dl className="genai-facts">
            {facts.map((fact) => (
              <div key={fact.key} title={fact.key}>
                <dt>{fact.label}</dt>
                <dd className="mono">{fact.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}

      <h3 id="attributes-title">Attributes</h3>
      {attributes.length ? (
        <table className="table table-compact attributes" aria-labelledby="attributes-title">
          <TableHead columns={['Name', 'Value']} />
          <tbody>
            {attributes.map(([key, value]) => (
              <tr key={key} className={key.startsWith('gen_ai.') ? 'attribute-genai' : undefined}>
                <th scope="row" className="mono">
                  {key}
                </th>
                <td className="mono">{formatAttribute(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None.</p>
      )}

      <h3 id="events-title">Events</h3>
      {events.length ? (
        <ol className="span-events" aria-labelledby="events-title">
          {events.map((event, index) => {
            const exception = exceptionOf(event);
            const offset = offsetFrom(traceStart, event.time);
            const rest = Object.entries(event.attributes ?? {}).filter(([key]) => !exception || !key.startsWith('exception.'));
            return (
              <li key={`${event.time}-${index}`} className={exception ? 'span-event span-event-exception' : 'span-event'}>
                <div>
                  <strong>{event.name}</strong> <span className="muted">{offset === null ? event.time : `at ${formatDuration(offset)}`}</span>
                </div>
                {exception ? (
                  <div>
                    {exception.type ? <span className="mono">{exception.type}: </span> : null}
                    {exception.message ?? ''}
                    {exception.stacktrace ? (
                      <details>
                        <summary>Stack trace</summary>
                        <pre className="code">{exception.stacktrace}</pre>
                      </details>
                    ) : null}
                  </div>
                ) : null}
                {rest.length ? (
                  <dl className="event-attributes">
                    {rest.map(([key, value]) => (
                      <div key={key}>
                        <dt className="mono">{key}</dt>
                        <dd className="mono">{formatAttribute(value)}</dd>
                      </div>
                    ))}
                  </dl>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted">None.</p>
      )}
    </aside>
  );
}
