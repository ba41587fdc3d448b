import { createContext, useContext, useMemo } from 'react';
import type { WhoAmI } from '../api/governance';
import { Permissions } from './permissions';

export interface MeState {
  /** The signed-in caller, once `GET /governance/me` answered. */
  me: WhoAmI | undefined;
  permissions: Permissions;
  /** Asks again (after a change that may change the caller's own rules, such as a new policy version). */
  refresh: () => void;
}

const MeContext = createContext<MeState>({ me: undefined, permissions: Permissions.none(), refresh: () => undefined });

export function MeProvider({ me, refresh, children }: { me: WhoAmI | undefined; refresh: () => void; children: React.ReactNode }) {
  const value = useMemo<MeState>(() => ({ me, permissions: new Permissions(me?.rules ?? []), refresh }), [me, refresh]);
  return <MeContext.Provider value={value}>{children}</MeContext.Provider>;
}

/** The caller and what it may do (nothing until /governance/me answered: actions stay hidden meanwhile). */
export function useMe(): MeState {
  return useContext(MeContext);
}
