import type { Actor } from '@strata/kernel';

/** Who a request authenticated as, and in which tenant. */
export interface AuthenticatedPrincipal {
  tenantId: string;
  actor: Required<Pick<Actor, 'type' | 'id'>> & { roles: string[] };
  via: 'api_key' | 'oidc';
  /** The API key id or the OIDC provider id that vouched for the principal. */
  credentialId: string;
}
