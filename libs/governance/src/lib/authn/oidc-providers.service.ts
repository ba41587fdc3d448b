import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { MutationRunner } from '../http/mutation-runner';
import { AlreadyExistsError, isUniqueViolation, NotFoundInTenantError } from '../identity/identity.errors';
import { OidcProvidersRepository, type OidcProviderInput } from './oidc-providers.repository';

type Provider = NonNullable<Awaited<ReturnType<OidcProvidersRepository['find']>>>;

/** The OIDC issuers whose tokens sign users into this tenant. */
@Injectable()
export class OidcProvidersService {
  constructor(
    private readonly providers: OidcProvidersRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(): Promise<Provider[]> {
    return this.providers.list(await this.authorization.accessibleWhere('read', 'OidcProvider'));
  }

  async create(input: OidcProviderInput): Promise<Provider> {
    await this.authorization.authorize('create', 'OidcProvider', { ...input }, { fields: Object.keys(input) });
    try {
      return await this.mutations.run('oidc_provider.create', async (tx) => {
        const provider = await this.providers.create(input, tx);
        await this.audit.append(
          { action: 'oidc_provider.create', outcome: 'success', target: { type: 'OidcProvider', id: provider.id }, details: { issuer: input.issuer, audience: input.audience } },
          tx,
        );
        return provider;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('OIDC provider for this issuer and audience', input.issuer);
      throw error;
    }
  }

  async update(id: string, input: Partial<OidcProviderInput>): Promise<Provider> {
    const provider = await this.providers.find(id);
    if (!provider) throw new NotFoundInTenantError('oidc_provider', id);
    await this.authorization.authorize('update', 'OidcProvider', { ...provider, ...input }, { fields: Object.keys(input) });
    return this.mutations.run('oidc_provider.update', async (tx) => {
      const updated = await this.providers.update(id, input, tx);
      await this.audit.append(
        { action: 'oidc_provider.update', outcome: 'success', target: { type: 'OidcProvider', id }, details: { changed: Object.keys(input) } },
        tx,
      );
      return updated;
    });
  }

  async remove(id: string): Promise<void> {
    const provider = await this.providers.find(id);
    if (!provider) throw new NotFoundInTenantError('oidc_provider', id);
    await this.authorization.authorize('delete', 'OidcProvider', provider);
    await this.mutations.run('oidc_provider.delete', async (tx) => {
      await this.providers.remove(id, tx);
      await this.audit.append({ action: 'oidc_provider.delete', outcome: 'success', target: { type: 'OidcProvider', id }, details: { issuer: provider.issuer } }, tx);
    });
  }
}
