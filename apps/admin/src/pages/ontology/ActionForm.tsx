import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ontologyActionsApi, type ActionType, type ActionValidation, type ApplyOutcome, type ParameterDefinition } from '../../api/ontology-actions';
import {
  describeActual,
  errorsByParameter,
  flattenCriteria,
  parameterControl,
  parameterHint,
  parameterLabel,
  parseParameters,
  reportOfFailure,
  type ParameterDrafts,
} from '../../app/ontology-action-form';
import { asError } from '../../app/use-load';
import { Field, FormProblems, type ControlProps } from '../../components/Field';
import { ActionChanges } from './ActionChanges';
import { ObjectPicker } from './ObjectPicker';
import { OntologyErrorNotice } from './OntologyErrorNotice';
import { TableHead } from '../../components/TableHead';

/**
 * The form of one action type, rendered from its parameter definitions. "Check" asks the server to
 * validate the parameters and evaluate every submission criterion without applying anything;
 * "Apply" submits: the result is the changes made, or the approval the action waits for.
 */
export function ActionForm({ actionType, canApply, denyReason, onApplied }: { actionType: ActionType; canApply: boolean; denyReason?: string; onApplied: (outcome: ApplyOutcome) => void }) {
  const [drafts, setDrafts] = useState<ParameterDrafts>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [report, setReport] = useState<ActionValidation>();
  const [result, setResult] = useState<ApplyOutcome>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState<'check' | 'apply'>();
  const parameters = actionType.parameters;
  const fromServer = report ? errorsByParameter(report.errors, parameters) : { fields: {}, other: [] };
  const fieldErrors = { ...fromServer.fields, ...problems };

  function parsed(): Record<string, unknown> | undefined {
    const { values, problems: found } = parseParameters(parameters, drafts);
    setProblems(found);
    return Object.keys(found).length ? undefined : values;
  }

  async function check(event: FormEvent) {
    event.preventDefault();
    setResult(undefined);
    setFailure(undefined);
    const values = parsed();
    if (!values) return;
    setBusy('check');
    try {
      setReport(await ontologyActionsApi.validate(actionType.id, values));
    } catch (error) {
      const refused = reportOfFailure(error);
      setReport(refused);
      if (!refused) setFailure(asError(error));
    } finally {
      setBusy(undefined);
    }
  }

  async function apply() {
    setResult(undefined);
    setFailure(undefined);
    const values = parsed();
    if (!values) return;
    setBusy('apply');
    try {
      const outcome = await ontologyActionsApi.apply(actionType.id, values);
      setResult(outcome);
      setReport(undefined);
      onApplied(outcome);
    } catch (error) {
      // Refused parameters or criteria come with the report: show it like a check's.
      const refused = reportOfFailure(error);
      if (refused) setReport(refused);
      setFailure(asError(error));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <form className="panel form" onSubmit={check} noValidate aria-label={`Run ${actionType.displayName}`}>
      <h2>Run {actionType.displayName}</h2>
      {actionType.approval ? (
        <p className="notice notice-warn">
          Needs approval by {actionType.approval.approverRoles.length ? `role ${actionType.approval.approverRoles.join(' or ')}` : 'named users'} (
          {actionType.approval.quorum} needed) before it runs.
        </p>
      ) : null}
      {parameters.length === 0 ? <p className="muted">This action takes no parameters.</p> : null}
      <div className="filter-grid">
        {parameters.map((parameter) => (
          <Field key={parameter.apiName} id={`param-${parameter.apiName}`} label={parameterLabel(parameter)} hint={parameterHint(parameter) || undefined} error={fieldErrors[parameter.apiName]}>
            {(props) => (
              <ParameterInput props={props} parameter={parameter} value={drafts[parameter.apiName] ?? ''} onChange={(value) => setDrafts((current) => ({ ...current, [parameter.apiName]: value }))} />
            )}
          </Field>
        ))}
      </div>
      <FormProblems problems={fromServer.other} />

      {report ? <CriteriaReport report={report} /> : null}
      {failure ? <OntologyErrorNotice error={failure} title={report ? 'Not applied: the submission was refused.' : 'Not applied.'} /> : null}
      {result ? <ActionResult outcome={result} /> : null}

      <div className="form-actions">
        <button type="submit" className="button" disabled={busy !== undefined}>
          {busy === 'check' ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="button button-primary" disabled={busy !== undefined || !canApply} title={denyReason} onClick={apply}>
          {busy === 'apply' ? 'Applying…' : actionType.approval ? 'Request' : 'Apply'}
        </button>
      </div>
    </form>
  );
}

function ParameterInput({ props, parameter, value, onChange }: { props: ControlProps; parameter: ParameterDefinition; value: string; onChange: (value: string) => void }) {
  switch (parameterControl(parameter)) {
    case 'object':
      return <ObjectPicker objectType={parameter.objectType ?? ''} value={value} onChange={onChange} control={props} />;
    case 'checkbox':
      return <input {...props} type="checkbox" checked={value === 'true'} onChange={(event) => onChange(event.target.checked ? 'true' : 'false')} />;
    case 'select':
      return (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{parameter.required ? 'Choose…' : '(none)'}</option>
          {(parameter.enumValues ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
    case 'date':
      return <input {...props} type="date" value={value} onChange={(event) => onChange(event.target.value)} />;
    case 'json':
    case 'list':
      return <textarea {...props} rows={2} className="mono" value={value} onChange={(event) => onChange(event.target.value)} />;
    case 'number':
      return <input {...props} inputMode="decimal" value={value} onChange={(event) => onChange(event.target.value)} />;
    default:
      return <input {...props} placeholder={parameterControl(parameter) === 'datetime' ? '2026-01-31T09:00:00Z' : undefined} value={value} onChange={(event) => onChange(event.target.value)} />;
  }
}

/** Every submission criterion with pass/fail, what it expected and what it found. */
function CriteriaReport({ report }: { report: ActionValidation }) {
  const rows = flattenCriteria(report.criteria);
  const failed = rows.filter((row) => !row.result.passed && !row.result.children?.length).length;
  return (
    <section className={`panel ${report.valid ? 'schema-report-ok' : 'schema-report-breaking'}`} aria-label="Submission check" data-testid="criteria-report" role={report.valid ? 'status' : 'alert'}>
      <h3>
        {report.valid
          ? `Ready to apply: the parameters are valid${rows.length ? ' and every criterion passes' : ''}.`
          : `Cannot be applied: ${[report.errors.length ? `${report.errors.length} invalid parameter${report.errors.length === 1 ? '' : 's'}` : '', failed ? `${failed} failing criteri${failed === 1 ? 'on' : 'a'}` : ''].filter(Boolean).join(', ')}.`}
      </h3>
      {rows.length ? (
        <table className="table table-compact criteria-table">
          <caption>Submission criteria</caption>
          <TableHead columns={['Criterion', 'Result', 'Expected', 'Found']} />
          <tbody>
            {rows.map(({ result, depth }) => (
              <tr key={`${result.id}-${depth}`} className={result.passed ? undefined : 'row-error'}>
                <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.25}rem` }}>
                  {result.description ?? result.id} <span className="muted mono">{result.kind}</span>
                </th>
                <td>
                  <span className={result.passed ? 'badge badge-ok' : 'badge badge-fail'}>{result.passed ? 'pass' : 'fail'}</span>
                </td>
                <td className="mono">{result.expected}</td>
                <td className="mono">{describeActual(result.actual)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">This action has no submission criteria.</p>
      )}
    </section>
  );
}

function ActionResult({ outcome }: { outcome: ApplyOutcome }) {
  const entry = outcome.action;
  const approvalId = outcome.approvalId ?? entry.approvalId;
  if (outcome.status === 'awaiting_approval') {
    return (
      <div className="notice notice-warn" role="status" data-testid="action-result">
        <strong>Submitted: the action awaits approval.</strong> It runs once the approvers agree; nothing has changed yet.{' '}
        {approvalId ? <Link to={`/governance/approvals/${approvalId}`}>Open the approval request</Link> : null}
      </div>
    );
  }
  return (
    <div className="notice notice-ok" role="status" data-testid="action-result">
      <strong>
        Applied: {entry.changes?.length ?? 0} change{entry.changes?.length === 1 ? '' : 's'} made.
      </strong>
      <ActionChanges changes={entry.changes ?? []} />
    </div>
  );
}
