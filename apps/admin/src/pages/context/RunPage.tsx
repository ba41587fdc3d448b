import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { runsApi, TERMINAL_RUN_STATUSES, type AgentRunDetail, type RunStep } from '../../api/context-runs';
import { usageText } from '../../app/context-run-filters';
import { CONTEXT_SUBJECTS } from '../../app/context-subjects';
import { messageText, preview } from '../../app/context-transcript';
import { useMe } from '../../app/me-context';
import { asError, useLoad } from '../../app/use-load';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';
import { ContextInspector } from './ContextInspector';
import { RunStatusBadge } from './RunsPage';

/** One run: how it went, each step's model output and tool calls, the context each step was given, its effects, and its trace. */
export function RunPage() {
  const { id = '' } = useParams();
  const { permissions } = useMe();
  const run = useLoad(() => runsApi.get(id), id);
  const [failure, setFailure] = useState<Error>();
  const back = (
    <p>
      <Link to="/runs">← Runs</Link>
    </p>
  );
  const data = run.data;
  if (!data) {
    return (
      <section>
        {back}
        <h1>Run</h1>
        {run.error ? (
          <ErrorNotice error={run.error} title={run.error instanceof ApiError && run.error.status === 404 ? 'No such run.' : undefined} />
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }
  const finished = TERMINAL_RUN_STATUSES.includes(data.status);
  const record = { id: data.id, sessionId: data.sessionId, agentId: data.agentId, onBehalfOfType: data.onBehalfOf.type, onBehalfOfId: data.onBehalfOf.id, status: data.status };
  return (
    <section>
      {back}
      <h1>
        Run of {data.agentName} <RunStatusBadge status={data.status} />
      </h1>
      {failure ? <ErrorNotice error={failure} /> : null}
      <dl className="facts facts-wide" data-testid="run-facts">
        <dt>Agent</dt>
        <dd>
          <Link to={`/agents/${data.agentId}`}>{data.agentName}</Link> version {data.agentVersion}
        </dd>
        <dt>Input</dt>
        <dd>{data.input}</dd>
        <dt>Output</dt>
        <dd>{data.output ?? <span className="muted">none yet</span>}</dd>
        {data.reason ? (
          <>
            <dt>Reason</dt>
            <dd className="text-fail">{[data.reason['code'], data.reason['message']].filter((part) => typeof part === 'string').join(': ') || JSON.stringify(data.reason)}</dd>
          </>
        ) : null}
        <dt>Acts for</dt>
        <dd className="mono">
          {data.onBehalfOf.type} {data.onBehalfOf.id}
        </dd>
        <dt>Purpose</dt>
        <dd className="mono">{data.purpose}</dd>
        <dt>Usage</dt>
        <dd>
          {data.steps} step(s), {usageText({ tokens: data.tokens, costUsd: data.costUsd })}, {Math.round(data.activeMs)} ms active
        </dd>
        <dt>Time</dt>
        <dd>
          queued <Time value={data.createdAt} />, started <Time value={data.startedAt} empty="not yet" />, finished <Time value={data.finishedAt} empty="not yet" />
        </dd>
        <dt>Trace</dt>
        <dd>{data.traceId ? <Link to={`/observability/traces/${data.traceId}`}>Open the trace</Link> : <span className="muted">none recorded</span>}</dd>
        <dt>Conversation</dt>
        <dd>
          <Link to={`/chat?agent=${data.agentId}&session=${data.sessionId}`}>Open the chat</Link>
        </dd>
      </dl>
      {data.waitingApprovalId ? (
        <p className="notice notice-warn">
          Waiting for {data.waitingKind === 'budget_extension' ? 'a budget extension' : 'an approval'}:{' '}
          <Link to={`/governance/approvals/${data.waitingApprovalId}`}>the approval request</Link>.
        </p>
      ) : null}
      {!finished && permissions.can('cancel', CONTEXT_SUBJECTS.run, record) ? (
        <ConfirmButton
          label="Cancel run"
          confirmLabel="Cancel it"
          question="Cancel this run at its next checkpoint?"
          onConfirm={async () => {
            try {
              await runsApi.cancel(data.id);
              run.reload();
            } catch (error) {
              setFailure(asError(error));
            }
          }}
        />
      ) : null}{' '}
      <button type="button" className="button button-small" onClick={run.reload}>
        Refresh
      </button>
      <h2>Steps</h2>
      {data.stepsDetail.length === 0 ? <p className="empty">No step yet.</p> : null}
      <ol className="plain-list run-steps">
        {data.stepsDetail.map((step) => (
          <StepPanel key={step.index} run={data} step={step} />
        ))}
      </ol>
      {data.effects.length ? (
        <>
          <h2>Effect ledger</h2>
          <table className="table table-compact" data-testid="effects">
            <caption>Effects (each executed once per idempotency key)</caption>
            <TableHead columns={['Key', 'Tool', 'Execution', 'State', 'Effects', 'Attempts']} />
            <tbody>
              {data.effects.map((effect) => (
                <tr key={effect.idempotencyKey}>
                  <th scope="row" className="mono">
                    {effect.idempotencyKey}
                  </th>
                  <td className="mono">{effect.toolName}</td>
                  <td>{effect.execution}</td>
                  <td>{effect.state}</td>
                  <td>{effect.effects.join(', ') || '—'}</td>
                  <td className="numeric">{effect.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

function StepPanel({ run, step }: { run: AgentRunDetail; step: RunStep }) {
  const [inspect, setInspect] = useState(false);
  const output = (step.output ?? {}) as { content?: unknown; route?: { model?: string; latencyMs?: number } };
  const text = messageText(output.content);
  return (
    <li className="panel" data-testid="run-step">
      <h3>
        Step {step.index} <span className="muted">{step.status}</span>
      </h3>
      <p className="muted">
        {usageText({ tokens: step.tokens, costUsd: step.costUsd })}
        {output.route?.model ? ` · ${output.route.model}` : ''}
        {output.route?.latencyMs !== undefined ? ` · ${Math.round(output.route.latencyMs)} ms` : ''}
        {step.context.totalTokens !== null ? ` · context ${step.context.totalTokens}${step.context.budgetTokens ? ` of ${step.context.budgetTokens}` : ''} tokens` : ''}
        {step.traceId ? (
          <>
            {' · '}
            <Link to={`/observability/traces/${step.traceId}`}>trace</Link>
          </>
        ) : null}
      </p>
      {text ? (
        <blockquote className="playground-text" data-testid="step-output">
          {text}
        </blockquote>
      ) : null}
      {step.toolCalls.length ? (
        <table className="table table-compact">
          <caption>Tool calls</caption>
          <TableHead columns={['Tool', 'Arguments', 'Status', 'Result']} />
          <tbody>
            {step.toolCalls.map((call) => {
              const outcome = (call.outcome ?? {}) as { status?: string; content?: unknown; error?: { code: string; message: string } };
              return (
                <tr key={call.callId}>
                  <th scope="row" className="mono">
                    {call.name}
                  </th>
                  <td>
                    <pre className="code">{preview(call.arguments, 300)}</pre>
                  </td>
                  <td>
                    {call.status}
                    {call.approvalId ? (
                      <div>
                        <Link to={`/governance/approvals/${call.approvalId}`}>approval</Link>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {outcome.error ? <div className="text-fail">{`${outcome.error.code}: ${outcome.error.message}`}</div> : null}
                    {outcome.content !== undefined ? <pre className="code">{preview(outcome.content, 400)}</pre> : <span className="muted">—</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <button type="button" className="button button-small" aria-expanded={inspect} onClick={() => setInspect(!inspect)}>
        {inspect ? 'Hide context' : `Inspect context of step ${step.index}`}
      </button>
      {inspect ? <ContextInspector runId={run.id} stepIndex={step.index} /> : null}
    </li>
  );
}
