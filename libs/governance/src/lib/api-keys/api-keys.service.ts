import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, RequestContextStore, type Clock } from '@strata/kernel';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { GovernanceError } from '../governance.errors';
import { pageOf, type Page } from '../http/paging';
import { MutationRunner } from '../http/mutation-runner';
import { MembersRepository } from '../identity/members.repository';
import { ServiceAccountsRepository } from '../identity/service-accounts.repository';
import { generateApiKey } from './api-key-token';
import { ApiKeysRepository } from './api-keys.repository';
import { VerifiedApiKeyCache } from './verified-api-key-cache';

export interface CreateApiKeyInput {
  name: string;
  serviceAccountId?: string;
  /** A membership id: a personal key of that member. */
  memberId?: string;
  roles: string[];
  expiresAt?: Date;
}

type ApiKeyView = NonNullable<Awaited<ReturnType<ApiKeysRepository['find']>>>;

export class ApiKeyNotFoundError extends GovernanceError {
  constructor(id: string) {
    super('governance.api_key_not_found', 'not_found', `No API key ${id} in this tenant.`, { details: { id } });
  }
}

/** API keys: created for a service account or a member, shown once, revocable, never more powerful than their principal. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly members: MembersRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly verifiedKeys: VerifiedApiKeyCache,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyView>> {
    const where = await this.authorization.accessibleWhere('read', 'ApiKey');
    return pageOf(await this.keys.list(where, limit, cursor), limit);
  }

  async get(id: string): Promise<ApiKeyView> {
    const key = await this.keys.find(id);
    if (!key) throw new ApiKeyNotFoundError(id);
    await this.authorization.authorize('read', 'ApiKey', key);
    return key;
  }

  /** Returns the key's metadata and the token, which is never retrievable again. */
  async create(input: CreateApiKeyInput): Promise<{ apiKey: ApiKeyView; token: string }> {
    if (Boolean(input.serviceAccountId) === Boolean(input.memberId)) {
      throw new GovernanceError('governance.invalid_api_key_principal', 'invalid_argument', 'Give exactly one of serviceAccountId or memberId.');
    }
    const principal = input.serviceAccountId
      ? await this.serviceAccounts.find(input.serviceAccountId)
      : await this.members.find(input.memberId as string);
    if (!principal) {
      throw new GovernanceError('governance.principal_not_found', 'not_found', 'The service account or member does not exist in this tenant.');
    }
    const missing = input.roles.filter((role) => !principal.roles.includes(role));
    if (missing.length) {
      throw new GovernanceError(
        'governance.role_not_held',
        'invalid_argument',
        `A key cannot carry roles its principal does not hold: ${missing.join(', ')}.`,
        { details: { missing } },
      );
    }
    if (input.expiresAt && input.expiresAt <= this.clock.now()) {
      throw new GovernanceError('governance.invalid_expiry', 'invalid_argument', 'expiresAt must be in the future.');
    }
    const record = {
      name: input.name,
      roles: input.roles,
      principalType: input.serviceAccountId ? 'service_account' : 'user',
      serviceAccountId: input.serviceAccountId ?? null,
      userId: 'userId' in principal ? principal.userId : null,
    };
    await this.authorization.authorize('create', 'ApiKey', record, { fields: Object.keys(record) });

    const secret = generateApiKey();
    const actor = RequestContextStore.require().actor;
    const apiKey = await this.mutations.run('api_key.create', async (tx) => {
      const created = await this.keys.create(
        {
          name: input.name,
          prefix: secret.prefix,
          secretHash: secret.secretHash,
          principalType: record.principalType as 'user' | 'service_account',
          serviceAccountId: input.serviceAccountId,
          userId: record.userId ?? undefined,
          roles: input.roles,
          expiresAt: input.expiresAt,
          createdById: actor ? `${actor.type}:${actor.id}` : undefined,
        },
        tx,
      );
      await this.audit.append(
        {
          action: 'api_key.create',
          outcome: 'success',
          target: { type: 'ApiKey', id: created.id },
          details: { name: created.name, prefix: created.prefix, roles: created.roles, principalType: created.principalType, expiresAt: created.expiresAt },
        },
        tx,
      );
      return created;
    });
    return { apiKey, token: secret.token };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const key = await this.keys.find(id);
    if (!key) throw new ApiKeyNotFoundError(id);
    await this.authorization.authorize('revoke', 'ApiKey', key);
    if (key.revokedAt) return key;
    const revoked = await this.mutations.run('api_key.revoke', async (tx) => {
      const row = await this.keys.revoke(id, this.clock.now(), tx);
      await this.audit.append({ action: 'api_key.revoke', outcome: 'success', target: { type: 'ApiKey', id }, details: { prefix: key.prefix } }, tx);
      return row;
    });
    // Refused from the next request on (this node); other nodes within VerifiedApiKeyCache.TTL_MS.
    this.verifiedKeys.forgetKey(id);
    return revoked;
  }
}
