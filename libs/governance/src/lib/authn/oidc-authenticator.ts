import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { MembersRepository } from '../identity/members.repository';
import { ROLE_NAME } from '../policies/policy-rule';
import { UnauthenticatedError } from './authn.errors';
import { OidcProvidersRepository } from './oidc-providers.repository';
import type { AuthenticatedPrincipal } from './principal';

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Accepts JWTs from the issuers tenants configured: the issuer and audience pick the provider (and
 * so the tenant), the signature is checked against the issuer's JWKS (discovered from
 * /.well-known/openid-configuration unless configured, cached by jose with a cooldown), and the
 * claims map to a user and roles.
 */
@Injectable()
export class OidcAuthenticator {
  private readonly jwksByUri = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  private readonly discovered = new Map<string, Promise<string>>();

  constructor(
    private readonly providers: OidcProvidersRepository,
    private readonly members: MembersRepository,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedPrincipal> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new UnauthenticatedError('invalid_credential', 'The bearer token is neither a Strata API key nor a JWT.');
    }
    const audiences = [unverified.aud ?? []].flat();
    const candidates = unverified.iss ? await this.providers.forIssuer(unverified.iss) : [];
    const provider = candidates.find((candidate) => audiences.includes(candidate.audience));
    if (!provider) {
      throw new UnauthenticatedError('invalid_credential', 'No tenant accepts tokens from this issuer for this audience.');
    }

    let payload: JWTPayload;
    try {
      const jwks = await this.jwksFor(provider.issuer, provider.jwksUri);
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: provider.issuer,
        audience: provider.audience,
        algorithms: provider.algorithms.length ? provider.algorithms : DEFAULT_ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new UnauthenticatedError('credential_expired', 'The token has expired. Sign in again.');
      }
      if (error instanceof UnauthenticatedError) throw error;
      throw new UnauthenticatedError('invalid_credential', `The token was rejected: ${(error as Error).message}.`);
    }

    const roles = mapRoles(payload[provider.rolesClaim], provider.roleMapping as Record<string, string[]>, provider.defaultRoles);
    const email = typeof payload['email'] === 'string' ? payload['email'] : undefined;
    const name = typeof payload['name'] === 'string' ? payload['name'] : (email ?? String(payload.sub));
    const user = await this.members.provisionFromIdentity({
      tenantId: provider.tenantId,
      issuer: provider.issuer,
      subject: String(payload.sub),
      email,
      displayName: name,
      roles,
    });
    if (user.disabled) throw new UnauthenticatedError('principal_disabled', 'This user is disabled in Strata.');
    return { tenantId: provider.tenantId, actor: { type: 'user', id: user.userId, roles }, via: 'oidc', credentialId: provider.id };
  }

  private async jwksFor(issuer: string, configured: string | null) {
    const uri = configured ?? (await this.discover(issuer));
    let jwks = this.jwksByUri.get(uri);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: DISCOVERY_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.jwksByUri.set(uri, jwks);
    }
    return jwks;
  }

  private discover(issuer: string): Promise<string> {
    let pending = this.discovered.get(issuer);
    if (!pending) {
      pending = (async () => {
        const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
        const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
        if (!response.ok) throw new UnauthenticatedError('invalid_credential', `The issuer's discovery document answered ${response.status}.`);
        const document = (await response.json()) as { jwks_uri?: string; issuer?: string };
        if (document.issuer !== issuer || !document.jwks_uri) {
          throw new UnauthenticatedError('invalid_credential', "The issuer's discovery document does not match the issuer.");
        }
        return document.jwks_uri;
      })();
      // A failed discovery is retried on the next request rather than cached.
      pending.catch(() => this.discovered.delete(issuer));
      this.discovered.set(issuer, pending);
    }
    return pending;
  }
}

/** External roles or groups (array, or a space-separated string) mapped to Strata role names. */
export function mapRoles(claim: unknown, mapping: Record<string, string[]>, defaults: string[]): string[] {
  const external = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/\s+/) : [];
  const roles = new Set(defaults);
  for (const name of external) for (const role of mapping[name] ?? []) roles.add(role);
  return [...roles].filter((role) => ROLE_NAME.test(role)).sort();
}
