import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { agentsApi, type Agent } from '../../api/context-agents';
import { catalogApi } from '../../api/model-gateway';
import { purposesApi } from '../../api/purposes';
import {
  AGENT_NAME,
  AGENT_NAME_HINT,
  fieldsFromSpec,
  parseSpecText,
  placeSpecIssues,
  specText,
  starterSpec,
  withField,
  type AgentFormField,
  type PlacedIssue,
} from '../../app/context-agent-form';
import { CONTEXT_SUBJECTS } from '../../app/context-subjects';
import { useMe } from '../../app/me-context';
import { asError, useLoad } from '../../app/use-load';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { SuccessNotice } from '../../components/ListState';
import { Time } from '../../components/Time';

/** Creates an agent (`/agents/new`) or edits one (`/agents/:id`): the main fields in a form, the whole spec as JSON, errors at their paths. */
export function AgentEditorPage() {
  const { id } = useParams();
  const agent = useLoad(() => (id ? agentsApi.get(id) : Promise.resolve(undefined)), id ?? 'new');
  const [saved, setSaved] = useState<string>();
  const back = (
    <p>
      <Link to="/agents">← Agents</Link>
    </p>
  );
  if (id && !agent.data) {
    return (
      <section>
        {back}
        <h1>Agent</h1>
        {agent.error ? (
          <ErrorNotice error={agent.error} title={agent.error instanceof ApiError && agent.error.status === 404 ? 'No such agent.' : undefined} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }
  return (
    <section>
      {back}
      <AgentEditor
        key={agent.data ? `${agent.data.id}@${agent.data.version}` : 'new'}
        agent={agent.data}
        savedNotice={saved}
        onSaved={(updated) => {
          agent.setData(() => updated);
          setSaved(`Saved version ${updated.version} of ${updated.name}.`);
        }}
      />
    </section>
  );
}

function AgentEditor({ agent, savedNotice, onSaved }: { agent: Agent | undefined; savedNotice?: string; onSaved: (agent: Agent) => void }) {
  const navigate = useNavigate();
  const { permissions } = useMe();
  const choices = useLoad(async () => {
    const [catalog, purposes] = await Promise.all([catalogApi.list().catch(() => ({ items: [] })), purposesApi.list(false).catch(() => [])]);
    return {
      chat: catalog.items.filter((item) => item.operation === 'chat').map((item) => item.id),
      purposes: purposes.map((purpose) => purpose.name),
    };
  }, 'agent-choices');
  const [name, setName] = useState(agent?.name ?? '');
  const [description, setDescription] = useState(agent?.description ?? '');
  const [text, setText] = useState(() => specText(agent?.spec ?? starterSpec()));
  const [nameError, setNameError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<AgentFormField, string>>>({});
  const [specIssues, setSpecIssues] = useState<PlacedIssue[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [notice, setNotice] = useState<string | undefined>(savedNotice);
  const [busy, setBusy] = useState<'check' | 'save'>();
  const parsed = useMemo(() => parseSpecText(text), [text]);
  const fields = parsed.ok ? fieldsFromSpec(parsed.value) : undefined;
  const record = agent ? { id: agent.id, name: agent.name, createdByType: agent.createdBy.type, createdById: agent.createdBy.id } : undefined;
  const canSave = agent ? permissions.can('update', CONTEXT_SUBJECTS.agent, record) : permissions.can('create', CONTEXT_SUBJECTS.agent);

  // A new agent starts on the tenant's first chat model and purpose, when the starter spec still has none.
  useEffect(() => {
    if (agent || !choices.data) return;
    setText((current) => {
      const now = parseSpecText(current);
      if (!now.ok) return current;
      let next = now.value;
      if (!fieldsFromSpec(next).modelAlias && choices.data?.chat[0]) next = withField(next, 'modelAlias', choices.data.chat[0]);
      if (!fieldsFromSpec(next).defaultPurpose && choices.data?.purposes[0]) next = withField(next, 'defaultPurpose', choices.data.purposes[0]);
      return next === now.value ? current : specText(next);
    });
  }, [agent, choices.data]);

  function setField(field: AgentFormField, value: string) {
    if (!parsed.ok) return;
    setText(specText(withField(parsed.value, field, value)));
  }

  function showFailure(error: unknown) {
    const issues = error instanceof ApiError ? error.issues : [];
    if (error instanceof ApiError && error.code === 'context.invalid_agent') {
      setNameError(issues.find((issue) => issue.path === 'name')?.message);
      setSpecIssues(issues.filter((issue) => issue.path !== 'name'));
    } else if (issues.length) {
      const placed = placeSpecIssues(issues, text);
      setFieldErrors(placed.fields);
      setSpecIssues(placed.spec);
    }
    setFailure(asError(error));
  }

  function reset() {
    setNameError(undefined);
    setFieldErrors({});
    setSpecIssues([]);
    setFailure(undefined);
    setNotice(undefined);
  }

  async function check() {
    reset();
    if (!parsed.ok) return;
    setBusy('check');
    try {
      await agentsApi.validate(parsed.value, agent?.id);
      setNotice('The spec is valid: its model, purpose and tools exist in this tenant.');
    } catch (error) {
      showFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    reset();
    if (!AGENT_NAME.test(name.trim())) {
      setNameError(AGENT_NAME_HINT);
      return;
    }
    if (!parsed.ok) return;
    setBusy('save');
    try {
      if (agent) {
        const saved = await agentsApi.update(agent.id, agent.version, { name: name.trim(), description: description.trim(), spec: parsed.value });
        onSaved(saved);
      } else {
        const created = await agentsApi.create({ name: name.trim(), description: description.trim(), spec: parsed.value });
        navigate(`/agents/${created.id}`);
      }
    } catch (error) {
      showFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  const conflict = failure instanceof ApiError && failure.code === 'context.agent_version_conflict';
  return (
    <>
      <h1>{agent ? agent.name : 'New agent'}</h1>
      {agent ? (
        <p className="lead">
          Version {agent.version}, updated <Time value={agent.updatedAt} />. <Link to={`/chat?agent=${agent.id}`}>Chat with it</Link> ·{' '}
          <Link to={`/runs?agentId=${agent.id}`}>Its runs</Link>
        </p>
      ) : (
        <p className="lead">Fill in the main fields, or edit the whole spec as JSON: the two stay in step. The API checks the spec and what it names when you save.</p>
      )}
      {notice ? <SuccessNotice>{notice}</SuccessNotice> : null}
      {failure ? (
        <ErrorNotice
          error={failure}
          title={conflict ? 'Someone saved this agent meanwhile.' : agent ? 'The agent was not saved.' : 'The agent was not created.'}
        />
      ) : null}
      {conflict ? (
        <p>
          <button type="button" className="button button-small" onClick={() => window.location.reload()}>
            Reload the latest version
          </button>{' '}
          <span className="muted">(your edits here are lost; copy the JSON first if you need them)</span>
        </p>
      ) : null}
      <form className="panel form" onSubmit={save} noValidate aria-label={agent ? 'Edit agent' : 'Create an agent'}>
        <div className="form-row">
          <Field id="agent-name" label="Agent name" error={nameError} hint={AGENT_NAME_HINT}>
            {(props) => <input {...props} value={name} disabled={!canSave} onChange={(event) => setName(event.target.value)} />}
          </Field>
          <Field id="agent-description" label="Description">
            {(props) => <input {...props} value={description} disabled={!canSave} onChange={(event) => setDescription(event.target.value)} />}
          </Field>
        </div>
        {fields ? (
          <>
            <Field id="agent-instructions" label="Instructions" error={fieldErrors.instructions}>
              {(props) => <textarea {...props} rows={4} value={fields.instructions} disabled={!canSave} onChange={(event) => setField('instructions', event.target.value)} />}
            </Field>
            <div className="form-row">
              <Field id="agent-model" label="Model alias" error={fieldErrors.modelAlias} hint="A chat alias or model of the gateway catalog.">
                {(props) => (
                  <>
                    <input {...props} list="agent-model-choices" value={fields.modelAlias} disabled={!canSave} onChange={(event) => setField('modelAlias', event.target.value)} />
                    <datalist id="agent-model-choices">
                      {choices.data?.chat.map((choice) => (
                        <option key={choice} value={choice} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field id="agent-purpose" label="Default purpose" error={fieldErrors.defaultPurpose} hint="Runs act under it unless the session names another.">
                {(props) => (
                  <>
                    <input {...props} list="agent-purpose-choices" value={fields.defaultPurpose} disabled={!canSave} onChange={(event) => setField('defaultPurpose', event.target.value)} />
                    <datalist id="agent-purpose-choices">
                      {choices.data?.purposes.map((choice) => (
                        <option key={choice} value={choice} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field id="agent-max-steps" label="Max steps" error={fieldErrors.maxSteps} hint="Model calls per run (1–200; 25 when empty).">
                {(props) => <input {...props} inputMode="numeric" value={fields.maxSteps} disabled={!canSave} onChange={(event) => setField('maxSteps', event.target.value)} />}
              </Field>
              <Field id="agent-busy-policy" label="When busy" error={fieldErrors.busyPolicy} hint="A message sent while a run is active.">
                {(props) => (
                  <select {...props} value={fields.busyPolicy} disabled={!canSave} onChange={(event) => setField('busyPolicy', event.target.value)}>
                    <option value="queue">queue it</option>
                    <option value="interrupt">interrupt the run</option>
                  </select>
                )}
              </Field>
            </div>
          </>
        ) : (
          <p className="notice notice-warn">Fix the JSON below to edit the fields here again.</p>
        )}
        <Field
          id="agent-spec"
          label="Spec (JSON)"
          error={parsed.ok ? undefined : parsed.problem}
          hint={
            <>
              Tools: <code>{'{"kind": "builtin", "tool": "ontology.query"}'}</code>, <code>{'{"kind": "ontology_action", "actionType": "refundOrder"}'}</code>,{' '}
              <code>{'{"kind": "vector_search", "collection": "docs"}'}</code>, <code>{'{"kind": "http", "allowedHosts": ["api.example.com"]}'}</code>. Add{' '}
              <code>{'"approval": {"required": true}'}</code> to a tool to ask an approver first.
            </>
          }
        >
          {(props) => <textarea {...props} className="code-editor" rows={22} spellCheck={false} value={text} disabled={!canSave} onChange={(event) => setText(event.target.value)} />}
        </Field>
        {specIssues.length ? (
          <ul className="plain-list field-error" aria-label="Problems in the spec" data-testid="spec-issues">
            {specIssues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                <code>{issue.path}</code>
                {'line' in issue && issue.line ? <span className="muted"> (line {issue.line})</span> : null}: {issue.message}
              </li>
            ))}
          </ul>
        ) : null}
        {canSave ? (
          <div className="form-actions">
            <button type="button" className="button" disabled={busy !== undefined || !parsed.ok} onClick={check}>
              {busy === 'check' ? 'Checking…' : 'Check spec'}
            </button>
            <button type="submit" className="button button-primary" disabled={busy !== undefined || !parsed.ok}>
              {busy === 'save' ? 'Saving…' : agent ? `Save version ${agent.version + 1}` : 'Create agent'}
            </button>
          </div>
        ) : (
          <p className="muted">Your roles allow reading this agent, not changing it.</p>
        )}
      </form>
      <SpecSchema />
      {agent ? <AgentFooter agent={agent} /> : null}
    </>
  );
}

function AgentFooter({ agent }: { agent: Agent }) {
  const navigate = useNavigate();
  const { permissions } = useMe();
  const [failure, setFailure] = useState<Error>();
  const versions = useLoad(() => agentsApi.versions(agent.id), `${agent.id}@${agent.version}`);
  const record = { id: agent.id, name: agent.name, createdByType: agent.createdBy.type, createdById: agent.createdBy.id };
  return (
    <>
      <details>
        <summary>Versions</summary>
        {versions.error ? <ErrorNotice error={versions.error} /> : null}
        <ul className="timeline">
          {(versions.data ?? []).map((version) => (
            <li key={version.version}>
              Version {version.version} — {version.change} by <span className="mono">{version.changedBy.id}</span>, <Time value={version.createdAt} />
            </li>
          ))}
        </ul>
      </details>
      {failure ? <ErrorNotice error={failure} title="The agent was not deleted." /> : null}
      {permissions.can('delete', CONTEXT_SUBJECTS.agent, record) ? (
        <ConfirmButton
          label="Delete agent"
          confirmLabel="Delete it"
          question={`Delete ${agent.name}? Its runs and versions stay readable; deleting is refused while a run is active.`}
          onConfirm={async () => {
            try {
              await agentsApi.remove(agent.id);
              navigate('/agents');
            } catch (error) {
              setFailure(asError(error));
            }
          }}
        />
      ) : null}
    </>
  );
}

/** The spec's JSON Schema as the API serves it (generated from the schema the API validates with), loaded when opened. */
function SpecSchema() {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Spec JSON Schema (every field, its bounds and defaults)</summary>
      {open ? <SpecSchemaBody /> : null}
    </details>
  );
}

function SpecSchemaBody() {
  const schema = useLoad(agentsApi.specSchema, 'agent-spec-schema');
  if (schema.error) return <ErrorNotice error={schema.error} />;
  return schema.data ? (
    <pre className="code" data-testid="spec-schema">
      {JSON.stringify(schema.data, null, 2)}
    </pre>
  ) : (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}
