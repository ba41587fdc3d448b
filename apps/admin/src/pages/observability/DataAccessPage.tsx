import { Link } from 'react-router';
import { ApiError } from '../../api/api-client';
import { DATA_ACCESS_ACTOR_TYPES, dataAccessApi } from '../../api/observability';
import { DATA_ACCESS_FILTERS, dataAccessFilterProblems, dataAccessQuery, type DataAccessFilterKey } from '../../app/observability-filters';
import { isFiltered, type FilterValues } from '../../app/url-filters';
import { useFilterDraft } from '../../app/use-filter-draft';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { ListState, LoadMore } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { FilterForm } from '../../components/FilterForm';
import { TableHead } from '../../components/TableHead';

/** The data-access log: each recorded read of tenant data (who, which resources, for whom, why, in which trace), filtered in the URL. */
export function DataAccessPage() {
  const { filters, setFilters, key } = useUrlFilters(DATA_ACCESS_FILTERS);
  const records = usePagedList((cursor) => dataAccessApi.list(dataAccessQuery(filters), cursor), key);
  const forbidden = records.error instanceof ApiError && records.error.status === 403;

  return (
    <section>
      <h1>Data access</h1>
      <p className="lead">
        Reads of tenant data that the platform records as such: which principal read which resources, on whose behalf, for which purpose, and the trace
        and request that did it.
      </p>

      <DataAccessFilterForm key={key} values={filters} onApply={(values) => setFilters(values)} onClear={() => setFilters(DATA_ACCESS_FILTERS.defaults)} />

      {records.error ? <ErrorNotice error={records.error} title={forbidden ? 'Not allowed to read the data-access log.' : undefined} /> : null}
      {forbidden ? (
        <p className="muted">The data-access log shows other principals' reads: auditors, admins and owners of the tenant may read it.</p>
      ) : (
        <>
          <ListState
            loading={records.loading}
            empty={records.items.length === 0}
            emptyText={
              records.error
                ? 'Records could not be loaded.'
                : isFiltered(filters, DATA_ACCESS_FILTERS)
                  ? 'No record matches these filters.'
                  : 'No data access recorded yet. Layers record reads of tenant data (documents, vectors, ontology records) as they serve them.'
            }
          >
            <table className="table table-wide" data-testid="data-access">
              <caption>Data access, newest first{records.loading ? ' (refreshing…)' : ''}</caption>
              <TableHead columns={['Time', 'Reader', 'On behalf of', 'Resources', 'Purpose', 'Trace', 'Request']} />
              <tbody>
                {records.items.map((record) => (
                  <tr key={record.id}>
                    <td>
                      <Time value={record.occurredAt} />
                    </td>
                    <td>
                      <PrincipalId type={record.actorType} id={record.actorId} short />
                    </td>
                    <td>{record.onBehalfOfType && record.onBehalfOfId ? <PrincipalId type={record.onBehalfOfType} id={record.onBehalfOfId} short /> : <span className="muted">—</span>}</td>
                    <th scope="row">
                      <span className="mono">{record.resourceType}</span> <span className="muted">×{record.resourceIds.length}</span>
                      <ResourceIds ids={record.resourceIds} />
                    </th>
                    <td>{record.purpose ?? <span className="muted">—</span>}</td>
                    <td className="mono">
                      {record.traceId ? (
                        <Link to={`/observability/traces/${record.traceId}`} title={record.traceId}>
                          {record.traceId.slice(0, 12)}…
                        </Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="mono" title={record.requestId ?? undefined}>
                      {record.requestId ? `${record.requestId.slice(0, 8)}…` : <span className="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ListState>
          <LoadMore hasMore={records.hasMore} loading={records.loadingMore} onClick={records.loadMore} />
        </>
      )}
    </section>
  );
}

const SHOWN_IDS = 3;

/** The first resource ids, the rest behind a disclosure (one read may name hundreds). */
function ResourceIds({ ids }: { ids: string[] }) {
  if (!ids.length) return null;
  const first = ids.slice(0, SHOWN_IDS);
  const rest = ids.slice(SHOWN_IDS);
  return (
    <div className="resource-ids">
      {first.map((id) => (
        <span key={id} className="chip mono">
          {id}
        </span>
      ))}
      {rest.length ? (
        <details>
          <summary className="muted">{rest.length} more</summary>
          {rest.map((id) => (
            <span key={id} className="chip mono">
              {id}
            </span>
          ))}
        </details>
      ) : null}
    </div>
  );
}

function DataAccessFilterForm({
  values,
  onApply,
  onClear,
}: {
  values: FilterValues<DataAccessFilterKey>;
  onApply: (values: FilterValues<DataAccessFilterKey>) => void;
  onClear: () => void;
}) {
  const { draft, set, problems, submit } = useFilterDraft(values, { timeFields: ['from', 'to'], validate: dataAccessFilterProblems, onApply });

  const text = (field: DataAccessFilterKey, id: string, label: string, placeholder?: string) => (
    <Field id={id} label={label} error={problems[field]}>
      {(props) => <input {...props} placeholder={placeholder} value={draft[field]} onChange={set(field)} />}
    </Field>
  );

  return (
    <FilterForm label="Filter data access" onSubmit={submit} onClear={onClear}>
      <Field id="access-from" label="From" error={problems.from}>
        {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set('from')} />}
      </Field>
      <Field id="access-to" label="To (before)" error={problems.to}>
        {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set('to')} />}
      </Field>
      <Field id="access-actor-type" label="Reader type">
        {(props) => (
          <select {...props} value={draft.actorType} onChange={set('actorType')}>
            <option value="">Any reader</option>
            {DATA_ACCESS_ACTOR_TYPES.map((type) => (
              <option key={type} value={type}>
                {type.replace('_', ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {text('actorId', 'access-actor', 'Reader id')}
      {text('onBehalfOfId', 'access-on-behalf', 'On behalf of (id)')}
      {text('resourceType', 'access-resource-type', 'Resource type', 'Document')}
      {text('resourceId', 'access-resource', 'Resource id')}
      {text('purpose', 'access-purpose', 'Purpose')}
      {text('traceId', 'access-trace', 'Trace id')}
      {text('requestId', 'access-request', 'Request id')}
    </FilterForm>
  );
}
