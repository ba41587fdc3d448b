import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { agentsApi, type Agent } from '../../api/context-agents';
import { CONTEXT_SUBJECTS } from '../../app/context-subjects';
import { useMe } from '../../app/me-context';
import { usePagedList } from '../../app/use-paged-list';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ListState, LoadMore } from '../../components/ListState';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';

/** Agents: what each one is (model, tools, limits) and where to chat with it or see its runs. */
export function AgentsPage() {
  const { me, permissions } = useMe();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const agents = usePagedList<Agent>((cursor) => agentsApi.list({ q: query || undefined, cursor }), `agents:${query}`);

  function submit(event: FormEvent) {
    event.preventDefault();
    setQuery(search.trim());
  }

  return (
    <section>
      <h1>Agents</h1>
      <p className="lead">
        An agent is a spec: instructions, a model alias of the gateway, tools by reference, context sources, memory settings, limits and the purpose its runs
        act under. Runs act for the user who chats, with that user&apos;s permissions.
      </p>
      <div className="toolbar">
        <form className="inline-field" role="search" aria-label="Find agents" onSubmit={submit}>
          <label htmlFor="agent-search">Name contains</label>
          <input id="agent-search" value={search} onChange={(event) => setSearch(event.target.value)} />
          <button type="submit" className="button button-small">
            Find
          </button>
        </form>
        {permissions.can('create', CONTEXT_SUBJECTS.agent) ? (
          <Link className="button button-primary" to="/agents/new">
            New agent
          </Link>
        ) : me ? (
          <span className="muted">Your roles do not allow creating agents.</span>
        ) : null}
      </div>
      {agents.error ? <ErrorNotice error={agents.error} /> : null}
      <ListState loading={agents.loading} empty={agents.items.length === 0} emptyText={agents.error ? 'Agents could not be loaded.' : query ? 'No agent matches.' : 'No agent yet.'}>
        <table className="table table-wide" data-testid="agents">
          <caption>Agents</caption>
          <TableHead columns={['Agent', 'Model', 'Tools', 'Purpose', 'Version', 'Updated']} actions />
          <tbody>
            {agents.items.map((agent) => (
              <tr key={agent.id}>
                <th scope="row">
                  <Link to={`/agents/${agent.id}`}>{agent.name}</Link>
                  {agent.description ? <div className="muted">{agent.description}</div> : null}
                </th>
                <td className="mono">{agent.spec.model.alias}</td>
                <td>{agent.spec.tools.length ? agent.spec.tools.map((tool) => tool.name ?? toolLabel(tool)).join(', ') : <span className="muted">none</span>}</td>
                <td className="mono">{agent.spec.defaultPurpose}</td>
                <td className="numeric">{agent.version}</td>
                <td>
                  <Time value={agent.updatedAt} />
                </td>
                <td>
                  <Link to={`/chat?agent=${agent.id}`} aria-label={`Chat with ${agent.name}`}>
                    Chat
                  </Link>{' '}
                  · <Link to={`/runs?agentId=${agent.id}`}>Runs</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={agents.hasMore} loading={agents.loadingMore} onClick={agents.loadMore} />
    </section>
  );
}

/** A tool reference in a few words (its model-facing name is decided by the registry). */
export function toolLabel(tool: Agent['spec']['tools'][number]): string {
  const detail = tool['tool'] ?? tool['actionType'] ?? tool['collection'] ?? tool['provider'];
  return typeof detail === 'string' ? `${tool.kind}:${detail}` : tool.kind;
}
