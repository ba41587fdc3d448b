import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-client';
import { PROVIDER_KINDS, providersApi, type NewProvider, type Provider, type ProviderCredentials, type ProviderKind } from '../../api/model-gateway';
import { isValid, splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { credentialMask } from '../../app/model-gateway-forms';
import { GATEWAY_SUBJECTS } from '../../app/model-gateway-subjects';
import { asError } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { ListState, SuccessNotice } from '../../components/ListState';
import { Time } from '../../components/Time';
import { GatewayErrorNotice } from './GatewayErrorNotice';
import { useAction } from '../../app/use-action';
import { TableHead } from '../../components/TableHead';

const SUBJECT = GATEWAY_SUBJECTS.provider;

const KIND_LABELS: Record<ProviderKind, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  bedrock: 'AWS Bedrock',
  gemini: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible (Azure, Ollama, vLLM, LM Studio, OpenRouter)',
  local: 'Built-in local model',
};

/** Provider endpoints and their credentials: credentials are write-only; only a hint of them is ever shown. */
export function ProvidersPage() {
  const { permissions } = useMe();
  const providers = usePagedList(() => providersApi.list(), 'providers');
  const action = useAction();
  const [replacing, setReplacing] = useState<string>();

  return (
    <section>
      <h1>Providers &amp; credentials</h1>
      <p className="lead">
        The model providers this tenant's calls may be routed to. Credentials are encrypted at rest and never shown again after they are saved: the list
        shows only their last characters, so you can tell which key is in use. Add the provider's models in the model catalog.
      </p>

      {action.done ? <SuccessNotice>{action.done}</SuccessNotice> : null}
      {action.error ? <GatewayErrorNotice error={action.error} /> : null}

      {permissions.can('create', SUBJECT) ? (
        <AddProviderForm
          onCreated={(provider) => {
            providers.upsert(provider);
            action.setError(undefined);
            action.setDone(`Added provider ${provider.name}. Add its models in the model catalog.`);
          }}
        />
      ) : (
        <p className="muted">Your roles do not allow adding providers.</p>
      )}

      {providers.error ? (
        <GatewayErrorNotice error={providers.error} title={providers.error instanceof ApiError && providers.error.status === 403 ? 'Not allowed to read providers.' : undefined} />
      ) : null}
      <ListState
        loading={providers.loading}
        empty={providers.items.length === 0}
        emptyText={providers.error ? 'Providers could not be loaded.' : 'No provider configured yet: calls to chat models fail until one is added (embeddings use the built-in local model).'}
      >
        <table className="table table-wide" data-testid="providers">
          <caption>Providers</caption>
          <TableHead columns={['Name', 'Kind', 'Base URL', 'Credential', 'Status', 'Updated']} actions />
          <tbody>
            {providers.items.map((provider) => {
              const update = permissions.check('update', SUBJECT, { ...provider });
              const remove = permissions.check('delete', SUBJECT, { ...provider });
              const deny = update.allowed ? undefined : (update.reason ?? 'Your roles do not allow changing providers.');
              return (
                <tr key={provider.id}>
                  <th scope="row">{provider.name}</th>
                  <td>{KIND_LABELS[provider.kind] ?? provider.kind}</td>
                  <td className="mono">{provider.baseUrl ?? <span className="muted">default</span>}</td>
                  <td data-testid="credential">
                    {replacing === provider.id ? (
                      <ReplaceCredentialForm
                        provider={provider}
                        onCancel={() => setReplacing(undefined)}
                        onSave={(credentials) =>
                          action.run(async () => {
                            const saved = await providersApi.replaceCredentials(provider.id, credentials);
                            providers.upsert(saved);
                            setReplacing(undefined);
                            return `Replaced the credential of ${provider.name}.`;
                          })
                        }
                      />
                    ) : provider.hasCredential ? (
                      <span className="mono" title="Only the last characters are ever shown">
                        {credentialMask(provider.credentialHint)}
                      </span>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>{provider.enabled ? <span className="badge badge-ok">enabled</span> : <span className="badge badge-fail">disabled</span>}</td>
                  <td>
                    <Time value={provider.updatedAt ?? provider.createdAt} />
                  </td>
                  <td className="actions">
                    {update.allowed && replacing !== provider.id ? (
                      <button type="button" className="button button-small" aria-label={`Replace credential of ${provider.name}`} onClick={() => setReplacing(provider.id)}>
                        Replace credential
                      </button>
                    ) : null}
                    {update.allowed ? (
                      <button
                        type="button"
                        className="button button-small"
                        title={deny}
                        onClick={() =>
                          action.run(async () => {
                            const saved = await providersApi.update(provider.id, { enabled: !provider.enabled });
                            providers.upsert(saved);
                            return `${saved.enabled ? 'Enabled' : 'Disabled'} ${provider.name}.`;
                          })
                        }
                      >
                        {provider.enabled ? 'Disable' : 'Enable'}
                      </button>
                    ) : null}
                    {remove.allowed ? (
                      <ConfirmButton
                        label="Delete"
                        confirmLabel="Delete provider"
                        question={`Delete ${provider.name}? Its credential is destroyed and routes through it stop working.`}
                        onConfirm={() =>
                          action.run(async () => {
                            await providersApi.remove(provider.id);
                            providers.remove(provider.id);
                            return `Deleted provider ${provider.name}.`;
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
    </section>
  );
}

interface CredentialDraft {
  apiKey: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const EMPTY_CREDENTIAL: CredentialDraft = { apiKey: '', accessKeyId: '', secretAccessKey: '' };

function credentialsOf(kind: ProviderKind, draft: CredentialDraft): ProviderCredentials {
  if (kind === 'bedrock') return { type: 'aws', accessKeyId: draft.accessKeyId.trim(), secretAccessKey: draft.secretAccessKey };
  if (!draft.apiKey.trim()) return { type: 'none' };
  return { type: 'api-key', apiKey: draft.apiKey.trim() };
}

function credentialProblems(kind: ProviderKind, draft: CredentialDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (kind === 'bedrock') {
    if (!draft.accessKeyId.trim()) errors['accessKeyId'] = 'Enter the AWS access key id.';
    if (!draft.secretAccessKey) errors['secretAccessKey'] = 'Enter the AWS secret access key.';
  } else if (kind !== 'openai-compatible' && !draft.apiKey.trim()) {
    errors['apiKey'] = 'Enter the provider API key.';
  }
  return errors;
}

/** The write-only secret inputs of a provider kind (password fields: not shown, not autofilled, not kept after saving). */
function CredentialFields({ idPrefix, kind, draft, onChange, errors }: { idPrefix: string; kind: ProviderKind; draft: CredentialDraft; onChange: (draft: CredentialDraft) => void; errors: FieldErrors }) {
  const secret = { type: 'password', autoComplete: 'new-password', spellCheck: false } as const;
  if (kind === 'bedrock') {
    return (
      <>
        <Field id={`${idPrefix}-access-key-id`} label="AWS access key id" error={errors['accessKeyId']}>
          {(props) => <input {...props} {...secret} value={draft.accessKeyId} onChange={(event) => onChange({ ...draft, accessKeyId: event.target.value })} />}
        </Field>
        <Field id={`${idPrefix}-secret-access-key`} label="AWS secret access key" error={errors['secretAccessKey']}>
          {(props) => <input {...props} {...secret} value={draft.secretAccessKey} onChange={(event) => onChange({ ...draft, secretAccessKey: event.target.value })} />}
        </Field>
      </>
    );
  }
  return (
    <Field
      id={`${idPrefix}-api-key`}
      label="API key"
      error={errors['apiKey'] ?? errors['credentials']}
      hint={kind === 'openai-compatible' ? 'Leave empty for a server without authentication (Ollama, a local vLLM).' : 'Write-only: it is encrypted and never shown again.'}
    >
      {(props) => <input {...props} {...secret} value={draft.apiKey} onChange={(event) => onChange({ ...draft, apiKey: event.target.value })} />}
    </Field>
  );
}

function AddProviderForm({ onCreated }: { onCreated: (provider: Provider) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ProviderKind>('openai');
  const [baseUrl, setBaseUrl] = useState('');
  const [region, setRegion] = useState('');
  const [credential, setCredential] = useState<CredentialDraft>(EMPTY_CREDENTIAL);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = { ...credentialProblems(kind, credential) };
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(name.trim()) || name.trim() === 'local') found['name'] = 'Use up to 40 lowercase letters, digits and dashes, starting with a letter (e.g. openai or azure-eu); not "local". Its models are named after it.';
    if (baseUrl.trim() && !/^https?:\/\/\S+$/.test(baseUrl.trim())) found['baseUrl'] = 'An http(s) URL, e.g. http://localhost:11434/v1.';
    if (kind === 'openai-compatible' && !baseUrl.trim()) found['baseUrl'] = 'An OpenAI-compatible endpoint needs its base URL.';
    if (kind === 'bedrock' && !region.trim()) found['region'] = 'Enter the AWS region (e.g. us-east-1).';
    setErrors(found);
    setProblems([]);
    setFailure(undefined);
    if (!isValid(found)) return;
    setBusy(true);
    const input: NewProvider = {
      name: name.trim(),
      kind,
      ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
      credentials: credentialsOf(kind, credential),
      ...(kind === 'bedrock' ? { options: { region: region.trim() } } : {}),
    };
    try {
      const provider = await providersApi.create(input);
      setName('');
      setBaseUrl('');
      setRegion('');
      onCreated(provider);
    } catch (error) {
      const split = splitIssues(error, ['name', 'kind', 'baseUrl', 'credentials', 'options']);
      setErrors({ ...split.fields, ...(split.fields['options'] ? { region: split.fields['options'] } : {}) });
      setProblems(split.other);
      if (!Object.keys(split.fields).length && !split.other.length) setFailure(asError(error));
    } finally {
      // The secret never outlives the request, whatever its outcome.
      setCredential(EMPTY_CREDENTIAL);
      setBusy(false);
    }
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="add-provider-title" autoComplete="off">
      <h2 id="add-provider-title">Add a provider</h2>
      <FormProblems problems={problems} />
      {failure ? <GatewayErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="provider-name" label="Provider name" error={errors['name']}>
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="provider-kind" label="Kind" error={errors['kind']}>
          {(props) => (
            <select {...props} value={kind} onChange={(event) => setKind(event.target.value as ProviderKind)}>
              {PROVIDER_KINDS.map((value) => (
                <option key={value} value={value}>
                  {KIND_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="provider-base-url" label="Base URL (optional)" error={errors['baseUrl']} hint="Leave empty for the provider's public endpoint.">
          {(props) => <input {...props} type="url" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} />}
        </Field>
        {kind === 'bedrock' ? (
          <Field id="provider-region" label="AWS region" error={errors['region']}>
            {(props) => <input {...props} value={region} onChange={(event) => setRegion(event.target.value)} />}
          </Field>
        ) : null}
      </div>
      <div className="form-row">
        <CredentialFields idPrefix="provider" kind={kind} draft={credential} onChange={setCredential} errors={errors} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add provider'}
        </button>
      </div>
    </form>
  );
}

function ReplaceCredentialForm({ provider, onSave, onCancel }: { provider: Provider; onSave: (credentials: ProviderCredentials) => Promise<void>; onCancel: () => void }) {
  const [draft, setDraft] = useState<CredentialDraft>(EMPTY_CREDENTIAL);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="inline-form"
      autoComplete="off"
      aria-label={`New credential for ${provider.name}`}
      onSubmit={async (event) => {
        event.preventDefault();
        const found = credentialProblems(provider.kind, draft);
        setErrors(found);
        if (!isValid(found)) return;
        setBusy(true);
        const credentials = credentialsOf(provider.kind, draft);
        setDraft(EMPTY_CREDENTIAL);
        await onSave(credentials);
        setBusy(false);
      }}
    >
      <CredentialFields idPrefix={`replace-${provider.id}`} kind={provider.kind} draft={draft} onChange={setDraft} errors={errors} />
      <div className="form-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          Save credential
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
