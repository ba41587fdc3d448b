import { useState, type FormEvent } from 'react';
import { membersApi, type Member } from '../../api/members';
import { EMAIL, roleProblem, splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { invalidatePrincipalNames } from '../../app/principal-names';
import { usePagedList } from '../../app/use-paged-list';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, FormProblems } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { RolePicker } from '../../components/RolePicker';
import { RoleList } from '../../components/RoleList';
import { Time } from '../../components/Time';
import { useFormSubmit } from '../../app/use-form-submit';
import { useAction } from '../../app/use-action';
import { TableHead } from '../../components/TableHead';

/** The people of the tenant: add one by email with roles, change roles, remove. */
export function MembersPage() {
  const { me, permissions } = useMe();
  const list = usePagedList((cursor) => membersApi.list(cursor), 'members');
  const { error: actionError, setError: setActionError, done, setDone, run } = useAction();
  const [editing, setEditing] = useState<string>();

  return (
    <section>
      <h1>Members</h1>
      <p className="lead">People who sign in to this tenant and the roles they hold. A member&apos;s API keys never carry more than the member&apos;s roles.</p>

      {permissions.can('create', 'Membership') ? (
        <AddMemberForm
          onAdded={(member) => {
            list.upsert(member);
            invalidatePrincipalNames();
            setActionError(undefined);
            setDone(`Added ${member.user.displayName} (${member.user.email ?? 'no email'}) as ${member.roles.join(', ')}.`);
          }}
        />
      ) : me ? (
        <p className="muted">Your roles do not allow adding members.</p>
      ) : null}

      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}
      {list.error ? <ErrorNotice error={list.error} /> : null}

      <ListState loading={list.loading} empty={list.items.length === 0} emptyText={list.error ? 'Members could not be loaded.' : 'No members yet.'}>
        <table className="table table-wide">
          <caption>Members of {me?.tenant.name ?? 'the tenant'}</caption>
          <TableHead columns={['Name', 'Email', 'Roles', 'Added']} actions />
          <tbody>
            {list.items.map((member) => {
              const record = { id: member.id, userId: member.userId, roles: member.roles };
              const update = permissions.check('update', 'Membership', record, 'roles');
              const remove = permissions.check('delete', 'Membership', record);
              const isSelf = me?.actor.type === 'user' && me.actor.id === member.userId;
              return (
                <tr key={member.id}>
                  <th scope="row">
                    {member.user.displayName}
                    {isSelf ? <span className="muted"> (you)</span> : null}
                    {member.user.disabledAt ? <span className="badge badge-fail">disabled</span> : null}
                  </th>
                  <td>{member.user.email ?? <span className="muted">none</span>}</td>
                  <td>
                    {editing === member.id ? (
                      <EditRoles
                        member={member}
                        onCancel={() => setEditing(undefined)}
                        onSave={(roles) =>
                          run(async () => {
                            const updated = await membersApi.updateRoles(member.id, roles);
                            list.upsert(updated);
                            setEditing(undefined);
                            return `${updated.user.displayName} now holds ${updated.roles.join(', ') || 'no role'}.`;
                          })
                        }
                      />
                    ) : (
                      <RoleList roles={member.roles} />
                    )}
                  </td>
                  <td>
                    <Time value={member.createdAt} />
                  </td>
                  <td className="actions">
                    {editing === member.id ? null : (
                      <>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!update.allowed}
                          title={update.allowed ? undefined : (update.reason ?? 'Your roles do not allow changing roles.')}
                          aria-label={`Edit roles of ${member.user.displayName}`}
                          onClick={() => setEditing(member.id)}
                        >
                          Edit roles
                        </button>
                        <ConfirmButton
                          label="Remove"
                          confirmLabel="Remove member"
                          question={`Remove ${member.user.displayName} from the tenant?`}
                          disabled={!remove.allowed || isSelf}
                          title={isSelf ? 'You cannot remove yourself.' : remove.allowed ? undefined : (remove.reason ?? 'Your roles do not allow removing members.')}
                          onConfirm={() =>
                            run(async () => {
                              await membersApi.remove(member.id);
                              list.remove(member.id);
                              return `Removed ${member.user.displayName}. Their personal API keys no longer work in this tenant.`;
                            })
                          }
                        />
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
    </section>
  );
}

function AddMemberForm({ onAdded }: { onAdded: (member: Member) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<string[]>(['viewer']);
  const [formKey, setFormKey] = useState(0);

  const { errors, problems, failure, busy, send } = useFormSubmit();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!EMAIL.test(email.trim())) found['email'] = 'Enter an email address such as ada@example.com.';
    if (!displayName.trim()) found['displayName'] = 'Enter the name to show for this person.';
    const rolesWrong = roleProblem(roles);
    if (rolesWrong) found['roles'] = rolesWrong;
    await send(
      found,
      async () => {
        const member = await membersApi.add({ email: email.trim(), displayName: displayName.trim(), roles });
        setEmail('');
        setDisplayName('');
        setRoles(['viewer']);
        setFormKey((key) => key + 1);
        onAdded(member);
      },
      (error) => splitIssues(error, ['email', 'displayName', 'roles']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="add-member-title">
      <h2 id="add-member-title">Add a member</h2>
      <FormProblems problems={problems} />
      {failure ? <ErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="member-email" label="Email" error={errors['email']}>
          {(props) => <input {...props} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />}
        </Field>
        <Field id="member-name" label="Display name" error={errors['displayName']}>
          {(props) => <input {...props} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />}
        </Field>
      </div>
      <RolePicker key={formKey} id="member-roles" legend="Roles" value={roles} onChange={setRoles} error={errors['roles']} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </div>
    </form>
  );
}

function EditRoles({ member, onSave, onCancel }: { member: Member; onSave: (roles: string[]) => Promise<void>; onCancel: () => void }) {
  const [roles, setRoles] = useState<string[]>(member.roles);
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
        setBusy(true);
        await onSave(roles);
        setBusy(false);
      }}
    >
      <RolePicker id={`roles-${member.id}`} legend={`Roles of ${member.user.displayName}`} value={roles} onChange={setRoles} error={problem} />
      <div className="form-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          Save roles
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
