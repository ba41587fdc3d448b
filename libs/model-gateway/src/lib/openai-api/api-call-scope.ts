import type { Request } from 'express';
import type { AuthenticatedPrincipal } from '@strata/governance';
import type { GatewayCallScope } from '../gateway/gateway.contract';

/**
 * Who a /v1 call is accounted to beyond tenant and actor (those are in the request context): the
 * API key it authenticated with, so per-key budgets apply. The authentication guard leaves the
 * principal on the request.
 */
export function apiCallScope(request: Request): GatewayCallScope {
  const principal = (request as Request & { principal?: AuthenticatedPrincipal }).principal;
  return principal?.via === 'api_key' ? { apiKeyId: principal.credentialId } : {};
}
