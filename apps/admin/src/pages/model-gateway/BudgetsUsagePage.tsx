import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { BUDGET_PERIODS, BUDGET_SCOPES, budgetsApi, usageApi, USAGE_OUTCOMES, type Budget, type BudgetPeriod, type BudgetScope } from '../../api/model-gateway-usage';
import { splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { budgetMeters, type BudgetMeter } from '../../app/model-gateway-budgets';
import { formatCompact, formatUsd } from '../../app/model-gateway-charts';
import { PRICE } from '../../app/model-gateway-forms';
import { GATEWAY_SUBJECTS } from '../../app/model-gateway-subjects';
import { USAGE_FILTERS, USAGE_WINDOW_LABELS, usageChartData, usageFilterProblems, usageQuery, usageRange, type UsageFilterKey, type UsageWindow } from '../../app/model-gateway-usage-filters';
import { isFiltered, type FilterValues } from '../../app/url-filters';
import { useFilterDraft } from '../../app/use-filter-draft';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { BarChart } from './BarChart';
import { GatewayErrorNotice } from './GatewayErrorNotice';
import { useAction } from '../../app/use-action';
import { FilterForm } from '../../components/FilterForm';
import { useFormSubmit } from '../../app/use-form-submit';
import { ChoiceSelect } from '../../components/ChoiceSelect';

const TOKEN_SERIES = [
  { name: 'input tokens', className: 'series-0' },
  { name: 'output tokens', className: 'series-1' },
];
const COST_SERIES = [{ name: 'cost (USD)', className: 'series-2' }];
/** Outcomes that are not failures; every other one is shown as a failed call. A cancelled call's caller went away: not an error. */
const OUTCOME_BADGES: Partial<Record<string, string>> = { success: 'badge-ok', cancelled: 'badge-neutral' };

/** Budgets with where they stand this period, and usage: tokens and cost by model and by day, and the call records, filtered in the URL. */
export function BudgetsUsagePage() {
  const { permissions } = useMe();
  const budgets = usePagedList((cursor) => budgetsApi.list(cursor), 'budgets');
  const action = useAction();
  const { filters, setFilters, key } = useUrlFilters(USAGE_FILTERS);
  const summaries = useLoad(async () => {
    const { from, to } = usageRange(filters);
    const [byModel, byDay] = await Promise.all([usageApi.summary('model', from, to), usageApi.summary('day', from, to)]);
    return { byModel, byDay };
  }, key);
  const records = usePagedList((cursor) => usageApi.records(usageQuery(filters), cursor), key);

  return (
    <section>
      <h1>Budgets &amp; usage</h1>
      <p className="lead">
        Budgets cap tokens and cost per period and requests and tokens per minute, for the tenant or one API key or agent. Calls over a budget fail with{' '}
        <code>model-gateway.budget_exceeded</code> or <code>model-gateway.rate_limited</code>.
      </p>
      {action.done ? <SuccessNotice>{action.done}</SuccessNotice> : null}
      {action.error ? <GatewayErrorNotice error={action.error} /> : null}

      <h2>Budgets</h2>
      {permissions.can('create', GATEWAY_SUBJECTS.budget) ? (
        <CreateBudgetForm
          onCreated={(budget) => {
            budgets.upsert(budget);
            action.setError(undefined);
            action.setDone(`Created budget ${budget.name}.`);
          }}
        />
      ) : null}
      {budgets.error ? <GatewayErrorNotice error={budgets.error} /> : null}
      <ListState loading={budgets.loading} empty={budgets.items.length === 0} emptyText={budgets.error ? 'Budgets could not be loaded.' : 'No budget: calls are limited only by the providers.'}>
        <div className="budget-cards" data-testid="budgets">
          {budgets.items.map((budget) => (
            <article key={budget.id} className="panel budget-card" aria-label={`Budget ${budget.name}`}>
              <div className="panel-head">
                <h3>
                  {budget.name} {budget.enabled ? null : <span className="badge badge-neutral">disabled</span>}
                </h3>
                <span className="actions">
                  {permissions.can('update', GATEWAY_SUBJECTS.budget, { ...budget }) ? (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`${budget.enabled ? 'Disable' : 'Enable'} budget ${budget.name}`}
                      onClick={() =>
                        action.run(async () => {
                          const saved = await budgetsApi.update(budget.id, { enabled: !budget.enabled });
                          budgets.upsert(saved);
                          return `${saved.enabled ? 'Enabled' : 'Disabled'} budget ${budget.name}.`;
                        })
                      }
                    >
                      {budget.enabled ? 'Disable' : 'Enable'}
                    </button>
                  ) : null}
                  {permissions.can('delete', GATEWAY_SUBJECTS.budget, { ...budget }) ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Delete budget"
                      question={`Delete budget ${budget.name}? Calls are no longer limited by it.`}
                      onConfirm={() =>
                        action.run(async () => {
                          await budgetsApi.remove(budget.id);
                          budgets.remove(budget.id);
                          return `Deleted budget ${budget.name}.`;
                        })
                      }
                    />
                  ) : null}
                </span>
              </div>
              <p className="muted">
                {scopeText(budget)} · per {budget.period}
                {budget.requestsPerMinute ? ` · ${budget.requestsPerMinute} requests/min` : ''}
                {budget.tokensPerMinute ? ` · ${formatCompact(budget.tokensPerMinute)} tokens/min` : ''}
              </p>
              {budgetMeters(budget).map((meter) => (
                <MeterBar key={meter.label} budget={budget.name} meter={meter} />
              ))}
              {budget.status ? (
                <p className="muted">
                  Resets <Time value={budget.status.resetsAt} />
                </p>
              ) : null}
            </article>
          ))}
        </div>
      </ListState>
      <LoadMore hasMore={budgets.hasMore} loading={budgets.loadingMore} onClick={budgets.loadMore} />

      <h2>Usage</h2>
      <UsageFilterForm key={key} values={filters} onApply={(values) => setFilters(values)} onClear={() => setFilters(USAGE_FILTERS.defaults)} />
      {summaries.error ? <GatewayErrorNotice error={summaries.error} /> : null}
      {summaries.data ? (
        <div className="chart-grid" data-testid="usage-charts">
          <BarChart title="Tokens by model" testId="chart-tokens-model" series={TOKEN_SERIES} data={usageChartData(summaries.data.byModel.rows, 'tokens')} format={formatCompact} />
          <BarChart title="Cost by model" testId="chart-cost-model" series={COST_SERIES} data={usageChartData(summaries.data.byModel.rows, 'cost')} format={formatUsd} />
          <BarChart title="Tokens by day" testId="chart-tokens-day" series={TOKEN_SERIES} data={usageChartData(summaries.data.byDay.rows, 'tokens')} format={formatCompact} />
          <BarChart title="Cost by day" testId="chart-cost-day" series={COST_SERIES} data={usageChartData(summaries.data.byDay.rows, 'cost')} format={formatUsd} />
        </div>
      ) : summaries.loading ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}

      {records.error ? <GatewayErrorNotice error={records.error} /> : null}
      <ListState
        loading={records.loading}
        empty={records.items.length === 0}
        emptyText={records.error ? 'Usage records could not be loaded.' : isFiltered(filters, USAGE_FILTERS) ? 'No call matches these filters.' : 'No model call in this period.'}
      >
        <table className="table table-wide" data-testid="usage-records">
          <caption>Model calls, newest first{records.loading ? ' (refreshing…)' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Caller</th>
              <th scope="col">Alias</th>
              <th scope="col">Model</th>
              <th scope="col">Outcome</th>
              <th scope="col" className="numeric">
                Input tokens
              </th>
              <th scope="col" className="numeric">
                Output tokens
              </th>
              <th scope="col" className="numeric">
                Cost
              </th>
              <th scope="col" className="numeric">
                Latency
              </th>
              <th scope="col" className="numeric">
                Attempts
              </th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {records.items.map((record) => (
              <tr key={record.id} className={OUTCOME_BADGES[record.outcome] === undefined ? 'row-error' : undefined}>
                <td>
                  <Time value={record.at} />
                </td>
                <td>
                  <PrincipalId type={record.actorType} id={record.actorId} short />
                </td>
                <td className="mono">{record.alias ?? <span className="muted">—</span>}</td>
                <th scope="row" className="mono">
                  {record.model ?? <span className="muted">—</span>}
                </th>
                <td>
                  <span className={`badge ${OUTCOME_BADGES[record.outcome] ?? 'badge-fail'}`}>{record.outcome}</span>
                  {record.errorCode ? <div className="muted mono">{record.errorCode}</div> : null}
                </td>
                <td className="numeric">{record.inputTokens}</td>
                <td className="numeric">{record.outputTokens}</td>
                <td className="numeric">{formatUsd(record.costUsd)}</td>
                <td className="numeric">{record.latencyMs} ms</td>
                <td className="numeric">{record.attemptCount ?? '—'}</td>
                <td className="mono">
                  {record.traceId ? (
                    <Link to={`/observability/traces/${record.traceId}`} title={record.traceId}>
                      {record.traceId.slice(0, 12)}…
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={records.hasMore} loading={records.loadingMore} onClick={records.loadMore} />
    </section>
  );
}

function scopeText(budget: Budget): string {
  if (budget.scope === 'tenant') return 'Whole tenant';
  return `${budget.scope === 'api_key' ? 'API key' : 'Agent'} ${budget.scopeId ?? ''}`;
}

/** A used/reserved/limit bar: a native meter-like figure with its numbers in text. */
function MeterBar({ budget, meter }: { budget: string; meter: BudgetMeter }) {
  return (
    <div className={`budget-meter budget-meter-${meter.state}`}>
      <div className="budget-meter-label">
        <strong>{meter.label}</strong> <span data-testid="meter-text">{meter.text}</span>
      </div>
      <div
        className="budget-meter-track"
        role="meter"
        aria-label={`${budget}: ${meter.label.toLowerCase()} used`}
        aria-valuemin={0}
        aria-valuemax={meter.limit}
        aria-valuenow={Math.min(meter.limit, meter.used + meter.reserved)}
        aria-valuetext={meter.text}
      >
        <span className="budget-meter-used" style={{ width: `${meter.usedPercent}%` }} />
        <span className="budget-meter-reserved" style={{ width: `${meter.reservedPercent}%` }} />
      </div>
    </div>
  );
}

function UsageFilterForm({ values, onApply, onClear }: { values: FilterValues<UsageFilterKey>; onApply: (values: FilterValues<UsageFilterKey>) => void; onClear: () => void }) {
  const { draft, set, problems, submit } = useFilterDraft(values, { timeFields: ['from', 'to'], validate: usageFilterProblems, onApply });
  return (
    <FilterForm label="Filter usage" onSubmit={submit} onClear={onClear}>
      <Field id="usage-last" label="Period">
        {(props) => (
          <select {...props} value={draft.last} onChange={set('last')}>
            {(Object.keys(USAGE_WINDOW_LABELS) as UsageWindow[]).map((window) => (
              <option key={window} value={window}>
                {USAGE_WINDOW_LABELS[window]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="usage-from" label="From (overrides the period)" error={problems.from}>
        {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set('from')} />}
      </Field>
      <Field id="usage-to" label="To (before)" error={problems.to}>
        {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set('to')} />}
      </Field>
      <Field id="usage-model" label="Model">
        {(props) => <input {...props} placeholder="provider/model" value={draft.model} onChange={set('model')} />}
      </Field>
      <Field id="usage-outcome" label="Outcome">
        {(props) => (
          <select {...props} value={draft.outcome} onChange={set('outcome')}>
            <option value="">Any outcome</option>
            {USAGE_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome.replace('_', ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>
    </FilterForm>
  );
}

function CreateBudgetForm({ onCreated }: { onCreated: (budget: Budget) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<BudgetScope>('tenant');
  const [scopeId, setScopeId] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [tokenLimit, setTokenLimit] = useState('');
  const [costLimit, setCostLimit] = useState('');
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    const whole = (value: string, field: string) => {
      if (value && (!/^\d+$/.test(value) || Number(value) < 1)) found[field] = 'A whole number, at least 1.';
    };
    if (!name.trim()) found['name'] = 'Name the budget (e.g. monthly-cap).';
    if (scope !== 'tenant' && !scopeId.trim()) found['scopeId'] = scope === 'api_key' ? 'The id of the API key.' : 'The id of the agent.';
    whole(tokenLimit, 'tokenLimit');
    whole(rpm, 'requestsPerMinute');
    whole(tpm, 'tokensPerMinute');
    if (costLimit && !PRICE.test(costLimit.trim())) found['costLimitUsd'] = 'US dollars, e.g. 25 or 0.5.';
    if (!tokenLimit && !costLimit && !rpm && !tpm) found['tokenLimit'] = 'Set at least one limit.';
    await send(
      found,
      async () => {
        const budget = await budgetsApi.create({
          name: name.trim(),
          scope,
          ...(scope !== 'tenant' ? { scopeId: scopeId.trim() } : {}),
          period,
          ...(tokenLimit ? { tokenLimit: Number(tokenLimit) } : {}),
          ...(costLimit ? { costLimitUsd: costLimit.trim() } : {}),
          ...(rpm ? { requestsPerMinute: Number(rpm) } : {}),
          ...(tpm ? { tokensPerMinute: Number(tpm) } : {}),
        });
        setName('');
        setScopeId('');
        setTokenLimit('');
        setCostLimit('');
        setRpm('');
        setTpm('');
        onCreated(budget);
      },
      (error) => splitIssues(error, ['name', 'scope', 'scopeId', 'period', 'tokenLimit', 'costLimitUsd', 'requestsPerMinute', 'tokensPerMinute']),
    );
  }

  const numberField = (id: string, field: string, label: string, value: string, onChange: (value: string) => void) => (
    <Field id={id} label={label} error={errors[field]}>
      {(props) => <input {...props} inputMode="numeric" value={value} onChange={(event) => onChange(event.target.value)} />}
    </Field>
  );

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-budget-title">
      <h3 id="create-budget-title">Create a budget</h3>
      <FormProblems problems={problems} />
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="budget-name" label="Budget name" error={errors['name']}>
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="budget-scope" label="Applies to" error={errors['scope']}>
          {(props) => (
            <select {...props} value={scope} onChange={(event) => setScope(event.target.value as BudgetScope)}>
              {BUDGET_SCOPES.map((value) => (
                <option key={value} value={value}>
                  {value === 'tenant' ? 'The whole tenant' : value === 'api_key' ? 'One API key' : 'One agent'}
                </option>
              ))}
            </select>
          )}
        </Field>
        {scope !== 'tenant' ? (
          <Field id="budget-scope-id" label={scope === 'api_key' ? 'API key id' : 'Agent id'} error={errors['scopeId']}>
            {(props) => <input {...props} value={scopeId} onChange={(event) => setScopeId(event.target.value)} />}
          </Field>
        ) : null}
        <Field id="budget-period" label="Period" error={errors['period']} hint="Calendar periods in UTC; weeks start on Monday.">
          {(props) => <ChoiceSelect {...props} choices={BUDGET_PERIODS} value={period} onChange={setPeriod} />}
        </Field>
      </div>
      <div className="form-row">
        {numberField('budget-token-limit', 'tokenLimit', 'Token limit per period', tokenLimit, setTokenLimit)}
        <Field id="budget-cost-limit" label="Cost limit per period (USD)" error={errors['costLimitUsd']}>
          {(props) => <input {...props} inputMode="decimal" value={costLimit} onChange={(event) => setCostLimit(event.target.value)} />}
        </Field>
        {numberField('budget-rpm', 'requestsPerMinute', 'Requests per minute', rpm, setRpm)}
        {numberField('budget-tpm', 'tokensPerMinute', 'Tokens per minute', tpm, setTpm)}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create budget'}
        </button>
      </div>
    </form>
  );
}
