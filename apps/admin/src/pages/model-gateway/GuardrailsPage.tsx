import { useState, type FormEvent } from 'react';
import { GUARDRAIL_ACTIONS, guardrailsApi, type Guardrail, type GuardrailAction, type GuardrailDetector, type GuardrailTestResult } from '../../api/model-gateway-usage';
import { splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { GATEWAY_SUBJECTS } from '../../app/model-gateway-subjects';
import { parseList } from '../../app/model-gateway-forms';
import { asError, useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { GatewayErrorNotice } from './GatewayErrorNotice';
import { useAction } from '../../app/use-action';
import { useFormSubmit } from '../../app/use-form-submit';
import { TableHead } from '../../components/TableHead';
import { ChoiceSelect } from '../../components/ChoiceSelect';

const SUBJECT = GATEWAY_SUBJECTS.guardrail;

/** Guardrail rules (PII, secrets, custom patterns; mask or block) applied to prompts before they leave, and a tester. */
export function GuardrailsPage() {
  const { permissions } = useMe();
  const rules = usePagedList((cursor) => guardrailsApi.list(cursor), 'guardrails');
  const detectors = useLoad(() => guardrailsApi.detectors(), 'guardrail-detectors');
  const action = useAction();
  const canCreate = permissions.can('create', SUBJECT);

  /** A detector is configured by a rule naming it: the first change creates that rule, later ones update it. */
  async function configure(detector: GuardrailDetector, change: { enabled?: boolean; action?: GuardrailAction }): Promise<string> {
    const saved = detector.ruleId
      ? await guardrailsApi.update(detector.ruleId, change)
      : await guardrailsApi.create({ name: `detector-${detector.id}`, detector: detector.id, action: change.action ?? detector.action, enabled: change.enabled ?? detector.enabled });
    rules.upsert(saved);
    detectors.setData((current) => current?.map((item) => (item.id === detector.id ? { ...item, enabled: saved.enabled, action: saved.action, ruleId: saved.id } : item)));
    return `${detector.id}: ${saved.enabled ? saved.action : 'disabled'}.`;
  }

  return (
    <section>
      <h1>Guardrails</h1>
      <p className="lead">
        Rules screen every prompt before it leaves for a provider, and any content before it is stored or traced. A <strong>mask</strong> rule replaces
        what it matches; a <strong>block</strong> rule refuses the call with the code <code>model-gateway.guardrail_blocked</code>.
      </p>
      {action.done ? <SuccessNotice>{action.done}</SuccessNotice> : null}
      {action.error ? <GatewayErrorNotice error={action.error} /> : null}

      <h2>Built-in detectors</h2>
      {detectors.error ? <GatewayErrorNotice error={detectors.error} /> : null}
      <ListState loading={detectors.loading} empty={!detectors.data?.length} emptyText={detectors.error ? 'Detectors could not be loaded.' : 'No built-in detector.'}>
        <table className="table table-wide" data-testid="detectors">
          <caption>Built-in detectors (on and masking unless configured otherwise)</caption>
          <TableHead columns={['Detector', 'Kind', 'Finds', 'Action']} actions />
          <tbody>
            {(detectors.data ?? []).map((detector) => {
              const canChange = detector.ruleId ? permissions.can('update', SUBJECT) : canCreate;
              return (
                <tr key={detector.id}>
                  <th scope="row" className="mono">
                    {detector.id}
                  </th>
                  <td>{detector.kind}</td>
                  <td>{detector.description}</td>
                  <td>
                    {detector.enabled ? (
                      <span className={detector.action === 'block' ? 'badge badge-fail' : 'badge badge-wait'}>{detector.action}</span>
                    ) : (
                      <span className="badge badge-neutral">off</span>
                    )}
                  </td>
                  <td className="actions">
                    {canChange ? (
                      <>
                        {detector.enabled ? (
                          <button
                            type="button"
                            className="button button-small"
                            aria-label={`${detector.action === 'block' ? 'Mask' : 'Block'} ${detector.id}`}
                            onClick={() => action.run(() => configure(detector, { action: detector.action === 'block' ? 'mask' : 'block' }))}
                          >
                            {detector.action === 'block' ? 'Mask instead' : 'Block instead'}
                          </button>
                        ) : null}
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${detector.enabled ? 'Turn off' : 'Turn on'} ${detector.id}`}
                          onClick={() => action.run(() => configure(detector, { enabled: !detector.enabled }))}
                        >
                          {detector.enabled ? 'Turn off' : 'Turn on'}
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>

      <h2>Rules</h2>
      {canCreate ? (
        <CreateGuardrailForm
          onCreated={(rule) => {
            rules.upsert(rule);
            action.setError(undefined);
            action.setDone(`Created guardrail ${rule.name}.`);
          }}
        />
      ) : (
        <p className="muted">Your roles do not allow changing guardrails.</p>
      )}

      {rules.error ? <GatewayErrorNotice error={rules.error} /> : null}
      <ListState loading={rules.loading} empty={rules.items.length === 0} emptyText={rules.error ? 'Guardrails could not be loaded.' : 'No guardrail rule yet.'}>
        <table className="table table-wide" data-testid="guardrails">
          <caption>Guardrail rules</caption>
          <TableHead columns={['Name', 'Kind', 'Detector or pattern', 'Action', 'Status']} actions />
          <tbody>
            {rules.items.map((rule) => {
              const canUpdate = permissions.can('update', SUBJECT, { ...rule });
              return (
                <tr key={rule.id}>
                  <th scope="row">{rule.name}</th>
                  <td>{rule.kind}</td>
                  <td className="mono">
                    {rule.detector ?? `/${rule.pattern ?? ''}/${rule.flags}`}
                    {rule.aliases.length ? <div className="muted">only for {rule.aliases.join(', ')}</div> : null}
                  </td>
                  <td>
                    <span className={rule.action === 'block' ? 'badge badge-fail' : 'badge badge-wait'}>{rule.action}</span>
                  </td>
                  <td>{rule.enabled ? <span className="badge badge-ok">enabled</span> : <span className="badge badge-neutral">disabled</span>}</td>
                  <td className="actions">
                    {canUpdate ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() =>
                          action.run(async () => {
                            const saved = await guardrailsApi.update(rule.id, { enabled: !rule.enabled });
                            rules.upsert(saved);
                            detectors.reload();
                            return `${saved.enabled ? 'Enabled' : 'Disabled'} ${rule.name}.`;
                          })
                        }
                      >
                        {rule.enabled ? 'Disable' : 'Enable'}
                      </button>
                    ) : null}
                    {permissions.can('delete', SUBJECT, { ...rule }) ? (
                      <ConfirmButton
                        label="Delete"
                        confirmLabel="Delete rule"
                        question={`Delete guardrail ${rule.name}?`}
                        onConfirm={() =>
                          action.run(async () => {
                            await guardrailsApi.remove(rule.id);
                            rules.remove(rule.id);
                            detectors.reload();
                            return `Deleted guardrail ${rule.name}.`;
                          })
                        }
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={rules.hasMore} loading={rules.loadingMore} onClick={rules.loadMore} />

      <GuardrailTester />
    </section>
  );
}

function CreateGuardrailForm({ onCreated }: { onCreated: (rule: Guardrail) => void }) {
  const [name, setName] = useState('');
  const [pattern, setPattern] = useState('');
  const [ignoreCase, setIgnoreCase] = useState(false);
  const [ruleAction, setRuleAction] = useState<GuardrailAction>('mask');
  const [aliases, setAliases] = useState('');

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!name.trim()) found['name'] = 'Name the rule (e.g. order-numbers).';
    if (!pattern) found['pattern'] = 'Enter a regular expression.';
    else {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        found['pattern'] = `Not a valid regular expression: ${(error as Error).message}`;
      }
    }
    await send(
      found,
      async () => {
        const rule = await guardrailsApi.create({ name: name.trim(), kind: 'custom', pattern, flags: ignoreCase ? 'i' : '', action: ruleAction, aliases: parseList(aliases) });
        setName('');
        setPattern('');
        setAliases('');
        onCreated(rule);
      },
      (error) => splitIssues(error, ['name', 'pattern', 'flags', 'action', 'aliases']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-guardrail-title">
      <h3 id="create-guardrail-title">Add a custom pattern</h3>
      <FormProblems problems={problems} />
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="guardrail-name" label="Rule name" error={errors['name']}>
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="guardrail-pattern" label="Pattern (regular expression)" error={errors['pattern'] ?? errors['flags']} hint="JavaScript syntax, e.g. ORD-[0-9]{6}.">
          {(props) => <input {...props} className="mono" value={pattern} onChange={(event) => setPattern(event.target.value)} />}
        </Field>
        <Field id="guardrail-action" label="Action" error={errors['action']}>
          {(props) => <ChoiceSelect {...props} choices={GUARDRAIL_ACTIONS} value={ruleAction} onChange={setRuleAction} />}
        </Field>
        <Field id="guardrail-aliases" label="Only for aliases (optional)" error={errors['aliases']} hint="Empty: every call.">
          {(props) => <input {...props} value={aliases} onChange={(event) => setAliases(event.target.value)} />}
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={ignoreCase} onChange={(event) => setIgnoreCase(event.target.checked)} /> Ignore case
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create rule'}
        </button>
      </div>
    </form>
  );
}

/** Runs the tenant's rules on a sample text without calling any model. */
function GuardrailTester() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<GuardrailTestResult>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="panel form"
      aria-labelledby="guardrail-tester-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setFailure(undefined);
        setResult(undefined);
        setBusy(true);
        try {
          setResult(await guardrailsApi.test(text));
        } catch (error) {
          setFailure(asError(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="guardrail-tester-title">Test the rules</h2>
      <p className="muted">The text is screened by the enabled rules as a prompt would be; nothing is sent to a model or stored.</p>
      <Field id="guardrail-test-text" label="Sample text">
        {(props) => <textarea {...props} rows={3} value={text} onChange={(event) => setText(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy || !text}>
          {busy ? 'Testing…' : 'Test'}
        </button>
      </div>
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      {result ? (
        <div data-testid="guardrail-result" role="status">
          {result.blocked ? (
            <p>
              <span className="badge badge-fail">blocked</span> The call would be refused.
            </p>
          ) : (
            <p>
              <span className="badge badge-ok">allowed</span> {result.findings.length ? 'Sent with the matches masked:' : 'No rule matched.'}
            </p>
          )}
          {result.text !== null && result.findings.length ? <pre className="code guardrail-output">{result.text}</pre> : null}
          {result.findings.length ? (
            <ul className="plain-list">
              {result.findings.map((finding, index) => (
                <li key={index}>
                  {finding.rule} ({finding.kind}) → {finding.action}
                  {finding.count ? ` ×${finding.count}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
