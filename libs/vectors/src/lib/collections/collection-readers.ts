import type { Prisma } from '@strata/db';

/** Roles that read every collection whatever its `readerRoles` (the auditor reads everything). */
export const READER_ROLES_BYPASS: readonly string[] = ['owner', 'admin', 'auditor'];

/**
 * A collection's `readerRoles` narrows who may read and search it: empty means every role whose
 * grants allow reading collections; otherwise the caller needs one of the listed roles (or a
 * bypass role). Applied on top of the CASL rules, because a role list on the record cannot be
 * expressed as a rule condition (rules know the actor's id, not its roles).
 */
export function readerRolesWhere(roles: readonly string[]): Prisma.VectorCollectionWhereInput {
  if (roles.some((role) => READER_ROLES_BYPASS.includes(role))) return {};
  return { OR: [{ readerRoles: { isEmpty: true } }, { readerRoles: { hasSome: [...roles] } }] };
}

export function mayReadCollection(readerRoles: readonly string[], roles: readonly string[]): boolean {
  return readerRoles.length === 0 || roles.some((role) => READER_ROLES_BYPASS.includes(role) || readerRoles.includes(role));
}
