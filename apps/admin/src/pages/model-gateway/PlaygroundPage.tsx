import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { catalogApi, playgroundApi, type PlaygroundResult } from '../../api/model-gateway';
import { isValid, splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { formatUsd } from '../../app/model-gateway-charts';
import { GATEWAY_SUBJECTS } from '../../app/model-gateway-subjects';
import { asError, useLoad } from '../../app/use-load';
import { Field, FormProblems } from '../../components/Field';
import { GatewayErrorNotice } from './GatewayErrorNotice';

/** Sends one prompt through the gateway, as any caller would, and shows where it went: the routed model, fallbacks, latency, tokens, cost. */
export function PlaygroundPage() {
  const { permissions } = useMe();
  // What a caller may name (as /v1/models lists it): the chat aliases and models.
  const choices = useLoad(async () => {
    const { items } = await catalogApi.list();
    const chat = items.filter((item) => item.operation === 'chat');
    return { aliases: chat.filter((item) => item.kind === 'alias').map((item) => item.id), models: chat.filter((item) => item.kind === 'model').map((item) => item.id) };
  }, 'playground-choices');
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [maxOutputTokens, setMaxOutputTokens] = useState('256');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [result, setResult] = useState<PlaygroundResult>();
  const [busy, setBusy] = useState(false);
  const canSend = permissions.can('invoke', GATEWAY_SUBJECTS.invoke);
  const nothingToPick = choices.data && !choices.data.aliases.length && !choices.data.models.length;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!model) found['model'] = 'Choose an alias or a model.';
    if (!prompt.trim()) found['prompt'] = 'Type a prompt.';
    if (!/^\d+$/.test(maxOutputTokens) || Number(maxOutputTokens) < 1 || Number(maxOutputTokens) > 32_000) found['maxOutputTokens'] = 'A whole number from 1 to 32000.';
    setErrors(found);
    setProblems([]);
    setFailure(undefined);
    if (!isValid(found)) return;
    setBusy(true);
    setResult(undefined);
    try {
      setResult(await playgroundApi.send({ model, prompt, maxOutputTokens: Number(maxOutputTokens) }));
    } catch (error) {
      const split = splitIssues(error, ['model', 'prompt', 'maxOutputTokens']);
      setErrors(split.fields);
      setProblems(split.other);
      // Gateway failures (no provider, every fallback failed, budget exceeded) are shown with their code and next step.
      setFailure(asError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Playground</h1>
      <p className="lead">
        Send a prompt to an alias or a catalog model through the gateway, with this tenant's routing, fallbacks, guardrails and budgets, and see which
        provider answered. The call is accounted in usage like any other.
      </p>
      {choices.error ? <GatewayErrorNotice error={choices.error} /> : null}
      {nothingToPick ? (
        <p className="empty">
          Nothing to call yet: <Link to="/models/providers">configure a model provider</Link>, then add its models (and aliases) in the{' '}
          <Link to="/models/catalog">model catalog</Link>.
        </p>
      ) : null}
      {canSend ? (
        <form className="panel form" onSubmit={submit} noValidate aria-label="Send a prompt">
          <FormProblems problems={problems.filter(() => !failure)} />
          <div className="form-row">
            <Field id="playground-model" label="Alias or model" error={errors['model']}>
              {(props) => (
                <select {...props} value={model} onChange={(event) => setModel(event.target.value)}>
                  <option value="">Choose…</option>
                  {choices.data?.aliases.length ? (
                    <optgroup label="Aliases">
                      {choices.data.aliases.map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                  {choices.data?.models.length ? (
                    <optgroup label="Models">
                      {choices.data.models.map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </optgroup>
                  ) : null}
                </select>
              )}
            </Field>
            <Field id="playground-max-tokens" label="Max output tokens" error={errors['maxOutputTokens']}>
              {(props) => <input {...props} inputMode="numeric" value={maxOutputTokens} onChange={(event) => setMaxOutputTokens(event.target.value)} />}
            </Field>
          </div>
          <Field id="playground-prompt" label="Prompt" error={errors['prompt']}>
            {(props) => <textarea {...props} rows={5} value={prompt} onChange={(event) => setPrompt(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      ) : (
        <p className="muted">Your roles do not allow calling models from the playground.</p>
      )}
      {failure ? <GatewayErrorNotice error={failure} title="The call failed." /> : null}
      {result ? <PlaygroundAnswer result={result} /> : null}
    </section>
  );
}

function PlaygroundAnswer({ result }: { result: PlaygroundResult }) {
  const { route, usage } = result;
  const failed = route.attempts.filter((attempt) => attempt.outcome !== 'success');
  return (
    <div className="panel playground-answer" data-testid="playground-answer" aria-live="polite">
      <h2>Answer</h2>
      <div className="playground-text">{result.text || <span className="muted">(no text)</span>}</div>
      <dl className="trace-summary" aria-label="Route">
        {route.alias ? (
          <div>
            <dt>Alias</dt>
            <dd className="mono">{route.alias}</dd>
          </div>
        ) : null}
        <div>
          <dt>Routed to</dt>
          <dd className="mono" data-testid="routed-model">
            {route.catalogModel ?? `${route.providerName}/${route.model}`}
          </dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>{route.providerName}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd data-testid="attempt-count">
            {route.attempts.length}
            {failed.length ? <span className="muted"> ({failed.length} failed, fell back)</span> : null}
          </dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{Math.round(route.latencyMs)} ms</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd data-testid="playground-tokens">
            {usage.inputTokens} in / {usage.outputTokens} out
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatUsd(route.costUsd)}</dd>
        </div>
        {route.zeroDataRetention ? (
          <div>
            <dt>Data retention</dt>
            <dd>zero (nothing stored)</dd>
          </div>
        ) : null}
      </dl>
      <table className="table table-compact" data-testid="attempts">
        <caption>Attempts, in order</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Provider</th>
            <th scope="col">Model</th>
            <th scope="col">Outcome</th>
            <th scope="col">Failure</th>
            <th scope="col" className="numeric">
              Latency
            </th>
          </tr>
        </thead>
        <tbody>
          {route.attempts.map((attempt, index) => (
            <tr key={index} className={attempt.outcome === 'success' ? undefined : 'row-error'}>
              <th scope="row">{index + 1}</th>
              <td>{attempt.providerName}</td>
              <td className="mono">{attempt.model}</td>
              <td>
                <span className={attempt.outcome === 'success' ? 'badge badge-ok' : 'badge badge-fail'}>{attempt.outcome}</span>
              </td>
              <td>
                {attempt.failure || attempt.status ? (
                  <>
                    {attempt.failure ?? ''}
                    {attempt.status ? ` (HTTP ${attempt.status})` : ''}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="numeric">{Math.round(attempt.latencyMs)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
