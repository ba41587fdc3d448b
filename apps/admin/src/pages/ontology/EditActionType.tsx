import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-client';
import { ontologyActionsApi, type ActionType } from '../../api/ontology-actions';
import { parseActionDefinition } from '../../app/ontology-action-definition';
import { ontologyIssues } from '../../app/ontology-errors';
import { asError } from '../../app/use-load';
import { Field } from '../../components/Field';
import { OntologyErrorNotice } from './OntologyErrorNotice';

/** Edits an action type as a new version; the version it was read at guards against a concurrent edit (409). */
export function EditActionType({ actionType, onSaved, onCancel }: { actionType: ActionType; onSaved: (updated: ActionType) => void; onCancel: () => void }) {
  const [displayName, setDisplayName] = useState(actionType.displayName);
  const [description, setDescription] = useState(actionType.description);
  const [definition, setDefinition] = useState(() =>
    JSON.stringify({ parameters: actionType.parameters, criteria: actionType.criteria, effects: actionType.effects, approval: actionType.approval }, null, 2),
  );
  const [problem, setProblem] = useState<string>();
  const [issues, setIssues] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseActionDefinition(definition);
    setProblem(parsed.ok ? undefined : parsed.problem);
    setIssues([]);
    setFailure(undefined);
    if (!parsed.ok) return;
    setBusy(true);
    try {
      onSaved(await ontologyActionsApi.update(actionType.id, { expectedVersion: actionType.version, displayName: displayName.trim(), description: description.trim(), ...parsed.value }));
    } catch (error) {
      setIssues(ontologyIssues(error).map((issue) => `${issue.path || '(definition)'}: ${issue.message}`));
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  const conflict = failure instanceof ApiError && failure.status === 409;
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label={`Edit ${actionType.displayName}`}>
      <h2>Edit (version {actionType.version})</h2>
      {failure ? (
        <OntologyErrorNotice error={failure} title={conflict ? 'Someone else saved a newer version meanwhile: reload the page and redo your edit.' : 'Not saved.'} />
      ) : null}
      {issues.length ? (
        <ul className="plain-list field-error" aria-label="Problems in the definition">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      <Field id="edit-action-display-name" label="Display name">
        {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
      </Field>
      <Field id="edit-action-description" label="Description for agents">
        {(props) => <textarea {...props} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <Field id="edit-action-definition" label="Parameters, criteria, effects and approval (JSON)" error={problem}>
        {(props) => <textarea {...props} className="code-editor" rows={16} spellCheck={false} value={definition} onChange={(event) => setDefinition(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save new version'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
