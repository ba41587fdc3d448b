import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { ontologyObjectsApi, type ObjectHistoryEntry, type OntologyObject } from '../../api/ontology-objects';
import { ontologySchemaApi, type LinkType, type ObjectType } from '../../api/ontology-schema';
import { useMe } from '../../app/me-context';
import { ontologyIssues } from '../../app/ontology-errors';
import { objectTitle } from '../../app/ontology-explorer';
import { neighbourhoodGraph, secondHopIds } from '../../app/ontology-neighbourhood';
import { parseValueDrafts, valueDrafts, type ValueDrafts } from '../../app/ontology-object-form';
import { displayValue } from '../../app/ontology-properties';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { asError, useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { NeighbourhoodGraph } from './NeighbourhoodGraph';
import { ObjectPicker } from './ObjectPicker';
import { OntologyErrorNotice } from './OntologyErrorNotice';
import { PropertyValuesForm } from './PropertyValuesForm';
import { TableHead } from '../../components/TableHead';

/** One object: its properties (editable, with optimistic concurrency), links, neighbourhood graph and full history. */
export function ObjectPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { permissions } = useMe();
  const object = useLoad(() => ontologyObjectsApi.get(id), id);
  const types = useLoad(ontologySchemaApi.objectTypes, 'object-types');
  const linkTypes = useLoad(ontologySchemaApi.linkTypes, 'link-types');
  const [hops, setHops] = useState<1 | 2>(1);
  const neighbourhood = useLoad(() => ontologyObjectsApi.neighbourhood(id), id);
  // Two hops: the one-hop answers of the (first 25) neighbours.
  const further = useLoad(
    () => (hops === 2 && neighbourhood.data ? Promise.all(secondHopIds(neighbourhood.data).map((other) => ontologyObjectsApi.neighbourhood(other))) : Promise.resolve([])),
    `${id}|${hops}|${neighbourhood.data ? neighbourhood.data.links.length : -1}`,
  );
  const history = usePagedList<ObjectHistoryEntry>((cursor) => ontologyObjectsApi.history(id, cursor), `${id}|${object.data?.version ?? 0}`);
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<Error>();

  const data = object.data;
  const type = types.data?.find((candidate) => candidate.apiName === data?.typeApiName);
  const listSearch = (location.state as { list?: string } | null)?.list ?? (data ? `?type=${encodeURIComponent(data.typeApiName)}` : '');
  const back = (
    <p>
      <Link to={`/ontology/objects${listSearch}`}>← Object explorer</Link>
    </p>
  );
  if (!data) {
    return (
      <section>
        {back}
        <h1>Object</h1>
        {object.error ? (
          <OntologyErrorNotice error={object.error} title={object.error instanceof ApiError && object.error.status === 404 ? 'No such object (or it was deleted).' : undefined} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }

  const title = objectTitle(data, type);
  const update = permissions.check('update', ONTOLOGY_SUBJECTS.object, { ...data });
  const canDelete = permissions.can('delete', ONTOLOGY_SUBJECTS.object, { ...data });
  const direct = neighbourhood.data?.links ?? [];
  const linkLabels = new Map((linkTypes.data ?? []).map((linkType) => [linkType.apiName, linkType.displayName]));
  const graph = neighbourhood.data ? neighbourhoodGraph(neighbourhood.data, hops === 2 ? (further.data ?? []) : [], linkLabels) : undefined;
  const relevantLinkTypes = (linkTypes.data ?? []).filter((linkType) => linkType.fromTypeApiName === data.typeApiName || linkType.toTypeApiName === data.typeApiName);

  return (
    <section>
      {back}
      <h1>
        {title} <span className="badge badge-neutral">{type?.displayName ?? data.typeApiName}</span>
      </h1>
      <p className="muted">
        <span className="mono">{data.id}</span> · version {data.version} · updated <Time value={data.updatedAt} />
      </p>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <OntologyErrorNotice error={actionError} /> : null}

      <div className="two-columns">
        <div>
          <h2>Properties</h2>
          {type ? (
            <ObjectProperties
              key={`${data.id}-${data.version}`}
              object={data}
              type={type}
              editable={update.allowed}
              denyReason={update.allowed ? undefined : (update.reason ?? 'Your roles do not allow changing objects.')}
              onSaved={(next) => {
                object.setData(() => next);
                setDone(`Saved: ${objectTitle(next, type)} is now at version ${next.version}.`);
                history.reload();
              }}
              onReload={() => {
                setDone(undefined);
                object.reload();
              }}
            />
          ) : null}
          {canDelete ? (
            <ConfirmButton
              label="Delete object"
              confirmLabel="Delete it"
              question={`Delete ${title}? It is soft-deleted: its history stays.`}
              onConfirm={async () => {
                try {
                  await ontologyObjectsApi.delete(data.id);
                  navigate(`/ontology/objects${listSearch}`);
                } catch (error) {
                  setActionError(asError(error));
                }
              }}
            />
          ) : null}

          <h2>Links</h2>
          {neighbourhood.error ? <OntologyErrorNotice error={neighbourhood.error} /> : null}
          <ListState loading={neighbourhood.loading} empty={direct.length === 0} emptyText="No links.">
            <table className="table" data-testid="object-links">
              <caption>Links of {title}</caption>
              <TableHead columns={['Link type', 'Object']} actions />
              <tbody>
                {direct.map((link) => {
                  const outgoing = link.direction === 'outgoing';
                  const otherId = outgoing ? link.toObjectId : link.fromObjectId;
                  return (
                    <tr key={link.id}>
                      <td>
                        {linkLabels.get(link.linkTypeApiName) ?? link.linkTypeApiName} <span className="muted">{outgoing ? '→' : '←'}</span>
                      </td>
                      <th scope="row">
                        {link.other ? (
                          <>
                            <Link to={`/ontology/objects/${otherId}`}>{link.other.title}</Link> <span className="muted">{link.other.typeApiName}</span>
                          </>
                        ) : (
                          <span className="muted">an object you may not read</span>
                        )}
                      </th>
                      <td className="actions">
                        {permissions.can('delete', ONTOLOGY_SUBJECTS.link) ? (
                          <ConfirmButton
                            label="Unlink"
                            confirmLabel="Remove link"
                            question="Remove this link?"
                            onConfirm={async () => {
                              try {
                                await ontologyObjectsApi.deleteLink(link.id);
                                neighbourhood.reload();
                                setDone('Link removed.');
                              } catch (error) {
                                setActionError(asError(error));
                              }
                            }}
                          />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ListState>
          {permissions.can('create', ONTOLOGY_SUBJECTS.link) && relevantLinkTypes.length ? (
            <AddLinkForm
              object={data}
              linkTypes={relevantLinkTypes}
              onLinked={() => {
                neighbourhood.reload();
                setDone('Linked.');
              }}
            />
          ) : null}
        </div>

        <div>
          <div className="panel-head">
            <h2>Graph</h2>
            <div className="ontology-hops" role="group" aria-label="Hops">
              {([1, 2] as const).map((value) => (
                <button key={value} type="button" className="button button-small" aria-pressed={hops === value} onClick={() => setHops(value)}>
                  {value} hop{value === 1 ? '' : 's'}
                </button>
              ))}
            </div>
          </div>
          {further.error ? <OntologyErrorNotice error={further.error} title="The second hop could not be loaded." /> : null}
          {neighbourhood.data?.truncated ? <p className="muted">This object has more links than the graph shows.</p> : null}
          {graph ? (
            <NeighbourhoodGraph centerId={data.id} hops={hops} nodes={graph.nodes} edges={graph.edges} />
          ) : neighbourhood.loading ? (
            <p className="muted" role="status">
              Loading…
            </p>
          ) : null}
        </div>
      </div>

      <h2>History</h2>
      {history.error ? <OntologyErrorNotice error={history.error} /> : null}
      <ListState loading={history.loading} empty={history.items.length === 0} emptyText="No history.">
        <table className="table table-wide" data-testid="object-history">
          <caption>Every change of {title}, newest first</caption>
          <TableHead columns={['Version', 'Change', 'What', 'Who', 'Through', 'When']} />
          <tbody>
            {history.items.map((entry) => (
              <tr key={entry.id}>
                <th scope="row">{entry.version}</th>
                <td>{entry.changeKind}</td>
                <td>
                  <HistoryChange entry={entry} />
                </td>
                <td>
                  <PrincipalId {...entry.actor} short />
                  {entry.onBehalfOf ? (
                    <>
                      {' '}
                      for <PrincipalId {...entry.onBehalfOf} short />
                    </>
                  ) : null}
                </td>
                <td>
                  {entry.actionId ? (
                    <Link to={`/ontology/actions?action=${entry.actionId}`}>action {entry.actionTypeApiName ?? entry.actionId}</Link>
                  ) : (
                    <span className="muted">direct API call</span>
                  )}
                </td>
                <td>
                  <Time value={entry.occurredAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={history.hasMore} loading={history.loadingMore} onClick={history.loadMore} />
    </section>
  );
}

function HistoryChange({ entry }: { entry: ObjectHistoryEntry }) {
  if (entry.changeKind === 'created') return <span>created with {Object.keys(entry.after ?? {}).length} properties</span>;
  if (entry.changeKind === 'deleted') return <span>deleted</span>;
  return (
    <ul className="plain-list">
      {entry.changedProperties.map((name) => (
        <li key={name}>
          <span className="mono">{name}</span>: {displayValue(entry.before?.[name])} → {displayValue(entry.after?.[name])}
        </li>
      ))}
    </ul>
  );
}

function ObjectProperties({
  object,
  type,
  editable,
  denyReason,
  onSaved,
  onReload,
}: {
  object: OntologyObject;
  type: ObjectType;
  editable: boolean;
  denyReason?: string;
  onSaved: (object: OntologyObject) => void;
  onReload: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<ValueDrafts>(() => valueDrafts(type, object.properties));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const conflict = failure instanceof ApiError && failure.status === 409;

  async function save(event: FormEvent) {
    event.preventDefault();
    const { values, problems } = parseValueDrafts(type, drafts, object.properties);
    setErrors(problems);
    setFailure(undefined);
    if (Object.keys(problems).length) return;
    if (!Object.keys(values).length) {
      setEditing(false);
      return;
    }
    setBusy(true);
    try {
      onSaved(await ontologyObjectsApi.update(object.id, values, object.version));
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

  if (!editing) {
    return (
      <>
        <dl className="facts" data-testid="object-properties">
          {type.properties.map((property) => (
            <div key={property.apiName} className="fact">
              <dt title={property.description || undefined}>{property.displayName || property.apiName}</dt>
              <dd>{displayValue(object.properties[property.apiName])}</dd>
            </div>
          ))}
        </dl>
        <button type="button" className="button" disabled={!editable} title={denyReason} onClick={() => setEditing(true)}>
          Edit properties
        </button>
      </>
    );
  }
  return (
    <form className="panel form" onSubmit={save} noValidate aria-label={`Edit ${objectTitle(object, type)}`}>
      {conflict ? (
        <div className="notice notice-error" role="alert" data-testid="version-conflict">
          <strong>Someone else changed this object while you were editing ({(failure as ApiError).code}).</strong>
          <div>
            You edited version {object.version}; it has changed since. Your edits were not saved. Reload to see the current values, then apply your change again.
          </div>
          <button type="button" className="button button-small" onClick={onReload}>
            Reload the object
          </button>
        </div>
      ) : failure ? (
        <OntologyErrorNotice error={failure} title="Not saved." />
      ) : null}
      <PropertyValuesForm idPrefix="edit-object" type={type} drafts={drafts} onChange={setDrafts} errors={errors} readOnly={[type.primaryKey]} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddLinkForm({ object, linkTypes, onLinked }: { object: OntologyObject; linkTypes: LinkType[]; onLinked: () => void }) {
  const [linkTypeName, setLinkTypeName] = useState(linkTypes[0]?.apiName ?? '');
  const [other, setOther] = useState('');
  const [problem, setProblem] = useState<string>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const linkType = linkTypes.find((candidate) => candidate.apiName === linkTypeName);
  // This object is the "from" end when its type is; otherwise the "to" end.
  const outgoing = linkType?.fromTypeApiName === object.typeApiName;
  const otherType = linkType ? (outgoing ? linkType.toTypeApiName : linkType.fromTypeApiName) : '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    if (!linkType || !other) {
      setProblem(`Choose the ${otherType || 'object'} to link to.`);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      await ontologyObjectsApi.createLink(linkType.apiName, outgoing ? object.id : other, outgoing ? other : object.id);
      setOther('');
      onLinked();
    } catch (error) {
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label="Add a link">
      <h3>Add a link</h3>
      {failure ? <OntologyErrorNotice error={failure} title="Not linked." /> : null}
      <div className="form-row">
        <Field id="add-link-type" label="Link type">
          {(props) => (
            <select
              {...props}
              value={linkTypeName}
              onChange={(event) => {
                setLinkTypeName(event.target.value);
                setOther('');
              }}
            >
              {linkTypes.map((candidate) => (
                <option key={candidate.apiName} value={candidate.apiName}>
                  {candidate.displayName} ({candidate.fromTypeApiName} → {candidate.toTypeApiName})
                </option>
              ))}
            </select>
          )}
        </Field>
        {otherType ? (
          <Field id="add-link-object" label={`Linked ${otherType}`} error={problem}>
            {(props) => <ObjectPicker key={otherType} objectType={otherType} value={other} onChange={setOther} control={props} />}
          </Field>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Linking…' : 'Add link'}
        </button>
      </div>
    </form>
  );
}
