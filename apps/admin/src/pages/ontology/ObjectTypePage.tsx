import { useMemo, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { ontologySchemaApi, type ObjectType, type ObjectTypeChanges, type ObjectTypeInput, type SchemaChangeRequest, type SchemaValidationReport } from '../../api/ontology-schema';
import { useMe } from '../../app/me-context';
import {
  propertyProblems,
  schemaIssues,
  toPropertyDefinition,
  toPropertyDraft,
  TYPE_API_NAME,
  TYPE_API_NAME_HINT,
  type PropertyDraft,
} from '../../app/ontology-properties';
import { reportOfRefusal } from '../../app/ontology-schema-report';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { asError, useLoad } from '../../app/use-load';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ontologyIssues } from '../../app/ontology-errors';
import { OntologyErrorNotice as ErrorNotice } from './OntologyErrorNotice';
import { Field, FormProblems } from '../../components/Field';
import { SuccessNotice } from '../../components/ListState';
import { PropertyEditor } from './PropertyEditor';
import { SchemaChangeReport } from './SchemaChangeReport';
import { TableHead } from '../../components/TableHead';

const FORM_FIELDS = ['apiName', 'displayName', 'description', 'primaryKey', 'titleProperty', 'properties'];

/** Create (`/ontology/object-types/new`) or edit an object type: the change is checked (breaking changes explained) before it is applied. */
export function ObjectTypePage() {
  const { apiName = '' } = useParams();
  const creating = apiName === '';
  const loaded = useLoad(() => (creating ? Promise.resolve(undefined) : ontologySchemaApi.objectType(apiName)), apiName);
  const created = (useLocation().state as { created?: boolean } | null)?.created;
  const [applied, setApplied] = useState<string>();
  return (
    <section>
      <p>
        <Link to="/ontology/types">← Ontology manager</Link>
      </p>
      <h1>{creating ? 'New object type' : `Object type ${loaded.data?.displayName ?? apiName}`}</h1>
      {created && loaded.data ? (
        <SuccessNotice>
          Created object type {loaded.data.apiName} (schema version {loaded.data.schemaVersion}). <Link to={`/ontology/objects?type=${encodeURIComponent(loaded.data.apiName)}`}>Explore its objects</Link>
        </SuccessNotice>
      ) : null}
      {applied ? <SuccessNotice>{applied}</SuccessNotice> : null}
      {loaded.error ? (
        <ErrorNotice error={loaded.error} title={loaded.error instanceof ApiError && loaded.error.status === 404 ? `No object type ${apiName}.` : undefined} />
      ) : null}
      {creating ? <ObjectTypeEditor key="new" /> : loaded.data ? (
        <ObjectTypeEditor
          key={`${loaded.data.apiName}-${loaded.data.schemaVersion}`}
          existing={loaded.data}
          onSaved={(updated) => {
            loaded.setData(() => updated);
            setApplied(`Applied: ${updated.displayName} is now at schema version ${updated.schemaVersion}.`);
          }}
        />
      ) : null}
    </section>
  );
}

function ObjectTypeEditor({ existing, onSaved }: { existing?: ObjectType; onSaved?: (updated: ObjectType) => void }) {
  const navigate = useNavigate();
  const { permissions } = useMe();
  const [apiName, setApiName] = useState(existing?.apiName ?? '');
  const [displayName, setDisplayName] = useState(existing?.displayName ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [primaryKey, setPrimaryKey] = useState(existing?.primaryKey ?? '');
  const [titleProperty, setTitleProperty] = useState(existing?.titleProperty ?? '');
  const [drafts, setDrafts] = useState<PropertyDraft[]>(() => (existing ? existing.properties.map(toPropertyDraft) : []));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [report, setReport] = useState<{ for: string; report: SchemaValidationReport }>();
  const [busy, setBusy] = useState<'check' | 'apply'>();

  const canChange = existing
    ? permissions.check('update', ONTOLOGY_SUBJECTS.objectType, { ...existing })
    : permissions.check('create', ONTOLOGY_SUBJECTS.objectType);
  const canDelete = existing ? permissions.can('delete', ONTOLOGY_SUBJECTS.objectType, { ...existing }) : false;
  const propertyNames = drafts.map((draft) => draft.apiName.trim()).filter(Boolean);

  const change = useMemo<SchemaChangeRequest>(() => {
    const properties = drafts.map(toPropertyDefinition);
    if (!existing) {
      const input: ObjectTypeInput = {
        apiName: apiName.trim(),
        displayName: displayName.trim() || apiName.trim(),
        description: description.trim(),
        primaryKey,
        properties,
        ...(titleProperty ? { titleProperty } : {}),
      };
      return { kind: 'create_object_type', objectType: input };
    }
    const update: ObjectTypeChanges = {
      ...(displayName.trim() !== existing.displayName ? { displayName: displayName.trim() } : {}),
      ...(description.trim() !== existing.description ? { description: description.trim() } : {}),
      ...(titleProperty && titleProperty !== existing.titleProperty ? { titleProperty } : {}),
      ...(JSON.stringify(properties) !== JSON.stringify(existing.properties.map((property) => toPropertyDefinition(toPropertyDraft(property)))) ? { properties } : {}),
    };
    return { kind: 'update_object_type', apiName: existing.apiName, update };
  }, [apiName, displayName, description, primaryKey, titleProperty, drafts, existing]);
  const changeKey = JSON.stringify(change);
  const checked = report?.for === changeKey ? report.report : undefined;
  const nothingToDo = change.kind === 'update_object_type' && Object.keys(change.update).length === 0;

  function clientProblems(): Record<string, string> {
    const found: Record<string, string> = { ...propertyProblems(drafts) };
    if (!existing && !TYPE_API_NAME.test(apiName.trim())) found['apiName'] = TYPE_API_NAME_HINT;
    if (!drafts.length) found['properties'] = 'An object type has at least one property.';
    if (!existing && !primaryKey) found['primaryKey'] = 'Choose the property that identifies an object (its primary key).';
    else if (!existing && !propertyNames.includes(primaryKey)) found['primaryKey'] = `No property ${primaryKey} in the list.`;
    if (titleProperty && !propertyNames.includes(titleProperty)) found['titleProperty'] = `No property ${titleProperty} in the list.`;
    return found;
  }

  function showFailure(error: unknown) {
    const split = error instanceof ApiError ? schemaIssues(ontologyIssues(error), FORM_FIELDS) : { fields: {}, other: [] };
    setErrors(split.fields);
    setProblems(split.other);
    // A refused change answers with the report in its details.
    const refused = reportOfRefusal(error);
    if (refused) setReport({ for: changeKey, report: refused });
    setFailure(asError(error));
  }

  async function check(event?: FormEvent) {
    event?.preventDefault();
    setFailure(undefined);
    setProblems([]);
    const found = clientProblems();
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy('check');
    try {
      setReport({ for: changeKey, report: await ontologySchemaApi.validate([change]) });
    } catch (error) {
      showFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  async function apply() {
    if (!checked?.valid) return;
    setBusy('apply');
    setFailure(undefined);
    try {
      if (change.kind === 'create_object_type') {
        const created = await ontologySchemaApi.createObjectType(change.objectType);
        navigate(`/ontology/object-types/${encodeURIComponent(created.apiName)}`, { state: { created: true } });
      } else if (change.kind === 'update_object_type') {
        onSaved?.(await ontologySchemaApi.updateObjectType(change.apiName, change.update));
      }
    } catch (error) {
      showFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  if (!canChange.allowed) {
    return existing ? <ObjectTypeFacts type={existing} note={canChange.reason ?? 'Your roles do not allow changing object types.'} /> : <p className="muted">Your roles do not allow creating object types.</p>;
  }

  return (
    <form className="panel form" onSubmit={check} noValidate aria-label={existing ? `Edit object type ${existing.apiName}` : 'Create an object type'}>
      <FormProblems problems={problems} />
      {failure && !problems.length && !Object.keys(errors).length ? <ErrorNotice error={failure} title={failureTitle(failure)} /> : null}
      <div className="form-row">
        <Field id="type-api-name" label="Api name" error={errors['apiName']} hint={existing ? 'Fixed once created.' : 'Used in the API and by agents, e.g. Customer.'}>
          {(props) => <input {...props} value={apiName} readOnly={Boolean(existing)} onChange={(event) => setApiName(event.target.value)} />}
        </Field>
        <Field id="type-display-name" label="Display name" error={errors['displayName']}>
          {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
        </Field>
      </div>
      <Field id="type-description" label="Description for agents" error={errors['description']} hint="What this kind of thing is and when to use it.">
        {(props) => <textarea {...props} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </Field>

      <h2>Properties</h2>
      {errors['properties'] ? <div className="field-error">{errors['properties']}</div> : null}
      <PropertyEditor idPrefix="property" drafts={drafts} onChange={setDrafts} errors={errors} fixedNames={existing?.properties.map((property) => property.apiName)} />

      <div className="form-row">
        <Field id="type-primary-key" label="Primary key" error={errors['primaryKey']} hint={existing ? 'Fixed once created.' : 'A required, unique property is best.'}>
          {(props) => (
            <select {...props} value={primaryKey} disabled={Boolean(existing)} onChange={(event) => setPrimaryKey(event.target.value)}>
              <option value="">Choose a property</option>
              {propertyNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="type-title-property" label="Title property" error={errors['titleProperty']} hint="Shown as the object's name (defaults to the primary key).">
          {(props) => (
            <select {...props} value={titleProperty} onChange={(event) => setTitleProperty(event.target.value)}>
              <option value="">The primary key</option>
              {propertyNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      {checked ? <SchemaChangeReport report={checked} /> : report ? <p className="muted">The form changed since the last check: check again before applying.</p> : null}

      <div className="form-actions">
        <button type="submit" className="button" disabled={busy !== undefined || nothingToDo}>
          {busy === 'check' ? 'Checking…' : 'Check change'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== undefined || !checked?.valid}
          title={!checked ? 'Check the change first.' : !checked.valid ? 'The check found problems: fix them and check again.' : undefined}
          onClick={apply}
        >
          {busy === 'apply' ? 'Applying…' : existing ? 'Apply change' : 'Create object type'}
        </button>
        {nothingToDo ? <span className="muted">No change yet.</span> : null}
      </div>
      {existing && canDelete ? (
        <div className="form-actions">
          <ConfirmButton
            label="Delete object type"
            confirmLabel="Delete it"
            question={`Delete ${existing.apiName}? The schema history keeps it; a type that still has objects is refused.`}
            onConfirm={async () => {
              try {
                await ontologySchemaApi.deleteObjectType(existing.apiName);
                navigate('/ontology/types');
              } catch (error) {
                setFailure(asError(error));
              }
            }}
          />
        </div>
      ) : null}
    </form>
  );
}

function failureTitle(error: Error): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.status === 409) return `Refused (${error.code}). Check the change again: the schema or its data changed.`;
  if (error.status === 400 || error.status === 422) return `The change is not valid (${error.code}).`;
  return undefined;
}

function ObjectTypeFacts({ type, note }: { type: ObjectType; note: string }) {
  return (
    <>
      <p className="muted">{note}</p>
      <table className="table">
        <caption>Properties of {type.displayName}</caption>
        <TableHead columns={['Api name', 'Type', 'Flags', 'Description']} />
        <tbody>
          {type.properties.map((property) => (
            <tr key={property.apiName}>
              <th scope="row" className="mono">
                {property.apiName}
              </th>
              <td>{property.type}</td>
              <td>{[property.required ? 'required' : '', property.unique ? 'unique' : '', type.primaryKey === property.apiName ? 'primary key' : ''].filter(Boolean).join(', ')}</td>
              <td>{property.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
