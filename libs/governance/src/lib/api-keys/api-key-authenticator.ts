import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import { MembersRepository } from '../identity/members.repository';
import { ServiceAccountsRepository } from '../identity/service-accounts.repository';
import { UnauthenticatedError } from '../authn/authn.errors';
import type { AuthenticatedPrincipal } from '../authn/principal';
import { parseApiKey, secretMatches } from './api-key-token';
import { ApiKeysRepository } from './api-keys.repository';
import { VerifiedApiKeyCache, type VerifiedApiKey } from './verified-api-key-cache';

/** `last_used_at` is written at most this often per key (the repository enforces the same bound). */
const TOUCH_INTERVAL_MS = 60_000;

/** What the database says about a key: the row's hash, and the principal or why there is none. */
interface KeyLookup {
  keyId: string;
  secretHash: string;
  expiresAt: Date | null;
  outcome: { principal: AuthenticatedPrincipal } | { refused: UnauthenticatedError };
}

/**
 * Turns an API key into a principal: its own roles, never more than its principal currently holds.
 * Verified keys are cached for a few seconds (see {@link VerifiedApiKeyCache} for the staleness
 * bound); concurrent requests with a key that is not cached share one database lookup.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly logger = new Logger('ApiKeyAuthenticator');
  private readonly lookups = new Map<string, Promise<KeyLookup | null>>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly members: MembersRepository,
    private readonly cache: VerifiedApiKeyCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedPrincipal> {
    const parsed = parseApiKey(token);
    // Built only when thrown: an error captures a stack trace, a cost every valid request paid before.
    const invalid = () => new UnauthenticatedError('invalid_credential', 'The API key is not valid. Check that it was copied whole, or create a new one.');
    if (!parsed) throw invalid();
    const now = this.clock.now();
    const nowMs = now.getTime();

    const cached = this.cache.get(parsed.prefix, nowMs);
    if (cached && secretMatches(parsed.secret, cached.secretHash)) {
      checkExpiry(cached.expiresAt, now);
      if (nowMs - cached.touchedAtMs >= TOUCH_INTERVAL_MS) {
        cached.touchedAtMs = nowMs;
        // Off the request's path: last_used_at is informational and minute-grained.
        this.keys.touch(cached.keyId, now).catch((error: unknown) => this.logger.warn({ err: error, keyId: cached.keyId }, 'could not record API key use'));
      }
      return copyOf(cached.principal);
    }

    const lookup = await this.lookup(parsed.prefix);
    if (!lookup || !secretMatches(parsed.secret, lookup.secretHash)) throw invalid();
    if ('refused' in lookup.outcome) throw lookup.outcome.refused;
    checkExpiry(lookup.expiresAt, now);
    // Concurrent first requests share the lookup; only the first of them records the use.
    if (!this.cache.get(parsed.prefix, nowMs)) await this.keys.touch(lookup.keyId, now);
    const entry: VerifiedApiKey = {
      keyId: lookup.keyId,
      secretHash: lookup.secretHash,
      principal: lookup.outcome.principal,
      expiresAt: lookup.expiresAt,
      verifiedAtMs: nowMs,
      touchedAtMs: nowMs,
    };
    this.cache.set(parsed.prefix, entry);
    return copyOf(entry.principal);
  }

  private lookup(prefix: string): Promise<KeyLookup | null> {
    let pending = this.lookups.get(prefix);
    if (!pending) {
      pending = this.load(prefix).finally(() => this.lookups.delete(prefix));
      this.lookups.set(prefix, pending);
    }
    return pending;
  }

  private async load(prefix: string): Promise<KeyLookup | null> {
    const key = await this.keys.findByPrefixForAuthentication(prefix);
    if (!key) return null;
    const base = { keyId: key.id, secretHash: key.secretHash, expiresAt: key.expiresAt };
    if (key.revokedAt) return { ...base, outcome: { refused: new UnauthenticatedError('credential_revoked', 'This API key was revoked. Use another key.') } };

    let principalRoles: string[];
    let actorType: 'user' | 'service_account';
    let actorId: string;
    if (key.serviceAccountId) {
      const account = await this.serviceAccounts.findForAuthentication(key.serviceAccountId, key.tenantId);
      if (!account || account.disabledAt) {
        return { ...base, outcome: { refused: new UnauthenticatedError('principal_disabled', 'The service account of this API key is disabled.') } };
      }
      principalRoles = account.roles;
      actorType = 'service_account';
      actorId = account.id;
    } else if (key.userId) {
      const found = await this.members.membershipForAuthentication(key.userId, key.tenantId);
      if (!found || found.user.disabledAt) {
        return { ...base, outcome: { refused: new UnauthenticatedError('principal_disabled', 'The user of this API key is disabled or no longer a member.') } };
      }
      principalRoles = found.membership.roles;
      actorType = 'user';
      actorId = found.user.id;
    } else {
      return null;
    }
    return {
      ...base,
      outcome: {
        principal: {
          tenantId: key.tenantId,
          actor: { type: actorType, id: actorId, roles: key.roles.filter((role) => principalRoles.includes(role)) },
          via: 'api_key',
          credentialId: key.id,
        },
      },
    };
  }
}

function checkExpiry(expiresAt: Date | null, now: Date): void {
  if (expiresAt && expiresAt <= now) {
    throw new UnauthenticatedError('credential_expired', `This API key expired at ${expiresAt.toISOString()}. Create a new one.`);
  }
}

/** Callers get their own copy: the cached principal is shared by every request with the key. */
function copyOf(principal: AuthenticatedPrincipal): AuthenticatedPrincipal {
  return { ...principal, actor: { ...principal.actor, roles: [...principal.actor.roles] } };
}
