import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { generateApiKey } from '../api-keys/api-key-token';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AuditLog } from '../audit/audit-log.service';
import { MutationRunner } from '../http/mutation-runner';
import { ServiceAccountsRepository } from '../identity/service-accounts.repository';
import { TenantsRepository } from '../identity/tenants.repository';

export interface ProvisionedTenant {
  tenant: { id: string; slug: string; name: string };
  serviceAccountId: string;
  /** The owner API key: shown once, never stored in clear. */
  token: string;
}

/**
 * Creates tenants the way a platform operator does: the tenant, an owner service account and an
 * API key for it. The first start uses it (bootstrapIfEmpty) so there is a way in; concurrent
 * first starts create exactly one tenant (advisory lock), and later starts do nothing.
 */
@Injectable()
export class TenantProvisioningService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  provision(input: { slug: string; name: string }): Promise<ProvisionedTenant> {
    return this.asPlatform(() => this.mutations.run('tenant.create', (tx) => this.create(input, tx)));
  }

  async bootstrapIfEmpty(): Promise<ProvisionedTenant | null> {
    if ((await this.tenants.count()) > 0) return null;
    return this.asPlatform(() =>
      this.mutations.run('tenant.bootstrap', async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('strata.bootstrap'))`;
        if ((await tx.tenant.count()) > 0) return null;
        return this.create({ slug: 'default', name: 'Default tenant' }, tx);
      }),
    );
  }

  private async create(input: { slug: string; name: string }, tx: Prisma.TransactionClient): Promise<ProvisionedTenant> {
    const tenant = await this.tenants.create(input, tx);
    const secret = generateApiKey();
    return RequestContextStore.with({ tenantId: tenant.id }, async () => {
      const account = await this.serviceAccounts.create(
        { name: 'owner', description: 'Created with the tenant. Create personal keys and rotate this one.', roles: ['owner'] },
        tx,
      );
      const key = await this.keys.create(
        {
          name: 'owner',
          prefix: secret.prefix,
          secretHash: secret.secretHash,
          principalType: 'service_account',
          serviceAccountId: account.id,
          roles: ['owner'],
          createdById: 'system:provisioning',
        },
        tx,
      );
      await this.audit.append(
        {
          action: 'tenant.create',
          outcome: 'success',
          target: { type: 'Tenant', id: tenant.id },
          details: { slug: tenant.slug, serviceAccountId: account.id, apiKeyId: key.id, apiKeyPrefix: key.prefix },
        },
        tx,
      );
      return { tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, serviceAccountId: account.id, token: secret.token };
    });
  }

  private asPlatform<T>(work: () => Promise<T>): Promise<T> {
    return RequestContextStore.run({ requestId: newId(), actor: { type: 'system', id: 'platform', roles: ['owner'] } }, work);
  }
}
