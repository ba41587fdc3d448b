import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ontologyActionsApi } from '../../api/ontology-actions';
import { useMe } from '../../app/me-context';
import { ontologyIssues } from '../../app/ontology-errors';
import { ACTION_API_NAME, ACTION_API_NAME_HINT, ACTION_DEFINITION_EXAMPLE, parseActionDefinition } from '../../app/ontology-action-definition';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import { asError, useLoad } from '../../app/use-load';
import { Field } from '../../components/Field';
import { ListState } from '../../components/ListState';
import { OntologyErrorNotice } from './OntologyErrorNotice';

/** Action types: the governed ways humans and agents change the ontology. */
export function ActionTypesPage() {
  const { me, permissions } = useMe();
  const types = useLoad(ontologyActionsApi.list, 'action-types');
  const items = types.data ?? [];
  return (
    <section>
      <h1>Action types</h1>
      <p className="lead">
        An action takes typed parameters, checks its submission criteria on the server, and applies its effects in one transaction — after an approval when it
        requires one. Agents see each action as a tool with the JSON Schema of its parameters.
      </p>
      {types.error ? <OntologyErrorNotice error={types.error} /> : null}
      <ListState loading={types.loading} empty={items.length === 0} emptyText={types.error ? 'Action types could not be loaded.' : 'No action type yet.'}>
        <table className="table table-wide" data-testid="action-types">
          <caption>Action types</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Api name</th>
              <th scope="col" className="numeric">
                Parameters
              </th>
              <th scope="col">Effects</th>
              <th scope="col">Approval</th>
              <th scope="col" className="numeric">
                Version
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((type) => (
              <tr key={type.apiName}>
                <th scope="row">
                  <Link to={`/ontology/action-types/${type.id}`}>{type.displayName}</Link>
                  {type.description ? <div className="muted">{type.description}</div> : null}
                </th>
                <td className="mono">{type.apiName}</td>
                <td className="numeric">{type.parameters.length}</td>
                <td>{type.effects.map((effect) => effect.kind).join(', ')}</td>
                <td>{type.approval ? `required (${type.approval.approverRoles.join(', ') || 'named users'})` : <span className="muted">none</span>}</td>
                <td className="numeric">{type.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      {permissions.can('create', ONTOLOGY_SUBJECTS.actionType) ? <CreateActionTypeForm /> : me ? <p className="muted">Your roles do not allow creating action types.</p> : null}
    </section>
  );
}

function CreateActionTypeForm() {
  const navigate = useNavigate();
  const [apiName, setApiName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [definition, setDefinition] = useState(ACTION_DEFINITION_EXAMPLE);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!ACTION_API_NAME.test(apiName.trim())) found['apiName'] = ACTION_API_NAME_HINT;
    if (!displayName.trim()) found['displayName'] = 'Give the action a display name.';
    const parsed = parseActionDefinition(definition);
    if (!parsed.ok) found['definition'] = parsed.problem;
    setErrors(found);
    setIssues([]);
    setFailure(undefined);
    if (Object.keys(found).length || !parsed.ok) return;
    setBusy(true);
    try {
      const created = await ontologyActionsApi.create({ apiName: apiName.trim(), displayName: displayName.trim(), description: description.trim(), ...parsed.value });
      navigate(`/ontology/action-types/${created.id}`);
    } catch (error) {
      const fields: Record<string, string> = {};
      const rest: string[] = [];
      for (const issue of ontologyIssues(error)) {
        const head = issue.path.split('.')[0] ?? '';
        if (head === 'apiName' || head === 'displayName' || head === 'description') fields[head] ??= issue.message;
        else rest.push(`${issue.path || '(definition)'}: ${issue.message}`);
      }
      setErrors(fields);
      setIssues(rest);
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-action-type-title">
      <h2 id="create-action-type-title">Create an action type</h2>
      {failure ? <OntologyErrorNotice error={failure} title="The action type was not created." /> : null}
      {issues.length ? (
        <ul className="plain-list field-error" aria-label="Problems in the definition" data-testid="definition-issues">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      <div className="form-row">
        <Field id="action-api-name" label="Action api name" error={errors['apiName']} hint="e.g. refundOrder">
          {(props) => <input {...props} value={apiName} onChange={(event) => setApiName(event.target.value)} />}
        </Field>
        <Field id="action-display-name" label="Action display name" error={errors['displayName']}>
          {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
        </Field>
      </div>
      <Field id="action-description" label="Action description for agents" error={errors['description']} hint="When to use this action and what it does.">
        {(props) => <textarea {...props} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <Field
        id="action-definition"
        label="Parameters, criteria, effects and approval (JSON)"
        error={errors['definition']}
        hint={
          <>
            Effects: createObject, modifyObject, deleteObject, createLink, deleteLink, webhook, emitEvent. Values may use <code>{'{{params.x}}'}</code>,{' '}
            <code>{'{{objects.x.property}}'}</code>, <code>{'{{created.alias.id}}'}</code>, <code>{'{{actor.id}}'}</code>, <code>{'{{now}}'}</code>.
          </>
        }
      >
        {(props) => <textarea {...props} className="code-editor" rows={18} spellCheck={false} value={definition} onChange={(event) => setDefinition(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create action type'}
        </button>
      </div>
    </form>
  );
}
