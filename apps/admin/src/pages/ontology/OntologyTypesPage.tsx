import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-client';
import { CARDINALITIES, ontologySchemaApi, type Cardinality, type LinkType, type ObjectType, type SchemaValidationReport } from '../../api/ontology-schema';
import { useMe } from '../../app/me-context';
import { schemaIssues, TYPE_API_NAME, TYPE_API_NAME_HINT } from '../../app/ontology-properties';
import { reportOfRefusal } from '../../app/ontology-schema-report';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { asError, useLoad } from '../../app/use-load';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ontologyIssues } from '../../app/ontology-errors';
import { OntologyErrorNotice as ErrorNotice } from './OntologyErrorNotice';
import { Field, FormProblems } from '../../components/Field';
import { ListState, SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { SchemaChangeReport } from './SchemaChangeReport';
import { useFormSubmit } from '../../app/use-form-submit';
import { TableHead } from '../../components/TableHead';

export const CARDINALITY_LABELS: Record<Cardinality, string> = {
  one_to_one: 'one to one',
  one_to_many: 'one to many',
  many_to_many: 'many to many',
};

/** The ontology manager: object types, link types and the schema's version history. */
export function OntologyTypesPage() {
  const { me, permissions } = useMe();
  const objectTypes = useLoad(ontologySchemaApi.objectTypes, 'object-types');
  const linkTypes = useLoad(ontologySchemaApi.linkTypes, 'link-types');
  const versions = useLoad(ontologySchemaApi.versions, 'versions');
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<Error>();
  const [editing, setEditing] = useState<string>();
  const types = objectTypes.data ?? [];
  const links = linkTypes.data ?? [];

  return (
    <section>
      <h1>Ontology manager</h1>
      <p className="lead">
        The types of things your business deals with, the links between them and the actions that change them. Every schema change is checked before it is
        applied (breaking changes are refused), versioned and audited. Descriptions are written for agents: they read them to understand your data.
      </p>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}

      <div className="panel-head">
        <h2>Object types</h2>
        {permissions.can('create', ONTOLOGY_SUBJECTS.objectType) ? (
          <Link className="button button-primary" to="/ontology/object-types/new">
            New object type
          </Link>
        ) : null}
      </div>
      {objectTypes.error ? <ErrorNotice error={objectTypes.error} /> : null}
      <ListState loading={objectTypes.loading} empty={types.length === 0} emptyText={objectTypes.error ? 'Object types could not be loaded.' : 'No object type yet.'}>
        <table className="table table-wide" data-testid="object-types">
          <caption>Object types</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Api name</th>
              <th scope="col">Primary key</th>
              <th scope="col" className="numeric">
                Properties
              </th>
              <th scope="col">Description</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {types.map((type) => (
              <tr key={type.apiName}>
                <th scope="row">
                  <Link to={`/ontology/object-types/${encodeURIComponent(type.apiName)}`}>{type.displayName}</Link>
                </th>
                <td className="mono">{type.apiName}</td>
                <td className="mono">{type.primaryKey}</td>
                <td className="numeric">{type.properties.length}</td>
                <td>{type.description || <span className="muted">none</span>}</td>
                <td className="actions">
                  <Link className="button button-small" to={`/ontology/objects?type=${encodeURIComponent(type.apiName)}`} aria-label={`Explore ${type.displayName} objects`}>
                    Explore
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>

      <h2>Link types</h2>
      {permissions.can('create', ONTOLOGY_SUBJECTS.linkType) && types.length ? (
        <CreateLinkTypeForm
          objectTypes={types}
          onCreated={(linkType) => {
            linkTypes.setData((current) => [...(current ?? []), linkType]);
            versions.reload();
            setActionError(undefined);
            setDone(`Created link type ${linkType.apiName}.`);
          }}
        />
      ) : me && !permissions.can('create', ONTOLOGY_SUBJECTS.linkType) ? (
        <p className="muted">Your roles do not allow creating link types.</p>
      ) : null}
      {linkTypes.error ? <ErrorNotice error={linkTypes.error} /> : null}
      <ListState loading={linkTypes.loading} empty={links.length === 0} emptyText={linkTypes.error ? 'Link types could not be loaded.' : 'No link type yet.'}>
        <table className="table table-wide" data-testid="link-types">
          <caption>Link types</caption>
          <TableHead columns={['Link type', 'From', 'To', 'Cardinality', 'Description']} actions />
          <tbody>
            {links.map((linkType) => (
              <tr key={linkType.apiName}>
                <th scope="row">
                  {linkType.displayName} <span className="muted mono">{linkType.apiName}</span>
                </th>
                <td className="mono">{linkType.fromTypeApiName}</td>
                <td className="mono">{linkType.toTypeApiName}</td>
                {editing === linkType.apiName ? (
                  <td colSpan={2}>
                    <EditLinkType
                      linkType={linkType}
                      onCancel={() => setEditing(undefined)}
                      onSaved={(updated) => {
                        linkTypes.setData((current) => (current ?? []).map((known) => (known.apiName === updated.apiName ? updated : known)));
                        versions.reload();
                        setEditing(undefined);
                        setDone(`Saved link type ${updated.apiName} (schema version ${updated.schemaVersion}).`);
                      }}
                    />
                  </td>
                ) : (
                  <>
                    <td>{CARDINALITY_LABELS[linkType.cardinality] ?? linkType.cardinality}</td>
                    <td>{linkType.description || <span className="muted">none</span>}</td>
                  </>
                )}
                <td className="actions">
                  {editing !== linkType.apiName && permissions.can('update', ONTOLOGY_SUBJECTS.linkType, { ...linkType }) ? (
                    <button type="button" className="button button-small" aria-label={`Edit ${linkType.apiName}`} onClick={() => setEditing(linkType.apiName)}>
                      Edit
                    </button>
                  ) : null}
                  {permissions.can('delete', ONTOLOGY_SUBJECTS.linkType, { ...linkType }) ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Delete link type"
                      question={`Delete ${linkType.apiName}? A link type that still has links is refused.`}
                      onConfirm={async () => {
                        try {
                          await ontologySchemaApi.deleteLinkType(linkType.apiName);
                          linkTypes.setData((current) => (current ?? []).filter((known) => known.apiName !== linkType.apiName));
                          versions.reload();
                          setDone(`Deleted link type ${linkType.apiName}.`);
                        } catch (error) {
                          setActionError(asError(error));
                        }
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>

      <h2>Schema versions</h2>
      {versions.error ? <ErrorNotice error={versions.error} /> : null}
      <ListState loading={versions.loading} empty={(versions.data ?? []).length === 0} emptyText={versions.error ? 'Versions could not be loaded.' : 'No schema change yet.'}>
        <table className="table table-wide" data-testid="schema-versions">
          <caption>Applied schema versions, newest first</caption>
          <TableHead columns={['Version', 'Summary', 'Changes', 'By', 'When']} />
          <tbody>
            {[...(versions.data ?? [])]
              .sort((a, b) => b.version - a.version)
              .map((version) => (
                <tr key={version.version}>
                  <th scope="row">{version.version}</th>
                  <td>{version.summary}</td>
                  <td>
                    <ul className="plain-list">
                      {(version.changes?.report ?? []).map((change) => (
                        <li key={change.index}>
                          <span className="mono">
                            {change.kind} {change.target}
                          </span>
                          {change.findings
                            .filter((finding) => finding.severity === 'info')
                            .map((finding) => (
                              <div key={finding.code} className="muted">
                                {finding.message}
                              </div>
                            ))}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <PrincipalId type={version.createdByType} id={version.createdById} />
                  </td>
                  <td>
                    <Time value={version.createdAt} />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </ListState>
    </section>
  );
}

/** Display name, description and cardinality of a link type: checked (a stricter cardinality may break existing links) before it is applied. */
function EditLinkType({ linkType, onSaved, onCancel }: { linkType: LinkType; onSaved: (linkType: LinkType) => void; onCancel: () => void }) {
  const [displayName, setDisplayName] = useState(linkType.displayName);
  const [description, setDescription] = useState(linkType.description);
  const [cardinality, setCardinality] = useState<Cardinality>(linkType.cardinality);
  const [report, setReport] = useState<{ for: string; report: SchemaValidationReport }>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const update = {
    ...(displayName.trim() !== linkType.displayName ? { displayName: displayName.trim() } : {}),
    ...(description.trim() !== linkType.description ? { description: description.trim() } : {}),
    ...(cardinality !== linkType.cardinality ? { cardinality } : {}),
  };
  const key = JSON.stringify(update);
  const checked = report?.for === key ? report.report : undefined;

  async function run(step: 'check' | 'apply') {
    setBusy(true);
    setFailure(undefined);
    try {
      if (step === 'check') setReport({ for: key, report: await ontologySchemaApi.validate([{ kind: 'update_link_type', apiName: linkType.apiName, update }]) });
      else onSaved(await ontologySchemaApi.updateLinkType(linkType.apiName, update));
    } catch (error) {
      const refused = reportOfRefusal(error);
      if (refused) setReport({ for: key, report: refused });
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="inline-form"
      aria-label={`Edit link type ${linkType.apiName}`}
      onSubmit={(event) => {
        event.preventDefault();
        void run('check');
      }}
    >
      {failure ? <ErrorNotice error={failure} /> : null}
      <Field id={`link-${linkType.apiName}-display-name`} label="Display name">
        {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
      </Field>
      <Field id={`link-${linkType.apiName}-description`} label="Description for agents">
        {(props) => <input {...props} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <Field id={`link-${linkType.apiName}-cardinality`} label="Cardinality">
        {(props) => (
          <select {...props} value={cardinality} onChange={(event) => setCardinality(event.target.value as Cardinality)}>
            {CARDINALITIES.map((value) => (
              <option key={value} value={value}>
                {CARDINALITY_LABELS[value]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {checked ? <SchemaChangeReport report={checked} /> : null}
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={busy || key === '{}'}>
          Check change
        </button>
        <button type="button" className="button button-small button-primary" disabled={busy || !checked?.valid} onClick={() => void run('apply')}>
          Apply change
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const LINK_FIELDS = ['apiName', 'displayName', 'description', 'fromTypeApiName', 'toTypeApiName', 'cardinality'];

function CreateLinkTypeForm({ objectTypes, onCreated }: { objectTypes: ObjectType[]; onCreated: (linkType: LinkType) => void }) {
  const [apiName, setApiName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cardinality, setCardinality] = useState<Cardinality>('one_to_many');

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!TYPE_API_NAME.test(apiName.trim())) found['apiName'] = TYPE_API_NAME_HINT;
    if (!from) found['fromTypeApiName'] = 'Choose the object type links start from.';
    if (!to) found['toTypeApiName'] = 'Choose the object type links point to.';
    await send(
      found,
      async () => {
        const created = await ontologySchemaApi.createLinkType({
          apiName: apiName.trim(),
          displayName: displayName.trim() || apiName.trim(),
          description: description.trim(),
          fromTypeApiName: from,
          toTypeApiName: to,
          cardinality,
          properties: [],
        });
        setApiName('');
        setDisplayName('');
        setDescription('');
        onCreated(created);
      },
      (error) => error instanceof ApiError ? schemaIssues(ontologyIssues(error), LINK_FIELDS) : { fields: {}, other: [] },
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-link-type-title">
      <h3 id="create-link-type-title">Create a link type</h3>
      <FormProblems problems={problems} />
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="link-api-name" label="Link type api name" error={errors['apiName']} hint="e.g. placedOrder">
          {(props) => <input {...props} value={apiName} onChange={(event) => setApiName(event.target.value)} />}
        </Field>
        <Field id="link-display-name" label="Link display name" error={errors['displayName']}>
          {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
        </Field>
      </div>
      <div className="form-row">
        <Field id="link-from" label="From type" error={errors['fromTypeApiName']}>
          {(props) => <TypeSelect {...props} types={objectTypes} value={from} onChange={setFrom} />}
        </Field>
        <Field id="link-to" label="To type" error={errors['toTypeApiName']}>
          {(props) => <TypeSelect {...props} types={objectTypes} value={to} onChange={setTo} />}
        </Field>
        <Field id="link-cardinality" label="Cardinality" error={errors['cardinality']}>
          {(props) => (
            <select {...props} value={cardinality} onChange={(event) => setCardinality(event.target.value as Cardinality)}>
              {CARDINALITIES.map((value) => (
                <option key={value} value={value}>
                  {CARDINALITY_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id="link-description" label="Link description for agents" error={errors['description']}>
        {(props) => <input {...props} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create link type'}
        </button>
      </div>
    </form>
  );
}

function TypeSelect({ types, value, onChange, ...props }: { types: ObjectType[]; value: string; onChange: (value: string) => void; id: string }) {
  return (
    <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">Choose a type</option>
      {types.map((type) => (
        <option key={type.apiName} value={type.apiName}>
          {type.displayName}
        </option>
      ))}
    </select>
  );
}
