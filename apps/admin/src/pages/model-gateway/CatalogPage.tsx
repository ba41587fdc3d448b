import { useState, type FormEvent } from 'react';
import {
  aliasesApi,
  catalogModelsApi,
  gatewaySettingsApi,
  MODEL_OPERATIONS,
  providersApi,
  ROUTING_STRATEGIES,
  type CatalogModel,
  type GatewaySettings,
  type ModelAlias,
  type ModelOperation,
  type Provider,
  type RoutingStrategy,
} from '../../api/model-gateway';
import type { FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { formatCompact, formatUsd } from '../../app/model-gateway-charts';
import { aliasDraftProblems, aliasFormKeys, aliasFromDraft, emptyAliasDraft, issuesByPath, PRICE, weightShares, type AliasDraft } from '../../app/model-gateway-forms';
import { GATEWAY_SUBJECTS } from '../../app/model-gateway-subjects';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { ListState, SuccessNotice } from '../../components/ListState';
import { GatewayErrorNotice } from './GatewayErrorNotice';
import { useAction } from '../../app/use-action';
import { useFormSubmit } from '../../app/use-form-submit';
import { TableHead } from '../../components/TableHead';
import { ChoiceSelect } from '../../components/ChoiceSelect';

const STRATEGY_LABELS: Record<RoutingStrategy, string> = {
  priority: 'Priority order, falling back to the next target',
  weighted: 'Weighted balancing',
  'lowest-cost': 'Lowest cost first',
  'lowest-latency': 'Lowest latency first',
};

/** The tenant's catalog: provider models with capabilities and prices, and the aliases (routing policies) callers name. */
export function CatalogPage() {
  const { me, permissions } = useMe();
  const canReadProviders = permissions.can('read', GATEWAY_SUBJECTS.provider);
  const models = usePagedList(() => catalogModelsApi.list(), 'catalog-models');
  const aliases = usePagedList(() => aliasesApi.list(), 'aliases');
  // Provider names label the models; a caller who may not read providers sees their ids.
  const providers = useLoad(() => (canReadProviders ? providersApi.list() : Promise.resolve({ items: [], nextCursor: null })), `providers-${Boolean(me)}-${canReadProviders}`);
  const action = useAction();
  const [editing, setEditing] = useState<string>();
  const providerList = providers.data?.items ?? [];
  const providerNames = new Map(providerList.map((provider) => [provider.id, provider.name]));
  const canCreateAlias = permissions.can('create', GATEWAY_SUBJECTS.alias);

  return (
    <section>
      <h1>Model catalog &amp; routing</h1>
      <p className="lead">
        Callers name an alias (such as <code>fast</code> or <code>reasoning</code>) or a catalog model (<code>provider/model</code>). An alias routes to its
        targets by its strategy and falls back to the next target on 5xx, 429, timeouts and context overflow.
      </p>

      {action.done ? <SuccessNotice>{action.done}</SuccessNotice> : null}
      {action.error ? <GatewayErrorNotice error={action.error} /> : null}

      {permissions.can('read', GATEWAY_SUBJECTS.settings) ? (
        <SettingsPanel chatNames={[...aliases.items.filter((alias) => alias.operation === 'chat').map((alias) => alias.name), ...models.items.filter((model) => model.operation === 'chat').map((model) => model.name)]} />
      ) : null}

      <h2>Models</h2>
      {permissions.can('create', GATEWAY_SUBJECTS.model) ? (
        <AddModelForm
          providers={providerList}
          onCreated={(model) => {
            models.upsert(model);
            action.setError(undefined);
            action.setDone(`Added ${model.name} to the catalog.`);
          }}
        />
      ) : null}
      {models.error ? <GatewayErrorNotice error={models.error} /> : null}
      <ListState loading={models.loading} empty={models.items.length === 0} emptyText={models.error ? 'The catalog could not be loaded.' : 'No model in the catalog yet.'}>
        <table className="table table-wide" data-testid="catalog-models">
          <caption>Catalog models</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Provider</th>
              <th scope="col">Operation</th>
              <th scope="col">Capabilities</th>
              <th scope="col" className="numeric">
                Context window
              </th>
              <th scope="col" className="numeric">
                Input $/1M tokens
              </th>
              <th scope="col" className="numeric">
                Output $/1M tokens
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.items.map((model) => (
              <tr key={model.id}>
                <th scope="row" className="mono">
                  {model.name}
                  {model.enabled === false ? <span className="badge badge-fail">disabled</span> : null}
                </th>
                <td>
                  {providerNames.get(model.providerId) ?? <span className="mono">{model.providerId}</span>} <span className="muted mono">{model.providerModelId}</span>
                </td>
                <td>{model.operation}</td>
                <td>
                  <Capabilities model={model} />
                </td>
                <td className="numeric">{model.contextWindow ? formatCompact(model.contextWindow) : <span className="muted">—</span>}</td>
                <td className="numeric">{formatUsd(model.inputPricePerMTok)}</td>
                <td className="numeric">{formatUsd(model.outputPricePerMTok)}</td>
                <td className="actions">
                  {permissions.can('update', GATEWAY_SUBJECTS.model, { ...model }) ? (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`${model.enabled ? 'Disable' : 'Enable'} ${model.name}`}
                      onClick={() =>
                        action.run(async () => {
                          const saved = await catalogModelsApi.update(model.id, { enabled: !model.enabled });
                          models.upsert(saved);
                          return `${saved.enabled ? 'Enabled' : 'Disabled'} ${model.name}${saved.enabled ? '' : ': routes skip it until it is enabled again'}.`;
                        })
                      }
                    >
                      {model.enabled ? 'Disable' : 'Enable'}
                    </button>
                  ) : null}
                  {permissions.can('delete', GATEWAY_SUBJECTS.model, { ...model }) ? (
                    <ConfirmButton
                      label="Remove"
                      confirmLabel="Remove model"
                      question={`Remove ${model.name} from the catalog? Aliases that route to it must be changed first.`}
                      onConfirm={() =>
                        action.run(async () => {
                          await catalogModelsApi.remove(model.id);
                          models.remove(model.id);
                          return `Removed ${model.name}.`;
                        })
                      }
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>

      <h2>Aliases &amp; routing policies</h2>
      {canCreateAlias ? (
        <AliasForm
          key="new"
          title="Create an alias"
          submitLabel="Create alias"
          models={models.items}
          initial={emptyAliasDraft()}
          onSubmit={async (draft) => {
            const alias = await aliasesApi.create(aliasFromDraft(draft));
            aliases.upsert(alias);
            action.setError(undefined);
            action.setDone(`Created alias ${alias.name}.`);
          }}
        />
      ) : null}
      {aliases.error ? <GatewayErrorNotice error={aliases.error} /> : null}
      <ListState loading={aliases.loading} empty={aliases.items.length === 0} emptyText={aliases.error ? 'Aliases could not be loaded.' : 'No alias yet: callers must name catalog models.'}>
        <table className="table table-wide" data-testid="aliases">
          <caption>Aliases</caption>
          <TableHead columns={['Alias', 'Strategy', 'Targets (in order)', 'Task classes', 'Zero data retention']} actions />
          <tbody>
            {aliases.items.map((alias) =>
              editing === alias.id ? (
                <tr key={alias.id}>
                  <td colSpan={6}>
                    <AliasForm
                      title={`Edit alias ${alias.name}`}
                      submitLabel="Save alias"
                      models={models.items}
                      initial={draftOf(alias)}
                      onCancel={() => setEditing(undefined)}
                      onSubmit={async (draft) => {
                        const { description, strategy, targets, taskClasses, zeroDataRetention } = aliasFromDraft(draft);
                        const saved = await aliasesApi.update(alias.id, { description, strategy, targets, taskClasses, zeroDataRetention });
                        aliases.upsert(saved);
                        setEditing(undefined);
                        action.setError(undefined);
                        action.setDone(`Saved alias ${saved.name}.`);
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <AliasRow
                  key={alias.id}
                  alias={alias}
                  canUpdate={permissions.can('update', GATEWAY_SUBJECTS.alias, { ...alias })}
                  canDelete={permissions.can('delete', GATEWAY_SUBJECTS.alias, { ...alias })}
                  onEdit={() => setEditing(alias.id)}
                  onDelete={() =>
                    action.run(async () => {
                      await aliasesApi.remove(alias.id);
                      aliases.remove(alias.id);
                      return `Deleted alias ${alias.name}.`;
                    })
                  }
                />
              ),
            )}
          </tbody>
        </table>
      </ListState>
    </section>
  );
}

function draftOf(alias: ModelAlias): AliasDraft {
  return {
    name: alias.name,
    description: alias.description ?? '',
    operation: alias.operation,
    strategy: alias.strategy,
    targets: alias.targets.map((target) => ({ model: target.model, weight: String(target.weight) })),
    taskClasses: alias.taskClasses.join(', '),
    zeroDataRetention: alias.zeroDataRetention,
  };
}

function Capabilities({ model }: { model: CatalogModel }) {
  const names = [
    model.capabilities.tools ? 'tools' : '',
    model.capabilities.vision ? 'vision' : '',
    model.capabilities.structuredOutput ? 'structured output' : '',
    model.capabilities.streaming ? 'streaming' : '',
  ].filter(Boolean);
  if (!names.length) return <span className="muted">none</span>;
  return (
    <span className="role-list">
      {names.map((name) => (
        <span key={name} className="chip">
          {name}
        </span>
      ))}
    </span>
  );
}

function AliasRow({ alias, canUpdate, canDelete, onEdit, onDelete }: { alias: ModelAlias; canUpdate: boolean; canDelete: boolean; onEdit: () => void; onDelete: () => Promise<void> }) {
  const shares = weightShares(alias.targets);
  return (
    <tr>
      <th scope="row" className="mono">
        {alias.name}
        {alias.description ? <div className="muted">{alias.description}</div> : null}
      </th>
      <td>{STRATEGY_LABELS[alias.strategy] ?? alias.strategy}</td>
      <td>
        <ol className="route-targets">
          {alias.targets.map((target, index) => (
            <li key={target.model}>
              <span className="mono">{target.model}</span>
              {alias.strategy === 'weighted' ? (
                <span className="muted">
                  {' '}
                  weight {target.weight} ({shares[index]}%)
                </span>
              ) : index > 0 ? (
                <span className="muted"> fallback</span>
              ) : (
                <span className="muted"> primary</span>
              )}
            </li>
          ))}
        </ol>
      </td>
      <td>{alias.taskClasses.length ? alias.taskClasses.map((name) => <span key={name} className="chip">{name}</span>) : <span className="muted">—</span>}</td>
      <td>{alias.zeroDataRetention ? <span className="badge badge-ok">on</span> : <span className="badge badge-neutral">off</span>}</td>
      <td className="actions">
        {canUpdate ? (
          <button type="button" className="button button-small" aria-label={`Edit alias ${alias.name}`} onClick={onEdit}>
            Edit
          </button>
        ) : null}
        {canDelete ? <ConfirmButton label="Delete" confirmLabel="Delete alias" question={`Delete alias ${alias.name}? Callers naming it get a 404.`} onConfirm={onDelete} /> : null}
      </td>
    </tr>
  );
}

function AliasForm({
  title,
  submitLabel,
  models,
  initial,
  onSubmit,
  onCancel,
}: {
  title: string;
  submitLabel: string;
  models: CatalogModel[];
  initial: AliasDraft;
  onSubmit: (draft: AliasDraft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<AliasDraft>(initial);
  const editing = Boolean(onCancel);
  // Targets serve the alias's operation: a chat alias routes to chat models only.
  const modelNames = models.filter((model) => model.operation === draft.operation).map((model) => model.name);
  const idPrefix = editing ? `alias-edit-${initial.name}` : 'alias';

  const setTarget = (index: number, change: Partial<AliasDraft['targets'][number]>) =>
    setDraft((current) => ({ ...current, targets: current.targets.map((target, at) => (at === index ? { ...target, ...change } : target)) }));
  const move = (index: number, by: number) =>
    setDraft((current) => {
      const targets = [...current.targets];
      const [moved] = targets.splice(index, 1);
      if (moved) targets.splice(index + by, 0, moved);
      return { ...current, targets };
    });

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = aliasDraftProblems(draft, modelNames);
    await send(
      found,
      async () => {
        await onSubmit(draft);
        if (!editing) setDraft(emptyAliasDraft());
      },
      (error) => issuesByPath(error, aliasFormKeys(draft.targets.length)),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      <FormProblems problems={problems} />
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      <div className="form-row">
        {editing ? null : (
          <Field id={`${idPrefix}-name`} label="Alias name" error={errors['name']}>
            {(props) => <input {...props} value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} />}
          </Field>
        )}
        {editing ? null : (
          <Field id={`${idPrefix}-operation`} label="Operation" error={errors['operation']}>
            {(props) => (
              <select {...props} value={draft.operation} onChange={(event) => setDraft({ ...draft, operation: event.target.value as ModelOperation })}>
                {MODEL_OPERATIONS.map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field id={`${idPrefix}-strategy`} label="Strategy" error={errors['strategy']}>
          {(props) => (
            <select {...props} value={draft.strategy} onChange={(event) => setDraft({ ...draft, strategy: event.target.value as RoutingStrategy })}>
              {ROUTING_STRATEGIES.map((strategy) => (
                <option key={strategy} value={strategy}>
                  {STRATEGY_LABELS[strategy]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${idPrefix}-task-classes`} label="Task classes (optional)" error={errors['taskClasses']} hint="Callers may route by task class instead of naming the alias.">
          {(props) => <input {...props} value={draft.taskClasses} onChange={(event) => setDraft({ ...draft, taskClasses: event.target.value })} />}
        </Field>
        <Field id={`${idPrefix}-description`} label="Description (optional)" error={errors['description']}>
          {(props) => <input {...props} value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.target.value })} />}
        </Field>
      </div>
      <fieldset className="field route-editor" aria-describedby={errors['targets'] ? `${idPrefix}-targets-error` : undefined}>
        <legend>Targets, in fallback order</legend>
        {draft.targets.map((target, index) => (
          <div key={index} className="route-target" role="group" aria-label={`Target ${index + 1}`}>
            <span className="route-position" aria-hidden="true">
              {index + 1}.
            </span>
            <Field id={`${idPrefix}-target-${index}-model`} label={`Target ${index + 1} model`} error={errors[`targets.${index}.model`] ?? errors[`targets.${index}`]}>
              {(props) => (
                <select {...props} value={target.model} onChange={(event) => setTarget(index, { model: event.target.value })}>
                  <option value="">Choose a model…</option>
                  {modelNames.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`${idPrefix}-target-${index}-weight`} label={`Target ${index + 1} weight`} error={errors[`targets.${index}.weight`]}>
              {(props) => <input {...props} inputMode="numeric" value={target.weight} onChange={(event) => setTarget(index, { weight: event.target.value })} />}
            </Field>
            <div className="route-target-actions">
              <button type="button" className="button button-small" aria-label={`Move target ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                ↑
              </button>
              <button type="button" className="button button-small" aria-label={`Move target ${index + 1} down`} disabled={index === draft.targets.length - 1} onClick={() => move(index, 1)}>
                ↓
              </button>
              {draft.targets.length > 1 ? (
                <button
                  type="button"
                  className="button button-small button-danger-outline"
                  aria-label={`Remove target ${index + 1}`}
                  onClick={() => setDraft({ ...draft, targets: draft.targets.filter((_, at) => at !== index) })}
                >
                  Remove
                </button>
              ) : null}
            </div>
          </div>
        ))}
        {errors['targets'] ? (
          <div id={`${idPrefix}-targets-error`} className="field-error">
            {errors['targets']}
          </div>
        ) : null}
        <div>
          <button type="button" className="button button-small" onClick={() => setDraft({ ...draft, targets: [...draft.targets, { model: '', weight: '1' }] })}>
            Add target
          </button>
        </div>
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={draft.zeroDataRetention} onChange={(event) => setDraft({ ...draft, zeroDataRetention: event.target.checked })} />
        Zero data retention: Strata stores no prompt or response content for calls through this alias
      </label>
      {errors['zeroDataRetention'] ? <div className="field-error">{errors['zeroDataRetention']}</div> : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function AddModelForm({ providers, onCreated }: { providers: Provider[]; onCreated: (model: CatalogModel) => void }) {
  const [providerId, setProviderId] = useState('');
  const [model, setModel] = useState('');
  const [operation, setOperation] = useState<ModelOperation>('chat');
  const [capabilities, setCapabilities] = useState({ tools: false, vision: false, structuredOutput: false, streaming: true });
  const [contextWindow, setContextWindow] = useState('');
  const [inputPrice, setInputPrice] = useState('');
  const [outputPrice, setOutputPrice] = useState('');

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!providerId) found['providerId'] = providers.length ? 'Choose the provider that serves the model.' : 'Add a provider first.';
    if (!model.trim()) found['providerModelId'] = "Enter the provider's model id (e.g. gpt-4.1-mini).";
    if (contextWindow && !/^\d+$/.test(contextWindow)) found['contextWindow'] = 'A whole number of tokens.';
    if (!PRICE.test(inputPrice.trim())) found['inputPricePerMTok'] = 'US dollars per million input tokens, e.g. 0.4.';
    if (!PRICE.test(outputPrice.trim())) found['outputPricePerMTok'] = 'US dollars per million output tokens, e.g. 1.6.';
    await send(
      found,
      async () => {
        const created = await catalogModelsApi.create({
          providerId,
          providerModelId: model.trim(),
          operation,
          capabilities,
          ...(contextWindow ? { contextWindow: Number(contextWindow) } : {}),
          inputPricePerMTok: inputPrice.trim(),
          outputPricePerMTok: outputPrice.trim(),
        });
        setModel('');
        setContextWindow('');
        setInputPrice('');
        setOutputPrice('');
        onCreated(created);
      },
      (error) => issuesByPath(error, ['providerId', 'providerModelId', 'operation', 'contextWindow', 'capabilities', 'inputPricePerMTok', 'outputPricePerMTok']),
    );
  }

  const toggle = (name: keyof typeof capabilities, label: string) => (
    <label className="checkbox">
      <input type="checkbox" checked={capabilities[name]} onChange={(event) => setCapabilities({ ...capabilities, [name]: event.target.checked })} /> {label}
    </label>
  );

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="add-model-title">
      <h3 id="add-model-title">Add a model</h3>
      <FormProblems problems={problems} />
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="model-provider" label="Provider" error={errors['providerId']}>
          {(props) => (
            <select {...props} value={providerId} onChange={(event) => setProviderId(event.target.value)}>
              <option value="">Choose a provider…</option>
              {providers.map((provider) => (
                <option key={provider.id} value={provider.id}>
                  {provider.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="model-id" label="Provider model id" error={errors['providerModelId']}>
          {(props) => <input {...props} value={model} onChange={(event) => setModel(event.target.value)} />}
        </Field>
        <Field id="model-operation" label="Operation" error={errors['operation']}>
          {(props) => <ChoiceSelect {...props} choices={MODEL_OPERATIONS} value={operation} onChange={setOperation} />}
        </Field>
      </div>
      <div className="form-row">
        <Field id="model-context-window" label="Context window (tokens)" error={errors['contextWindow']}>
          {(props) => <input {...props} inputMode="numeric" value={contextWindow} onChange={(event) => setContextWindow(event.target.value)} />}
        </Field>
        <Field id="model-input-price" label="Input price ($ per 1M tokens)" error={errors['inputPricePerMTok']}>
          {(props) => <input {...props} inputMode="decimal" value={inputPrice} onChange={(event) => setInputPrice(event.target.value)} />}
        </Field>
        <Field id="model-output-price" label="Output price ($ per 1M tokens)" error={errors['outputPricePerMTok']}>
          {(props) => <input {...props} inputMode="decimal" value={outputPrice} onChange={(event) => setOutputPrice(event.target.value)} />}
        </Field>
      </div>
      <fieldset className="field">
        <legend>Capabilities</legend>
        <div className="checkbox-row">
          {toggle('tools', 'Tools')}
          {toggle('vision', 'Vision (image input)')}
          {toggle('structuredOutput', 'Structured output')}
          {toggle('streaming', 'Streaming')}
        </div>
        {errors['capabilities'] ? <div className="field-error">{errors['capabilities']}</div> : null}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add model'}
        </button>
      </div>
    </form>
  );
}

/** The tenant's gateway settings: zero data retention, content capture on spans, and the default chat alias. */
function SettingsPanel({ chatNames }: { chatNames: string[] }) {
  const { permissions } = useMe();
  const settings = useLoad(() => gatewaySettingsApi.get(), 'settings');
  const action = useAction();
  if (settings.error) return <GatewayErrorNotice error={settings.error} title="Gateway settings could not be loaded." />;
  if (!settings.data) return null;
  const current = settings.data;
  const canUpdate = permissions.can('update', GATEWAY_SUBJECTS.settings);
  const save = (changes: Partial<Omit<GatewaySettings, 'updatedAt'>>) =>
    action.run(async () => {
      const saved = await gatewaySettingsApi.update(changes);
      settings.setData(() => saved);
      return 'Saved the gateway settings.';
    });
  const toggle = (field: 'zeroDataRetention' | 'contentCapture', label: string, help: string) => (
    <div className="settings-row">
      <label className="checkbox">
        <input type="checkbox" checked={current[field]} disabled={!canUpdate} onChange={(event) => save({ [field]: event.target.checked })} /> <strong>{label}</strong>
      </label>
      <div className="muted">{help}</div>
    </div>
  );
  return (
    <fieldset className="panel form" data-testid="gateway-settings">
      <legend className="visually-hidden">Gateway settings</legend>
      <h3>Gateway settings</h3>
      {action.error ? <GatewayErrorNotice error={action.error} /> : null}
      {toggle('zeroDataRetention', 'Zero data retention for the whole tenant', 'Strata stores no prompt or response content for any call, and asks providers not to retain it where they offer it.')}
      {toggle('contentCapture', 'Capture prompt and response content on traces', 'Redacted by the guardrails; has no effect under zero data retention.')}
      <Field id="settings-default-chat" label="Default chat alias" hint="Used when a call names no model.">
        {(props) => (
          <select {...props} value={current.defaultChatAlias ?? ''} disabled={!canUpdate} onChange={(event) => save({ defaultChatAlias: event.target.value || null })}>
            <option value="">None (callers must name a model)</option>
            {[...new Set([...(current.defaultChatAlias ? [current.defaultChatAlias] : []), ...chatNames])].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  );
}
