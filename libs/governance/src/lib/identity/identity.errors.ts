import { GovernanceError } from '../governance.errors';

export class NotFoundInTenantError extends GovernanceError {
  constructor(what: 'service_account' | 'member' | 'purpose' | 'oidc_provider' | 'decision' | 'policy_version', id: string | number) {
    super(`governance.${what}_not_found`, 'not_found', `No ${what.replace(/_/g, ' ')} ${id} in this tenant.`, { details: { id } });
  }
}

export class AlreadyExistsError extends GovernanceError {
  constructor(what: string, name: string) {
    super('governance.already_exists', 'conflict', `A ${what} named "${name}" already exists in this tenant.`, { details: { what, name } });
  }
}

/** Prisma's unique-constraint violation, so a duplicate becomes a 409 rather than a 500. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
