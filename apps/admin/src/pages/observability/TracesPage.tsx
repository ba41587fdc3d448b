import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/api-client';
import { observabilityApi, TRACE_STATUSES } from '../../api/observability';
import {
  TRACE_FILTERS,
  TRACE_WINDOW_LABELS,
  traceFilterProblems,
  traceQuery,
  traceRangeLabel,
  type TraceFilterKey,
  type TraceWindow,
} from '../../app/observability-filters';
import { formatCost, formatDuration, formatTokens } from '../../app/trace-view';
import { isFiltered, isoToLocalInput, localInputToIso, type FilterValues } from '../../app/url-filters';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { ListState, LoadMore } from '../../components/ListState';
import { Time } from '../../components/Time';
import { TraceStatusBadge } from '../../components/TraceStatusBadge';
import { FilterForm } from '../../components/FilterForm';

/** The tenant's stored traces, newest first, filtered by time, status, agent, model and duration (all in the URL). */
export function TracesPage() {
  const location = useLocation();
  const { filters, setFilters, key } = useUrlFilters(TRACE_FILTERS);
  // A relative window ("last hour") is resolved when the list (re)loads, against the clock at that moment.
  const traces = usePagedList((cursor) => observabilityApi.traces(traceQuery(filters), cursor), key);
  const filtered = isFiltered(filters, TRACE_FILTERS);
  const forbidden = traces.error instanceof ApiError && traces.error.status === 403;

  return (
    <section>
      <h1>Traces</h1>
      <p className="lead">
        Every request and agent run the platform handled, as OpenTelemetry traces of your tenant: where the time went, which model answered, what it cost and
        what failed. Open a trace for its span tree and waterfall.
      </p>

      <TraceFilterForm key={key} values={filters} onApply={(values) => setFilters(values)} onClear={() => setFilters(TRACE_FILTERS.defaults)} />

      {traces.error ? <ErrorNotice error={traces.error} title={forbidden ? 'Not allowed to read traces.' : undefined} /> : null}
      {forbidden ? (
        <p className="muted">Traces show other principals' activity: auditors, admins and owners of the tenant may read them.</p>
      ) : (
        <>
          <div className="toolbar">
            <button type="button" className="button button-small" onClick={traces.reload} disabled={traces.loading}>
              {traces.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          <ListState
            loading={traces.loading}
            empty={traces.items.length === 0}
            emptyText={
              traces.error
                ? 'Traces could not be loaded.'
                : filtered
                  ? `No trace matches these filters (${traceRangeLabel(filters)}).`
                  : 'No trace in the last 24 hours. Traces appear here as the platform serves requests.'
            }
          >
            <table className="table table-wide" data-testid="traces">
              <caption>
                Traces, newest first: {traceRangeLabel(filters)}
                {traces.loading ? ' (refreshing…)' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Start</th>
                  <th scope="col">Root span</th>
                  <th scope="col" className="numeric">
                    Duration
                  </th>
                  <th scope="col" className="numeric">
                    Spans
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Model</th>
                  <th scope="col">Tokens</th>
                  <th scope="col" className="numeric">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {traces.items.map((trace) => (
                  <tr key={trace.traceId} className={trace.status === 'error' ? 'row-error' : undefined}>
                    <td>
                      <Time value={trace.startTime} />
                    </td>
                    <th scope="row">
                      <Link to={`/observability/traces/${trace.traceId}`} state={{ list: location.search }} title={`Trace ${trace.traceId}`}>
                        {trace.rootName}
                      </Link>
                      <div className="muted mono">{trace.serviceName}</div>
                    </th>
                    <td className="numeric">{formatDuration(trace.durationMs)}</td>
                    <td className="numeric">{trace.spanCount}</td>
                    <td>
                      <TraceStatusBadge status={trace.status} />
                      {trace.errorCount > 0 ? (
                        <span className="muted">
                          {' '}
                          {trace.errorCount} failed span{trace.errorCount === 1 ? '' : 's'}
                        </span>
                      ) : null}
                    </td>
                    <td className={trace.agentIds.length ? 'mono' : undefined}>{trace.agentIds.length ? trace.agentIds.join(', ') : <span className="muted">—</span>}</td>
                    <td className={trace.models.length ? 'mono' : undefined}>{trace.models.length ? trace.models.join(', ') : <span className="muted">—</span>}</td>
                    <td>{formatTokens(trace.inputTokens, trace.outputTokens) ?? <span className="muted">—</span>}</td>
                    <td className="numeric">{formatCost(trace.costUsd) ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ListState>
          <LoadMore hasMore={traces.hasMore} loading={traces.loadingMore} onClick={traces.loadMore} />
        </>
      )}
    </section>
  );
}

function TraceFilterForm({
  values,
  onApply,
  onClear,
}: {
  values: FilterValues<TraceFilterKey>;
  onApply: (values: FilterValues<TraceFilterKey>) => void;
  onClear: () => void;
}) {
  // The draft shows instants as local wall-clock time; the URL keeps ISO instants.
  const [draft, setDraft] = useState({ ...values, from: isoToLocalInput(values.from), to: isoToLocalInput(values.to) });
  const [problems, setProblems] = useState<Partial<Record<TraceFilterKey, string>>>({});
  const set = (field: TraceFilterKey) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = {
      ...draft,
      from: localInputToIso(draft.from),
      to: localInputToIso(draft.to),
      agentId: draft.agentId.trim(),
      model: draft.model.trim(),
      minDurationMs: draft.minDurationMs.trim(),
    };
    const found = traceFilterProblems(next);
    setProblems(found);
    if (Object.keys(found).length) return;
    onApply(next);
  }

  return (
    <FilterForm label="Filter traces" onSubmit={submit} onClear={onClear}>
      <Field id="traces-last" label="Time window" hint={draft.from ? 'Ignored while "From" is set.' : undefined}>
        {(props) => (
          <select {...props} value={draft.last} onChange={set('last')} disabled={Boolean(draft.from)}>
            {(Object.keys(TRACE_WINDOW_LABELS) as TraceWindow[]).map((window) => (
              <option key={window} value={window}>
                {TRACE_WINDOW_LABELS[window]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="traces-from" label="From" error={problems.from}>
        {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set('from')} />}
      </Field>
      <Field id="traces-to" label="To (before)" error={problems.to}>
        {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set('to')} />}
      </Field>
      <Field id="traces-status" label="Status">
        {(props) => (
          <select {...props} value={draft.status} onChange={set('status')}>
            <option value="">Any status</option>
            {TRACE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status === 'error' ? 'error (a span failed)' : status === 'ok' ? 'ok' : 'unset (no span reported a status)'}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="traces-agent" label="Agent id">
        {(props) => <input {...props} value={draft.agentId} onChange={set('agentId')} />}
      </Field>
      <Field id="traces-model" label="Model">
        {(props) => <input {...props} placeholder="gpt-4o-mini" value={draft.model} onChange={set('model')} />}
      </Field>
      <Field id="traces-min-duration" label="Minimum duration (ms)" error={problems.minDurationMs}>
        {(props) => <input {...props} inputMode="decimal" value={draft.minDurationMs} onChange={set('minDurationMs')} />}
      </Field>
    </FilterForm>
  );
}
