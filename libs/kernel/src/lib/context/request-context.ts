import { AsyncLocalStorage } from 'node:async_hooks';
import { MissingRequestContextError } from '../errors/kernel.errors';

/** Who acts. A user, a service account (API key), an agent acting for someone, or the platform itself. */
export interface Actor {
  type: 'user' | 'service_account' | 'agent' | 'system';
  id: string;
  /** Role names the actor holds in the context's tenant. */
  roles?: readonly string[];
}

/**
 * What every layer needs to know about the current request or job: whose data (tenant), who acts,
 * for whom (on-behalf-of: the user an agent acts for), why (purpose and justification), and how to
 * correlate it (request and trace ids). Set once at the edge (HTTP middleware, worker), then read
 * anywhere below through {@link RequestContextStore}; never taken from a request body.
 */
export interface RequestContext {
  requestId: string;
  tenantId?: string;
  actor?: Actor;
  onBehalfOf?: Actor;
  purpose?: string;
  justification?: string;
  traceId?: string;
  /** The client's address as seen by the API (after trusted proxies). */
  ip?: string;
}

/** Mutable only through {@link RequestContextStore.update}: one holder per request or job. */
interface Holder {
  context: Readonly<RequestContext>;
}

const storage = new AsyncLocalStorage<Holder>();

/** The request context carried through async calls (AsyncLocalStorage). */
export const RequestContextStore = {
  /** Runs `fn` with `context` as the current context; nested calls see it, callers outside do not. */
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run({ context: Object.freeze({ ...context }) }, fn);
  },

  /** Runs `fn` with the current context extended by `patch` (e.g. after authentication). */
  with<T>(patch: Partial<RequestContext>, fn: () => T): T {
    const current = storage.getStore()?.context;
    if (!current && !patch.requestId) {
      throw new MissingRequestContextError('a request id');
    }
    return storage.run({ context: Object.freeze({ ...current, ...patch } as RequestContext) }, fn);
  },

  /**
   * Sets fields of the current context for the rest of this request or job, everywhere in it
   * (authentication adds tenant, actor and purpose after the context was opened).
   */
  update(patch: Partial<RequestContext>): void {
    const holder = storage.getStore();
    if (!holder) throw new MissingRequestContextError('a request context');
    holder.context = Object.freeze({ ...holder.context, ...patch });
  },

  current(): Readonly<RequestContext> | undefined {
    return storage.getStore()?.context;
  },

  /** The current context; throws if there is none (a bug: code ran outside a request or job). */
  require(): Readonly<RequestContext> {
    const context = storage.getStore()?.context;
    if (!context) throw new MissingRequestContextError('a request context');
    return context;
  },

  /** The current tenant id; every tenant-scoped repository method reads it from here. */
  requireTenantId(): string {
    const tenantId = storage.getStore()?.context.tenantId;
    if (!tenantId) throw new MissingRequestContextError('a tenant');
    return tenantId;
  },
};
