import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import { MembersRepository } from '../identity/members.repository';
import { ServiceAccountsRepository } from '../identity/service-accounts.repository';
import { UnauthenticatedError } from '../authn/authn.errors';
import type { AuthenticatedPrincipal } from '../authn/principal';
import { parseApiKey, secretMatches } from './api-key-token';
import { ApiKeysRepository } from './api-keys.repository';

/** Turns an API key into a principal: its own roles, never more than its principal currently holds. */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly members: MembersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedPrincipal> {
    const parsed = parseApiKey(token);
    const invalid = new UnauthenticatedError('invalid_credential', 'The API key is not valid. Check that it was copied whole, or create a new one.');
    if (!parsed) throw invalid;
    const key = await this.keys.findByPrefixForAuthentication(parsed.prefix);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) throw invalid;
    const now = this.clock.now();
    if (key.revokedAt) throw new UnauthenticatedError('credential_revoked', 'This API key was revoked. Use another key.');
    if (key.expiresAt && key.expiresAt <= now) {
      throw new UnauthenticatedError('credential_expired', `This API key expired at ${key.expiresAt.toISOString()}. Create a new one.`);
    }

    let principalRoles: string[];
    let actorType: 'user' | 'service_account';
    let actorId: string;
    if (key.serviceAccountId) {
      const account = await this.serviceAccounts.findForAuthentication(key.serviceAccountId, key.tenantId);
      if (!account || account.disabledAt) throw new UnauthenticatedError('principal_disabled', 'The service account of this API key is disabled.');
      principalRoles = account.roles;
      actorType = 'service_account';
      actorId = account.id;
    } else if (key.userId) {
      const found = await this.members.membershipForAuthentication(key.userId, key.tenantId);
      if (!found || found.user.disabledAt) throw new UnauthenticatedError('principal_disabled', 'The user of this API key is disabled or no longer a member.');
      principalRoles = found.membership.roles;
      actorType = 'user';
      actorId = found.user.id;
    } else {
      throw invalid;
    }

    await this.keys.touch(key.id, now);
    return {
      tenantId: key.tenantId,
      actor: { type: actorType, id: actorId, roles: key.roles.filter((role) => principalRoles.includes(role)) },
      via: 'api_key',
      credentialId: key.id,
    };
  }
}
