import { ACTION_STATUSES, ontologyActionsApi, type ActionLogEntry } from '../../api/ontology-actions';
import type { FilterSpec } from '../../app/url-filters';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { Field } from '../../components/Field';
import { ActionLog } from './ActionLog';

const FILTERS: FilterSpec<'actionTypeId' | 'status' | 'action'> = {
  defaults: { actionTypeId: '', status: '', action: '' },
  allowed: { status: ['', ...ACTION_STATUSES] },
};

/** Every action run in the tenant, with its exact inputs and changes; revert where possible. Filters live in the URL. */
export function ActionLogPage() {
  const { filters, setFilters, key } = useUrlFilters(FILTERS);
  const types = useLoad(ontologyActionsApi.list, 'action-types');
  const log = usePagedList<ActionLogEntry>(
    (cursor) => ontologyActionsApi.log({ actionTypeId: filters.actionTypeId || undefined, status: filters.status || undefined, cursor }),
    key,
  );
  return (
    <section>
      <h1>Action log</h1>
      <p className="lead">Every action run through the ontology: who ran it, with which exact inputs, what it changed, and whether it waited for an approval.</p>
      <div className="toolbar" role="search" aria-label="Filter the action log">
        <Field id="log-action-type" label="Action type">
          {(props) => (
            <select {...props} value={filters.actionTypeId} onChange={(event) => setFilters({ actionTypeId: event.target.value })}>
              <option value="">Any action type</option>
              {(types.data ?? []).map((type) => (
                <option key={type.id} value={type.id}>
                  {type.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="log-status" label="Status">
          {(props) => (
            <select {...props} value={filters.status} onChange={(event) => setFilters({ status: event.target.value })}>
              <option value="">Any status</option>
              {ACTION_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status.replace('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ActionLog log={log} highlight={filters.action || undefined} />
    </section>
  );
}
