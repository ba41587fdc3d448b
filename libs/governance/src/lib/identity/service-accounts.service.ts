import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { pageOf, type Page } from '../http/paging';
import { MutationRunner } from '../http/mutation-runner';
import { VerifiedApiKeyCache } from '../api-keys/verified-api-key-cache';
import { AlreadyExistsError, isUniqueViolation, NotFoundInTenantError } from './identity.errors';
import { ServiceAccountsRepository } from './service-accounts.repository';

type ServiceAccount = NonNullable<Awaited<ReturnType<ServiceAccountsRepository['find']>>>;

@Injectable()
export class ServiceAccountsService {
  constructor(
    private readonly accounts: ServiceAccountsRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    private readonly verifiedKeys: VerifiedApiKeyCache,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<ServiceAccount>> {
    return pageOf(await this.accounts.list(await this.authorization.accessibleWhere('read', 'ServiceAccount'), limit, cursor), limit);
  }

  async get(id: string): Promise<ServiceAccount> {
    const account = await this.accounts.find(id);
    if (!account) throw new NotFoundInTenantError('service_account', id);
    await this.authorization.authorize('read', 'ServiceAccount', account);
    return account;
  }

  async create(input: { name: string; description: string; roles: string[] }): Promise<ServiceAccount> {
    await this.authorization.authorize('create', 'ServiceAccount', input, { fields: Object.keys(input) });
    try {
      return await this.mutations.run('service_account.create', async (tx) => {
        const created = await this.accounts.create(input, tx);
        await this.audit.append(
          { action: 'service_account.create', outcome: 'success', target: { type: 'ServiceAccount', id: created.id }, details: { name: input.name, roles: input.roles } },
          tx,
        );
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('service account', input.name);
      throw error;
    }
  }

  /** Forbidden fields (per policy) are dropped and reported, not silently applied. */
  async update(id: string, input: { description?: string; roles?: string[]; disabled?: boolean }): Promise<ServiceAccount & { droppedFields: string[] }> {
    const account = await this.accounts.find(id);
    if (!account) throw new NotFoundInTenantError('service_account', id);
    const { disabled, ...fields } = input;
    const changes: Record<string, unknown> = { ...fields, ...(disabled === undefined ? {} : { disabledAt: disabled ? new Date() : null }) };
    const { input: permitted, dropped } = await this.authorization.permittedInput('update', 'ServiceAccount', account, changes);
    await this.authorization.authorize('update', 'ServiceAccount', { ...account, ...permitted }, { fields: Object.keys(permitted) });
    const updated = await this.mutations.run('service_account.update', async (tx) => {
      const row = await this.accounts.update(id, permitted as { description?: string; roles?: string[]; disabledAt?: Date | null }, tx);
      await this.audit.append(
        { action: 'service_account.update', outcome: 'success', target: { type: 'ServiceAccount', id }, details: { changed: Object.keys(permitted), dropped, roles: row.roles } },
        tx,
      );
      return row;
    });
    // Its keys carry its roles and its disabled state: authenticate them afresh.
    this.verifiedKeys.clear();
    return { ...updated, droppedFields: dropped };
  }
}
