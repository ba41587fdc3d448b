import { useState } from 'react';
import { decisionsApi, type ReplayResult } from '../../api/decisions';
import { useMe } from '../../app/me-context';
import { isFiltered, type FilterSpec, type FilterValues } from '../../app/url-filters';
import { useFilterDraft } from '../../app/use-filter-draft';
import { asError } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { ListState, LoadMore } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { FilterForm } from '../../components/FilterForm';

type DecisionFilterKey = 'actorId' | 'action' | 'subjectType' | 'allowed' | 'from' | 'to';

const FILTERS: FilterSpec<DecisionFilterKey> = {
  defaults: { actorId: '', action: '', subjectType: '', allowed: '', from: '', to: '' },
  allowed: { allowed: ['', 'true', 'false'] },
};

/** Stored authorization decisions (who asked to do what, under which policy version, and why it was allowed or not), with replay. */
export function DecisionsPage() {
  const { permissions } = useMe();
  const { filters, setFilters, key } = useUrlFilters(FILTERS);
  const list = usePagedList(
    (cursor) =>
      decisionsApi.list({
        ...(Object.fromEntries(Object.entries(filters).filter(([, value]) => value)) as Partial<FilterValues<DecisionFilterKey>>),
        allowed: (filters.allowed || undefined) as 'true' | 'false' | undefined,
        cursor,
      }),
    key,
  );
  const canReplay = permissions.can('replay', 'AuthorizationDecision');
  const [replays, setReplays] = useState<Record<string, ReplayResult | Error>>({});

  async function replay(id: string) {
    try {
      const result = await decisionsApi.replay(id);
      setReplays((current) => ({ ...current, [id]: result }));
    } catch (error) {
      setReplays((current) => ({ ...current, [id]: asError(error) }));
    }
  }

  return (
    <section>
      <h1>Access decisions</h1>
      <p className="lead">
        Each authorization check the platform made: the principal and its roles, the action and record, the policy version, and the outcome with its reason.
        Replay re-evaluates a decision under the current policy, to see what a policy change does before and after it is published.
      </p>

      <DecisionFilterForm key={key} values={filters} onApply={setFilters} onClear={() => setFilters(FILTERS.defaults)} />
      {list.error ? <ErrorNotice error={list.error} /> : null}
      <ListState
        loading={list.loading}
        empty={list.items.length === 0}
        emptyText={list.error ? 'Decisions could not be loaded.' : isFiltered(filters, FILTERS) ? 'No decision matches these filters.' : 'No decision recorded yet.'}
      >
        <table className="table table-wide">
          <caption>Decisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Outcome</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Principal</th>
              <th scope="col">Policy</th>
              <th scope="col">Reason</th>
              {canReplay ? <th scope="col">Replay</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.items.map((decision) => {
              const replayed = replays[decision.id];
              return (
                <tr key={decision.id}>
                  <td>
                    <Time value={decision.createdAt} />
                  </td>
                  <td>{decision.allowed ? <span className="badge badge-ok">allowed</span> : <span className="badge badge-fail">denied</span>}</td>
                  <th scope="row" className="mono">
                    {decision.action}
                  </th>
                  <td className="mono">
                    {decision.subjectType}
                    {decision.subjectId ? <div className="muted">{decision.subjectId}</div> : null}
                  </td>
                  <td>
                    <PrincipalId type={decision.actorType} id={decision.actorId} short />
                    <div className="muted">{decision.roles.join(', ')}</div>
                  </td>
                  <td>v{decision.policyVersion}</td>
                  <td>{decision.reason}</td>
                  {canReplay ? (
                    <td>
                      {replayed instanceof Error ? (
                        <span className="field-error">{replayed.message}</span>
                      ) : replayed ? (
                        <span role="status">
                          {replayed.changed ? (
                            <span className="badge badge-wait">changed</span>
                          ) : (
                            <span className="badge badge-ok">same</span>
                          )}{' '}
                          {replayed.replay.allowed ? 'allowed' : 'denied'} under v{replayed.replay.policyVersion}
                        </span>
                      ) : (
                        <button type="button" className="button button-small" onClick={() => replay(decision.id)}>
                          Replay
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
    </section>
  );
}

function DecisionFilterForm({
  values,
  onApply,
  onClear,
}: {
  values: FilterValues<DecisionFilterKey>;
  onApply: (values: FilterValues<DecisionFilterKey>) => void;
  onClear: () => void;
}) {
  const { draft, set, submit } = useFilterDraft(values, { timeFields: ['from', 'to'], onApply });
  return (
    <FilterForm label="Filter decisions" onSubmit={submit} onClear={onClear}>
      <Field id="decision-action" label="Action">
        {(props) => <input {...props} placeholder="update" value={draft.action} onChange={set('action')} />}
      </Field>
      <Field id="decision-subject" label="Subject type">
        {(props) => <input {...props} placeholder="Membership" value={draft.subjectType} onChange={set('subjectType')} />}
      </Field>
      <Field id="decision-actor" label="Actor id">
        {(props) => <input {...props} value={draft.actorId} onChange={set('actorId')} />}
      </Field>
      <Field id="decision-allowed" label="Outcome">
        {(props) => (
          <select {...props} value={draft.allowed} onChange={set('allowed')}>
            <option value="">Any outcome</option>
            <option value="true">allowed</option>
            <option value="false">denied</option>
          </select>
        )}
      </Field>
      <Field id="decision-from" label="From">
        {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set('from')} />}
      </Field>
      <Field id="decision-to" label="To (before)">
        {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set('to')} />}
      </Field>
    </FilterForm>
  );
}
