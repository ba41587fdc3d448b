import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { RequestContextStore } from '@strata/kernel';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import { looksLikeApiKey } from '../api-keys/api-key-token';
import { PurposesRepository } from '../purposes/purposes.repository';
import { InvalidHeaderError, JustificationRequiredError, UnauthenticatedError, UnknownPurposeError } from './authn.errors';
import { OidcAuthenticator } from './oidc-authenticator';
import type { AuthenticatedPrincipal } from './principal';

export const PURPOSE_HEADER = 'x-strata-purpose';
export const JUSTIFICATION_HEADER = 'x-strata-justification';
const MAX_PURPOSE = 64;
const MAX_JUSTIFICATION = 1000;

/**
 * Authenticates one HTTP request: `Authorization: Bearer <API key | OIDC JWT>` (or `X-API-Key`),
 * the declared purpose and justification; leaves the principal on the request and puts tenant,
 * actor, purpose and justification into the request context. Shared by the global
 * {@link AuthenticationGuard} (every Nest route) and the model gateway's /v1 lane, which serves its
 * routes on the raw HTTP server, so both authenticate exactly alike. Must run inside the request's
 * {@link RequestContextStore} context.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly oidc: OidcAuthenticator,
    private readonly purposes: PurposesRepository,
  ) {}

  async authenticate(request: IncomingMessage & { principal?: AuthenticatedPrincipal }): Promise<AuthenticatedPrincipal> {
    const token = credentialOf(request);
    if (!token) {
      throw new UnauthenticatedError('unauthenticated', 'This route needs credentials: send Authorization: Bearer <API key or OIDC token>.');
    }
    const principal = looksLikeApiKey(token) ? await this.apiKeys.authenticate(token) : await this.oidc.authenticate(token);

    const purpose = headerValue(request, PURPOSE_HEADER, MAX_PURPOSE);
    const justification = headerValue(request, JUSTIFICATION_HEADER, MAX_JUSTIFICATION);
    if (purpose) {
      const declared = await this.purposes.findActive(principal.tenantId, purpose);
      if (!declared) throw new UnknownPurposeError(purpose);
      if (declared.requiresJustification && !justification) throw new JustificationRequiredError(purpose);
    }

    request.principal = principal;
    RequestContextStore.update({ tenantId: principal.tenantId, actor: principal.actor, purpose, justification });
    // The request's span was opened before anyone knew the tenant: tag it now, so the trace store
    // files the trace under its tenant. Only while it is still recording: the active span can be one
    // that already ended (a layer span that closed when it handed on), and tagging that is a no-op
    // the SDK warns about; the HTTP server span is tagged from `request.principal` when it ends.
    const span = trace.getActiveSpan();
    if (span?.isRecording()) span.setAttributes({
      'strata.tenant.id': principal.tenantId,
      'strata.actor.type': principal.actor.type,
      'strata.actor.id': principal.actor.id,
      ...(purpose ? { 'strata.purpose': purpose } : {}),
    });
    return principal;
  }
}

function credentialOf(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const [scheme, value] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
    throw new UnauthenticatedError('invalid_credential', 'Use the Bearer scheme: Authorization: Bearer <credential>.');
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey.trim() : undefined;
}

function headerValue(request: IncomingMessage, name: string, max: number): string | undefined {
  const value = request.headers[name];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (trimmed.length > max) throw new InvalidHeaderError(name, `is longer than ${max} characters`);
  return trimmed;
}
