import { useState, type FormEvent } from 'react';
import { purposesApi, type Purpose, type PurposeChanges } from '../../api/purposes';
import { SLUG_NAME, splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import type { FilterSpec } from '../../app/url-filters';
import { useLoad } from '../../app/use-load';
import { useUrlFilters } from '../../app/use-url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, FormProblems } from '../../components/Field';
import { ListState, SuccessNotice } from '../../components/ListState';
import { Time } from '../../components/Time';
import { useFormSubmit } from '../../app/use-form-submit';
import { useAction } from '../../app/use-action';
import { TableHead } from '../../components/TableHead';

const FILTERS: FilterSpec<'archived'> = { defaults: { archived: '' }, allowed: { archived: ['', 'include'] } };

/** The purposes requests and agent runs may declare (X-Strata-Purpose); classified data needs one. */
export function PurposesPage() {
  const { me, permissions } = useMe();
  const { filters, setFilters, key } = useUrlFilters(FILTERS);
  const includeArchived = filters.archived === 'include';
  const purposes = useLoad(() => purposesApi.list(includeArchived), key);
  const { error: actionError, setError: setActionError, done, setDone, run } = useAction();
  const [editing, setEditing] = useState<string>();

  function replace(purpose: Purpose) {
    purposes.setData((current) => {
      const list = current ?? [];
      const next = list.some((known) => known.id === purpose.id) ? list.map((known) => (known.id === purpose.id ? purpose : known)) : [...list, purpose];
      return next.filter((item) => includeArchived || !item.archivedAt).sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async function change(purpose: Purpose, changes: PurposeChanges, message: string) {
    await run(async () => {
      replace(await purposesApi.update(purpose.id, changes));
      setEditing(undefined);
      return message;
    });
  }

  const items = purposes.data ?? [];
  return (
    <section>
      <h1>Purposes</h1>
      <p className="lead">
        Why a request or an agent run reads data. Confidential and restricted records are readable only under a declared purpose, and the purpose is
        recorded with every access decision and audit entry. Purposes are archived, never deleted, so old records keep their meaning.
      </p>

      {permissions.can('create', 'Purpose') ? (
        <CreatePurposeForm
          onCreated={(purpose) => {
            replace(purpose);
            setActionError(undefined);
            setDone(`Created purpose ${purpose.name}.`);
          }}
        />
      ) : me ? (
        <p className="muted">Your roles do not allow creating purposes.</p>
      ) : null}

      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}
      {purposes.error ? <ErrorNotice error={purposes.error} /> : null}

      <div className="toolbar" role="group" aria-label="Filters">
        <label className="checkbox">
          <input type="checkbox" checked={includeArchived} onChange={(event) => setFilters({ archived: event.target.checked ? 'include' : '' })} />
          Show archived purposes
        </label>
      </div>

      <ListState
        loading={purposes.loading}
        empty={items.length === 0}
        emptyText={purposes.error ? 'Purposes could not be loaded.' : includeArchived ? 'No purposes yet.' : 'No active purposes.'}
      >
        <table className="table table-wide">
          <caption>Purposes</caption>
          <TableHead columns={['Name', 'Description', 'Justification', 'Status', 'Created']} actions />
          <tbody>
            {items.map((purpose) => {
              const update = permissions.check('update', 'Purpose', { ...purpose });
              const deny = update.allowed ? undefined : (update.reason ?? 'Your roles do not allow changing purposes.');
              return (
                <tr key={purpose.id}>
                  <th scope="row" className="mono">
                    {purpose.name}
                  </th>
                  {editing === purpose.id ? (
                    <td colSpan={2}>
                      <EditPurpose
                        purpose={purpose}
                        onCancel={() => setEditing(undefined)}
                        onSave={(changes) => change(purpose, changes, `Saved ${purpose.name}.`)}
                      />
                    </td>
                  ) : (
                    <>
                      <td>{purpose.description || <span className="muted">none</span>}</td>
                      <td>{purpose.requiresJustification ? 'required' : <span className="muted">not required</span>}</td>
                    </>
                  )}
                  <td>{purpose.archivedAt ? <span className="badge badge-fail">archived</span> : <span className="badge badge-ok">active</span>}</td>
                  <td>
                    <Time value={purpose.createdAt} />
                  </td>
                  <td className="actions">
                    {editing === purpose.id ? null : (
                      <>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!update.allowed}
                          title={deny}
                          aria-label={`Edit ${purpose.name}`}
                          onClick={() => setEditing(purpose.id)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!update.allowed}
                          title={deny}
                          aria-label={`${purpose.archivedAt ? 'Restore' : 'Archive'} ${purpose.name}`}
                          onClick={() =>
                            change(
                              purpose,
                              { archived: !purpose.archivedAt },
                              purpose.archivedAt ? `Restored ${purpose.name}.` : `Archived ${purpose.name}: it can no longer be declared.`,
                            )
                          }
                        >
                          {purpose.archivedAt ? 'Restore' : 'Archive'}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
    </section>
  );
}

function CreatePurposeForm({ onCreated }: { onCreated: (purpose: Purpose) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [requiresJustification, setRequiresJustification] = useState(false);

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!SLUG_NAME.test(name.trim())) found['name'] = 'Use 2–63 lowercase letters, digits and dashes, starting with a letter (e.g. fraud-review).';
    if (description.length > 1000) found['description'] = 'At most 1000 characters.';
    await send(
      found,
      async () => {
        const purpose = await purposesApi.create({ name: name.trim(), description: description.trim(), requiresJustification });
        setName('');
        setDescription('');
        setRequiresJustification(false);
        onCreated(purpose);
      },
      (error) => splitIssues(error, ['name', 'description', 'requiresJustification']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-purpose-title">
      <h2 id="create-purpose-title">Create a purpose</h2>
      <FormProblems problems={problems} />
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="purpose-name" label="Purpose name" error={errors['name']} hint="Declared as X-Strata-Purpose; it cannot be renamed.">
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="purpose-description" label="Description" error={errors['description']}>
          {(props) => <input {...props} value={description} onChange={(event) => setDescription(event.target.value)} />}
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={requiresJustification} onChange={(event) => setRequiresJustification(event.target.checked)} />
        Requires a justification (X-Strata-Justification) when declared
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create purpose'}
        </button>
      </div>
    </form>
  );
}

function EditPurpose({ purpose, onSave, onCancel }: { purpose: Purpose; onSave: (changes: PurposeChanges) => Promise<void>; onCancel: () => void }) {
  const [description, setDescription] = useState(purpose.description);
  const [requiresJustification, setRequiresJustification] = useState(purpose.requiresJustification);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const changes: PurposeChanges = {
          ...(description !== purpose.description ? { description } : {}),
          ...(requiresJustification !== purpose.requiresJustification ? { requiresJustification } : {}),
        };
        if (!Object.keys(changes).length) return onCancel();
        setBusy(true);
        await onSave(changes);
        setBusy(false);
      }}
    >
      <Field id={`purpose-description-${purpose.id}`} label={`Description of ${purpose.name}`}>
        {(props) => <input {...props} value={description} maxLength={1000} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={requiresJustification} onChange={(event) => setRequiresJustification(event.target.checked)} />
        Requires a justification
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          Save
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
