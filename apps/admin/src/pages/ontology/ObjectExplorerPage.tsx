import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ontologyObjectsApi, type OntologyObject } from '../../api/ontology-objects';
import { ontologySchemaApi, type ObjectType } from '../../api/ontology-schema';
import { useMe } from '../../app/me-context';
import { ontologyIssues } from '../../app/ontology-errors';
import {
  EXPLORER_FILTERS,
  EXPLORER_OPERATORS,
  explorerCaption,
  explorerPage,
  explorerProblems,
  explorerQuery,
  objectTitle,
  OPERATOR_LABELS,
  PAGE_SIZES,
  VALUELESS,
  type ExplorerKey,
  type ExplorerOperator,
} from '../../app/ontology-explorer';
import { parseValueDrafts, valueDrafts, type ValueDrafts } from '../../app/ontology-object-form';
import { displayValue } from '../../app/ontology-properties';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { isFiltered, type FilterValues } from '../../app/url-filters';
import { useFilterDraft } from '../../app/use-filter-draft';
import { asError, useLoad } from '../../app/use-load';
import { useUrlFilters } from '../../app/use-url-filters';
import { Field } from '../../components/Field';
import { ListState, SuccessNotice } from '../../components/ListState';
import { Time } from '../../components/Time';
import { OntologyErrorNotice } from './OntologyErrorNotice';
import { ImportPanel } from './ImportPanel';
import { PropertyValuesForm } from './PropertyValuesForm';
import { FilterForm } from '../../components/FilterForm';

const COLUMNS_MAX = 5;

/** The object explorer: pick a type, filter, sort and page its objects (all in the URL), open one. */
export function ObjectExplorerPage() {
  const location = useLocation();
  const { permissions } = useMe();
  const { filters, setFilters, key } = useUrlFilters(EXPLORER_FILTERS);
  const types = useLoad(ontologySchemaApi.objectTypes, 'object-types');
  const type = types.data?.find((candidate) => candidate.apiName === filters.type);
  const problems = explorerProblems(filters, type);
  const runnable = Boolean(filters.type && type && Object.keys(problems).length === 0);
  const objects = useLoad(() => (runnable ? ontologyObjectsApi.query(explorerQuery(filters, type)) : Promise.resolve(undefined)), `${key}|${runnable}`);
  const [created, setCreated] = useState<OntologyObject>();
  const items = objects.data?.items ?? [];
  const page = explorerPage(filters);
  const hasNext = objects.data ? objects.data.nextOffset !== null : false;
  const columns = type ? type.properties.slice(0, COLUMNS_MAX) : [];

  return (
    <section>
      <h1>Object explorer</h1>
      <p className="lead">The objects of your ontology. Choose a type, filter and sort its objects, and open one for its properties, links, graph and history.</p>
      {types.error ? <OntologyErrorNotice error={types.error} /> : null}

      <div className="toolbar">
        <Field id="explorer-type" label="Object type">
          {(props) => (
            <select {...props} value={filters.type} onChange={(event) => setFilters({ ...EXPLORER_FILTERS.defaults, type: event.target.value })}>
              <option value="">Choose a type</option>
              {(types.data ?? []).map((candidate) => (
                <option key={candidate.apiName} value={candidate.apiName}>
                  {candidate.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      {type ? (
        <>
          <ExplorerFilterForm
            key={key}
            type={type}
            values={filters}
            onApply={(values) => setFilters({ ...values, page: '1' })}
            onClear={() => setFilters({ ...EXPLORER_FILTERS.defaults, type: type.apiName })}
          />
          {Object.keys(problems).length ? (
            <div className="notice notice-warn" role="alert">
              The filter in the address cannot run: {Object.values(problems).join(' ')}
            </div>
          ) : null}
          {permissions.can('create', ONTOLOGY_SUBJECTS.object) ? (
            <CreateObjectForm
              key={type.apiName}
              type={type}
              onCreated={(object) => {
                setCreated(object);
                objects.reload();
              }}
            />
          ) : null}
          {permissions.can('create', ONTOLOGY_SUBJECTS.object) ? <ImportPanel key={`import-${type.apiName}`} type={type} onImported={objects.reload} /> : null}
          {created ? (
            <SuccessNotice>
              Created <Link to={`/ontology/objects/${created.id}`}>{objectTitle(created, type)}</Link>.
            </SuccessNotice>
          ) : null}
          {objects.error ? <OntologyErrorNotice error={objects.error} title="The query failed." /> : null}
          <ListState
            loading={objects.loading}
            empty={items.length === 0}
            emptyText={objects.error ? 'Objects could not be loaded.' : isFiltered(filters, EXPLORER_FILTERS) && filters.property ? 'No object matches this filter.' : `No ${type.displayName} yet.`}
          >
            <table className="table table-wide" data-testid="objects">
              <caption>
                {explorerCaption(filters, type)}
                {objects.loading ? ' (loading…)' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Object</th>
                  {columns.map((property) => (
                    <th scope="col" key={property.apiName}>
                      {property.displayName || property.apiName}
                    </th>
                  ))}
                  <th scope="col" className="numeric">
                    Version
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {items.map((object) => (
                  <tr key={object.id}>
                    <th scope="row">
                      <Link to={`/ontology/objects/${object.id}`} state={{ list: location.search }}>
                        {objectTitle(object, type)}
                      </Link>
                    </th>
                    {columns.map((property) => (
                      <td key={property.apiName}>{displayValue(object.properties[property.apiName])}</td>
                    ))}
                    <td className="numeric">{object.version}</td>
                    <td>
                      <Time value={object.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ListState>
          <nav className="toolbar" aria-label="Pages">
            <button type="button" className="button button-small" disabled={page <= 1} onClick={() => setFilters({ page: String(page - 1) })}>
              Previous page
            </button>
            <span>Page {page}</span>
            <button type="button" className="button button-small" disabled={!hasNext} onClick={() => setFilters({ page: String(page + 1) })}>
              Next page
            </button>
            <label className="inline-field">
              Page size{' '}
              <select value={filters.limit} onChange={(event) => setFilters({ limit: event.target.value, page: '1' })}>
                {PAGE_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {size}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        </>
      ) : filters.type && types.data ? (
        <p className="notice notice-warn">There is no object type {filters.type}. Choose one above.</p>
      ) : null}
    </section>
  );
}

function ExplorerFilterForm({
  type,
  values,
  onApply,
  onClear,
}: {
  type: ObjectType;
  values: FilterValues<ExplorerKey>;
  onApply: (values: FilterValues<ExplorerKey>) => void;
  onClear: () => void;
}) {
  const { draft, set, problems, submit } = useFilterDraft(values, { validate: (next) => explorerProblems(next, type), onApply });
  const sortable = [...type.properties.filter((property) => property.type !== 'json' && property.type !== 'array').map((property) => property.apiName), '$createdAt', '$updatedAt'];
  return (
    <FilterForm label={`Filter ${type.displayName} objects`} onSubmit={submit} onClear={onClear}>
      <Field id="explorer-property" label="Property" error={problems.property}>
        {(props) => (
          <select {...props} value={draft.property} onChange={set('property')}>
            <option value="">No filter</option>
            {type.properties.map((property) => (
              <option key={property.apiName} value={property.apiName}>
                {property.displayName || property.apiName}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="explorer-op" label="Condition">
        {(props) => (
          <select {...props} value={draft.op} onChange={set('op')}>
            {EXPLORER_OPERATORS.map((op) => (
              <option key={op} value={op}>
                {OPERATOR_LABELS[op]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="explorer-value" label="Value" error={problems.value}>
        {(props) => <input {...props} value={draft.value} disabled={VALUELESS.includes(draft.op as ExplorerOperator)} onChange={set('value')} />}
      </Field>
      <Field id="explorer-sort" label="Sort by">
        {(props) => (
          <select {...props} value={draft.sort} onChange={set('sort')}>
            <option value="">Default order</option>
            {sortable.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="explorer-dir" label="Direction">
        {(props) => (
          <select {...props} value={draft.dir} onChange={set('dir')}>
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
        )}
      </Field>
    </FilterForm>
  );
}

function CreateObjectForm({ type, onCreated }: { type: ObjectType; onCreated: (object: OntologyObject) => void }) {
  const [open, setOpen] = useState(false);
  const [drafts, setDrafts] = useState<ValueDrafts>(() => valueDrafts(type));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { values, problems } = parseValueDrafts(type, drafts);
    setErrors(problems);
    setFailure(undefined);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const object = await ontologyObjectsApi.create(type.apiName, values);
      setDrafts(valueDrafts(type));
      onCreated(object);
    } catch (error) {
      const fields: Record<string, string> = {};
      for (const issue of ontologyIssues(error)) {
        const name = issue.path.replace(/^properties\./, '').split('.')[0] ?? '';
        if (type.properties.some((property) => property.apiName === name)) fields[name] ??= issue.message;
      }
      setErrors(fields);
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        New {type.displayName}
      </button>
    );
  }
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label={`Create a ${type.displayName}`}>
      <h2>New {type.displayName}</h2>
      {failure ? <OntologyErrorNotice error={failure} title={`The ${type.displayName} was not created.`} /> : null}
      <PropertyValuesForm idPrefix="new-object" type={type} drafts={drafts} onChange={setDrafts} errors={errors} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : `Create ${type.displayName}`}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}
