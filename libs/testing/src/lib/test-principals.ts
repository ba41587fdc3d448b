import { newId, RequestContextStore, type Actor } from '@strata/kernel';

/** A user actor with these roles (a fresh id each call), for service-level tests. */
export function testUser(roles: string[]): Actor {
  return { type: 'user', id: newId(), roles };
}

/** Runs `fn` as `actor` in `tenantId` (and under `purpose`), the way the API's middleware would. */
export function runAs<T>(tenantId: string, actor: Actor, fn: () => Promise<T>, purpose?: string): Promise<T> {
  return RequestContextStore.run({ requestId: newId(), tenantId, actor, purpose }, fn);
}
