import { useMemo, useState, type FormEvent } from 'react';
import { apiKeysApi, apiKeyState, type ApiKey } from '../../api/api-keys';
import { membersApi } from '../../api/members';
import { serviceAccountsApi, type ServiceAccount } from '../../api/service-accounts';
import { roleProblem, SLUG_NAME, splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { invalidatePrincipalNames } from '../../app/principal-names';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, FormProblems } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { RolePicker } from '../../components/RolePicker';
import { SecretReveal } from '../../components/SecretReveal';
import { RoleList } from '../../components/RoleList';
import { Time } from '../../components/Time';
import { useFormSubmit } from '../../app/use-form-submit';
import { useAction } from '../../app/use-action';
import { TableHead } from '../../components/TableHead';

/** Service accounts (non-human principals) and the API keys of service accounts and members. */
export function ApiKeysPage() {
  const { me, permissions } = useMe();
  const accounts = usePagedList((cursor) => serviceAccountsApi.list(cursor, 200), 'service-accounts');
  const keys = usePagedList((cursor) => apiKeysApi.list(cursor), 'api-keys');
  // Members name the owners of personal keys and are principals a key can be created for.
  const members = useLoad(() => (permissions.can('read', 'Membership') ? membersApi.list(undefined, 200) : Promise.resolve({ items: [], nextCursor: null })), String(Boolean(me)));
  const { error: actionError, setError: setActionError, done, setDone, run } = useAction();
  const [secret, setSecret] = useState<{ name: string; token: string }>();
  const [editing, setEditing] = useState<string>();

  const accountNames = useMemo(() => new Map(accounts.items.map((account) => [account.id, account.name])), [accounts.items]);
  const memberNames = useMemo(
    () => new Map((members.data?.items ?? []).map((member) => [member.userId, member.user.email ?? member.user.displayName])),
    [members.data],
  );

  return (
    <section>
      <h1>Service accounts &amp; API keys</h1>
      <p className="lead">
        Service accounts are the principals of automations and agents. API keys authenticate a service account or a member; a key carries at most its
        principal&apos;s roles and is shown once, when it is created.
      </p>

      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}

      <h2>Service accounts</h2>
      {permissions.can('create', 'ServiceAccount') ? (
        <CreateServiceAccountForm
          onCreated={(account) => {
            accounts.upsert(account);
            invalidatePrincipalNames();
            setActionError(undefined);
            setDone(`Created service account ${account.name}. Create an API key for it below.`);
          }}
        />
      ) : null}
      {accounts.error ? <ErrorNotice error={accounts.error} /> : null}
      <ListState loading={accounts.loading} empty={accounts.items.length === 0} emptyText={accounts.error ? 'Service accounts could not be loaded.' : 'No service accounts yet.'}>
        <table className="table table-wide">
          <caption>Service accounts</caption>
          <TableHead columns={['Name', 'Description', 'Roles', 'Status', 'Created']} actions />
          <tbody>
            {accounts.items.map((account) => {
              const update = permissions.check('update', 'ServiceAccount', { ...account });
              const deny = update.allowed ? undefined : (update.reason ?? 'Your roles do not allow changing service accounts.');
              return (
                <tr key={account.id}>
                  <th scope="row" className="mono">
                    {account.name}
                  </th>
                  <td colSpan={editing === account.id ? 2 : 1}>
                    {editing === account.id ? (
                      <EditServiceAccount
                        account={account}
                        onCancel={() => setEditing(undefined)}
                        onSave={(changes) =>
                          run(async () => {
                            const updated = await serviceAccountsApi.update(account.id, changes);
                            const { droppedFields, ...saved } = updated;
                            accounts.upsert(saved);
                            setEditing(undefined);
                            return droppedFields.length
                              ? `Saved ${account.name}, except ${droppedFields.join(', ')}: your policy does not allow changing ${droppedFields.length > 1 ? 'them' : 'it'}.`
                              : `Saved ${account.name}.`;
                          })
                        }
                      />
                    ) : (
                      account.description || <span className="muted">none</span>
                    )}
                  </td>
                  {editing === account.id ? null : (
                    <td>
                      <RoleList roles={account.roles} />
                    </td>
                  )}
                  <td>{account.disabledAt ? <span className="badge badge-fail">disabled</span> : <span className="badge badge-ok">active</span>}</td>
                  <td>
                    <Time value={account.createdAt} />
                  </td>
                  <td className="actions">
                    {editing === account.id ? null : (
                      <>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!update.allowed}
                          title={deny}
                          aria-label={`Edit ${account.name}`}
                          onClick={() => setEditing(account.id)}
                        >
                          Edit
                        </button>
                        {account.disabledAt ? (
                          <button
                            type="button"
                            className="button button-small"
                            disabled={!update.allowed}
                            title={deny}
                            onClick={() =>
                              run(async () => {
                                const { droppedFields, ...saved } = await serviceAccountsApi.update(account.id, { disabled: false });
                                accounts.upsert(saved);
                                return droppedFields.length ? `${account.name} was not enabled: your policy does not allow it.` : `Enabled ${account.name}.`;
                              })
                            }
                          >
                            Enable
                          </button>
                        ) : (
                          <ConfirmButton
                            label="Disable"
                            confirmLabel="Disable account"
                            question={`Disable ${account.name}? Its API keys stop working until it is enabled again.`}
                            disabled={!update.allowed}
                            title={deny}
                            onConfirm={() =>
                              run(async () => {
                                const { droppedFields, ...saved } = await serviceAccountsApi.update(account.id, { disabled: true });
                                accounts.upsert(saved);
                                return droppedFields.length ? `${account.name} was not disabled: your policy does not allow it.` : `Disabled ${account.name}.`;
                              })
                            }
                          />
                        )}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={accounts.hasMore} loading={accounts.loadingMore} onClick={accounts.loadMore} />

      <h2>API keys</h2>
      {secret ? <SecretReveal title={`API key "${secret.name}" created`} secret={secret.token} onDone={() => setSecret(undefined)} /> : null}
      {permissions.can('create', 'ApiKey') && !secret ? (
        <CreateApiKeyForm
          accounts={accounts.items.filter((account) => !account.disabledAt)}
          members={members.data?.items ?? []}
          onCreated={(apiKey, token) => {
            keys.upsert(apiKey);
            setActionError(undefined);
            setDone(undefined);
            setSecret({ name: apiKey.name, token });
          }}
        />
      ) : null}
      {keys.error ? <ErrorNotice error={keys.error} /> : null}
      <ListState loading={keys.loading} empty={keys.items.length === 0} emptyText={keys.error ? 'API keys could not be loaded.' : 'No API keys yet.'}>
        <table className="table table-wide">
          <caption>API keys</caption>
          <TableHead columns={['Name', 'Key prefix', 'Principal', 'Roles', 'Status', 'Expires', 'Last used']} actions />
          <tbody>
            {keys.items.map((key) => {
              const state = apiKeyState(key);
              const revoke = permissions.check('revoke', 'ApiKey', { ...key });
              return (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td className="mono">{key.prefix}</td>
                  <td>
                    {key.principalType === 'service_account' ? (
                      <span>
                        service account <span className="mono">{accountNames.get(key.serviceAccountId ?? '') ?? key.serviceAccountId}</span>
                      </span>
                    ) : (
                      <span>member {memberNames.get(key.userId ?? '') ?? <span className="mono">{key.userId}</span>}</span>
                    )}
                  </td>
                  <td>
                    <RoleList roles={key.roles} />
                  </td>
                  <td>
                    <span className={state === 'active' ? 'badge badge-ok' : 'badge badge-fail'}>{state}</span>
                  </td>
                  <td>
                    <Time value={key.expiresAt} empty="never" />
                  </td>
                  <td>
                    <Time value={key.lastUsedAt} empty="never" />
                  </td>
                  <td className="actions">
                    {state === 'revoked' ? null : (
                      <ConfirmButton
                        label="Revoke"
                        confirmLabel="Revoke key"
                        question={`Revoke "${key.name}"? Anything using it stops working at once.`}
                        disabled={!revoke.allowed}
                        title={revoke.allowed ? undefined : (revoke.reason ?? 'Your roles do not allow revoking keys.')}
                        onConfirm={() =>
                          run(async () => {
                            const revoked = await apiKeysApi.revoke(key.id);
                            keys.upsert(revoked);
                            return `Revoked "${key.name}" (${key.prefix}).`;
                          })
                        }
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={keys.hasMore} loading={keys.loadingMore} onClick={keys.loadMore} />
    </section>
  );
}

function CreateServiceAccountForm({ onCreated }: { onCreated: (account: ServiceAccount) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [formKey, setFormKey] = useState(0);

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!SLUG_NAME.test(name.trim())) found['name'] = 'Use 2–63 lowercase letters, digits and dashes, starting with a letter (e.g. claims-bot).';
    if (description.length > 1000) found['description'] = 'At most 1000 characters.';
    const rolesWrong = roleProblem(roles);
    if (rolesWrong) found['roles'] = rolesWrong;
    await send(
      found,
      async () => {
        const account = await serviceAccountsApi.create({ name: name.trim(), description: description.trim(), roles });
        setName('');
        setDescription('');
        setRoles([]);
        setFormKey((key) => key + 1);
        onCreated(account);
      },
      (error) => splitIssues(error, ['name', 'description', 'roles']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-sa-title">
      <h3 id="create-sa-title">Create a service account</h3>
      <FormProblems problems={problems} />
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="sa-name" label="Service account name" error={errors['name']} hint="Lowercase letters, digits and dashes; it cannot be renamed.">
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="sa-description" label="Description" error={errors['description']}>
          {(props) => <input {...props} value={description} onChange={(event) => setDescription(event.target.value)} />}
        </Field>
      </div>
      <RolePicker key={formKey} id="sa-roles" legend="Service account roles" value={roles} onChange={setRoles} error={errors['roles']} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create service account'}
        </button>
      </div>
    </form>
  );
}

function EditServiceAccount({
  account,
  onSave,
  onCancel,
}: {
  account: ServiceAccount;
  onSave: (changes: { description?: string; roles?: string[] }) => Promise<void>;
  onCancel: () => void;
}) {
  const [description, setDescription] = useState(account.description);
  const [roles, setRoles] = useState<string[]>(account.roles);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const wrong = roleProblem(roles);
        setProblem(wrong);
        if (wrong) return;
        const changes = {
          ...(description !== account.description ? { description } : {}),
          ...(roles.join() !== account.roles.join() ? { roles } : {}),
        };
        if (!Object.keys(changes).length) return onCancel();
        setBusy(true);
        await onSave(changes);
        setBusy(false);
      }}
    >
      <Field id={`sa-description-${account.id}`} label={`Description of ${account.name}`}>
        {(props) => <input {...props} value={description} maxLength={1000} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
      <RolePicker id={`sa-roles-${account.id}`} legend={`Roles of ${account.name}`} value={roles} onChange={setRoles} error={problem} />
      <div className="form-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          Save
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface PrincipalChoice {
  value: string;
  label: string;
  roles: string[];
  body: { serviceAccountId: string } | { memberId: string };
}

function CreateApiKeyForm({
  accounts,
  members,
  onCreated,
}: {
  accounts: ServiceAccount[];
  members: Array<{ id: string; roles: string[]; user: { email: string | null; displayName: string } }>;
  onCreated: (apiKey: ApiKey, token: string) => void;
}) {
  const choices: PrincipalChoice[] = useMemo(
    () => [
      ...accounts.map((account) => ({ value: `sa:${account.id}`, label: account.name, roles: account.roles, body: { serviceAccountId: account.id } })),
      ...members.map((member) => ({
        value: `member:${member.id}`,
        label: `${member.user.displayName}${member.user.email ? ` <${member.user.email}>` : ''}`,
        roles: member.roles,
        body: { memberId: member.id },
      })),
    ],
    [accounts, members],
  );
  const [name, setName] = useState('');
  const [principal, setPrincipal] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const chosen = choices.find((choice) => choice.value === principal);

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!name.trim()) found['name'] = 'Name the key after where it is used (e.g. ci-pipeline).';
    else if (name.trim().length > 100) found['name'] = 'At most 100 characters.';
    if (!chosen) found['principal'] = 'Choose the service account or member the key acts as.';
    const rolesWrong = roleProblem(roles);
    if (rolesWrong) found['roles'] = rolesWrong;
    let expiresAt: string | undefined;
    if (expires) {
      const end = new Date(`${expires}T23:59:59`);
      if (Number.isNaN(end.getTime()) || end.getTime() <= Date.now()) found['expiresAt'] = 'Choose a day in the future, or leave empty for a key that does not expire.';
      else expiresAt = end.toISOString();
    }
    await send(
      found,
      async () => {
        if (!chosen) return; // narrows; the check above already flagged it
        const created = await apiKeysApi.create({ name: name.trim(), roles, ...chosen.body, ...(expiresAt ? { expiresAt } : {}) });
        setName('');
        setPrincipal('');
        setRoles([]);
        setExpires('');
        onCreated(created.apiKey, created.token);
      },
      (error) => {
        const split = splitIssues(error, ['name', 'roles', 'expiresAt', 'serviceAccountId', 'memberId']);
        const { serviceAccountId, memberId, ...fields } = split.fields;
        const principalError = serviceAccountId ?? memberId;
        return { fields: { ...fields, ...(principalError ? { principal: principalError } : {}) }, other: split.other };
      },
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-key-title">
      <h3 id="create-key-title">Create an API key</h3>
      <FormProblems problems={problems} />
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="key-name" label="Key name" error={errors['name']}>
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field id="key-principal" label="Acts as" error={errors['principal']}>
          {(props) => (
            <select
              {...props}
              value={principal}
              onChange={(event) => {
                setPrincipal(event.target.value);
                setRoles(choices.find((choice) => choice.value === event.target.value)?.roles ?? []);
              }}
            >
              <option value="">Choose a principal…</option>
              {accounts.length ? (
                <optgroup label="Service accounts">
                  {choices
                    .filter((choice) => choice.value.startsWith('sa:'))
                    .map((choice) => (
                      <option key={choice.value} value={choice.value}>
                        {choice.label}
                      </option>
                    ))}
                </optgroup>
              ) : null}
              {members.length ? (
                <optgroup label="Members (personal keys)">
                  {choices
                    .filter((choice) => choice.value.startsWith('member:'))
                    .map((choice) => (
                      <option key={choice.value} value={choice.value}>
                        {choice.label}
                      </option>
                    ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>
        <Field id="key-expires" label="Expires on (optional)" error={errors['expiresAt']} hint="Last valid day, end of day in your time zone.">
          {(props) => <input {...props} type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />}
        </Field>
      </div>
      {chosen ? (
        <RolePicker
          key={chosen.value}
          id="key-roles"
          legend="Key roles"
          options={chosen.roles}
          value={roles}
          onChange={setRoles}
          error={errors['roles']}
          hint="A key carries at most its principal's roles; give it only what it needs."
        />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create API key'}
        </button>
      </div>
    </form>
  );
}
