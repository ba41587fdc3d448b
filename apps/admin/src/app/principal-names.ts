import { useEffect, useState } from 'react';
import { membersApi } from '../api/members';
import { serviceAccountsApi } from '../api/service-accounts';
import { session } from '../api/session';
import { useMe } from './me-context';

type Names = ReadonlyMap<string, string>;

let cache: { apiKey: string | null; names: Promise<Names> } | undefined;

/** Forget the names (after creating a service account or a member, so the new one is named). */
export function invalidatePrincipalNames(): void {
  cache = undefined;
}

/**
 * Names of the tenant's service accounts and members, by `type:id` (the form audit entries,
 * decisions and approvals use), loaded once per session: what the caller may read of them, the
 * first 200 of each. An id with no name (an agent, a principal beyond those, a deleted one) shows
 * as the id itself.
 */
export function usePrincipalNames(): Names {
  const { me, permissions } = useMe();
  const [names, setNames] = useState<Names>(new Map());
  const readAccounts = permissions.can('read', 'ServiceAccount');
  const readMembers = permissions.can('read', 'Membership');
  useEffect(() => {
    if (!me) return;
    const apiKey = session.apiKey();
    if (!cache || cache.apiKey !== apiKey) {
      cache = { apiKey, names: loadNames(readAccounts, readMembers) };
    }
    let live = true;
    cache.names.then((loaded) => live && setNames(loaded));
    return () => {
      live = false;
    };
  }, [me, readAccounts, readMembers]);
  return names;
}

async function loadNames(readAccounts: boolean, readMembers: boolean): Promise<Names> {
  const names = new Map<string, string>();
  // Names are a convenience: a failure leaves ids, and the page shows its own errors.
  const [accounts, members] = await Promise.all([
    readAccounts ? serviceAccountsApi.list(undefined, 200).catch(() => undefined) : undefined,
    readMembers ? membersApi.list(undefined, 200).catch(() => undefined) : undefined,
  ]);
  for (const account of accounts?.items ?? []) names.set(`service_account:${account.id}`, account.name);
  for (const member of members?.items ?? []) names.set(`user:${member.userId}`, member.user.displayName || member.user.email || member.userId);
  return names;
}
