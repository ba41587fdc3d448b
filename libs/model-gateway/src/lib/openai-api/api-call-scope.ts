import type { IncomingMessage } from 'node:http';
import type { AuthenticatedPrincipal } from '@strata/governance';
import type { GatewayCallScope } from '../gateway/gateway.contract';

/** A /v1 request after authentication and body parsing (Express's or the /v1 lane's). */
export type V1Request = IncomingMessage & { body?: unknown; principal?: AuthenticatedPrincipal };

/**
 * Who a /v1 call is accounted to beyond tenant and actor (those are in the request context): the
 * API key it authenticated with, so per-key budgets apply. Authentication leaves the principal on
 * the request.
 */
export function apiCallScope(request: V1Request): GatewayCallScope {
  const principal = request.principal;
  return principal?.via === 'api_key' ? { apiKeyId: principal.credentialId } : {};
}
