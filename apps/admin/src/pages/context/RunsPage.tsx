import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { agentsApi } from '../../api/context-agents';
import { runsApi, RUN_STATUSES, type AgentRun } from '../../api/context-runs';
import { RUN_FILTERS, runQuery, runStatusTone, usageText, type RunFilterKey } from '../../app/context-run-filters';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import type { FilterValues } from '../../app/url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterForm } from '../../components/FilterForm';
import { ListState, LoadMore } from '../../components/ListState';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';

/** Agent runs the caller may see, newest first, filtered by agent and status. */
export function RunsPage() {
  const { filters, setFilters, key } = useUrlFilters(RUN_FILTERS);
  const agents = useLoad(() => agentsApi.list({ limit: 200 }), 'runs-agents');
  const runs = usePagedList<AgentRun>((cursor) => runsApi.list({ ...runQuery(filters), cursor }), key);
  return (
    <section>
      <h1>Runs</h1>
      <p className="lead">Every run of an agent: its status, how many steps and tokens it took, and what it cost. Open one for its steps and assembled contexts.</p>
      <RunFilterForm
        key={key}
        values={filters}
        agents={agents.data?.items.map((agent) => ({ id: agent.id, name: agent.name })) ?? []}
        onApply={(values) => setFilters(values)}
        onClear={() => setFilters(RUN_FILTERS.defaults)}
      />
      {runs.error ? <ErrorNotice error={runs.error} /> : null}
      <ListState loading={runs.loading} empty={runs.items.length === 0} emptyText={runs.error ? 'Runs could not be loaded.' : 'No run matches.'}>
        <table className="table table-wide" data-testid="runs">
          <caption>Runs</caption>
          <TableHead columns={['Run', 'Agent', 'Status', 'Input', 'Steps', 'Usage', 'Started']} />
          <tbody>
            {runs.items.map((run) => (
              <tr key={run.id}>
                <th scope="row">
                  <Link to={`/runs/${run.id}`} className="mono">
                    {run.id.slice(-12)}
                  </Link>
                </th>
                <td>
                  <Link to={`/agents/${run.agentId}`}>{run.agentName}</Link> <span className="muted">v{run.agentVersion}</span>
                </td>
                <td>
                  <RunStatusBadge status={run.status} />
                </td>
                <td>{run.input.length > 80 ? `${run.input.slice(0, 80)}…` : run.input}</td>
                <td className="numeric">{run.steps}</td>
                <td>{usageText({ tokens: run.tokens, costUsd: run.costUsd })}</td>
                <td>
                  <Time value={run.startedAt ?? run.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={runs.hasMore} loading={runs.loadingMore} onClick={runs.loadMore} />
    </section>
  );
}

export function RunStatusBadge({ status }: { status: string }) {
  const tone = runStatusTone(status);
  return <span className={`badge ${tone === 'ok' ? 'badge-ok' : tone === 'wait' ? 'badge-wait' : tone === 'busy' ? 'badge-neutral' : 'badge-fail'}`}>{status.replace('_', ' ')}</span>;
}

function RunFilterForm({
  values,
  agents,
  onApply,
  onClear,
}: {
  values: FilterValues<RunFilterKey>;
  agents: Array<{ id: string; name: string }>;
  onApply: (values: FilterValues<RunFilterKey>) => void;
  onClear: () => void;
}) {
  const [draft, setDraft] = useState(values);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <FilterForm label="Filter runs" onSubmit={submit} onClear={onClear}>
      <div className="field">
        <label htmlFor="run-filter-agent">Agent</label>
        <select id="run-filter-agent" value={draft.agentId} onChange={(event) => setDraft({ ...draft, agentId: event.target.value })}>
          <option value="">Any agent</option>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
          {draft.agentId && !agents.some((agent) => agent.id === draft.agentId) ? <option value={draft.agentId}>{draft.agentId}</option> : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor="run-filter-status">Status</label>
        <select id="run-filter-status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value })}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status.replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
    </FilterForm>
  );
}
