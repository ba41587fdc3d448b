import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { CredentialVault } from '../credentials/credential-vault';
import type { ProviderCredentials } from '../providers/model-provider';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import { ProviderAdapters } from '../gateway/provider-adapters';
import { CatalogModelsRepository } from './catalog-models.repository';
import { toProviderDto, type ModelProviderDto } from './catalog.dto';
import { CatalogInUseError, CatalogLimitError, CatalogNameTakenError, CatalogRecordNotFoundError, InvalidCatalogInputError } from './catalog.errors';
import { CATALOG_LIMITS, type CreateProviderInput, type UpdateProviderInput } from './catalog.schemas';
import { isUniqueViolation } from './prisma-errors';
import { ProvidersRepository, type ProviderRow } from './providers.repository';
import { countUnderQuotaLock } from './tenant-quota-lock';

/** Which credential types each provider kind accepts. */
const CREDENTIAL_TYPES: Record<string, ReadonlyArray<ProviderCredentials['type']>> = {
  openai: ['api-key'],
  anthropic: ['api-key'],
  gemini: ['api-key'],
  bedrock: ['aws'],
  'openai-compatible': ['api-key', 'none'],
};

/**
 * A tenant's model provider endpoints and their write-only credentials. Every change is authorized,
 * audited (never with the credential: only its type and key id) and drops the tenant's cached
 * catalog and the provider's cached adapter.
 */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly providers: ProvidersRepository,
    private readonly models: CatalogModelsRepository,
    private readonly vault: CredentialVault,
    private readonly catalogs: TenantCatalogCache,
    private readonly adapters: ProviderAdapters,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(): Promise<ModelProviderDto[]> {
    const rows = await this.providers.list(await this.authorization.accessibleWhere('read', 'ModelProvider'), CATALOG_LIMITS.providersPerTenant);
    return rows.map(toProviderDto);
  }

  async get(id: string): Promise<ModelProviderDto> {
    const row = await this.require(id);
    await this.authorization.authorize('read', 'ModelProvider', describe(row));
    return toProviderDto(row);
  }

  async create(input: CreateProviderInput): Promise<ModelProviderDto> {
    const { credentials, ...fields } = input;
    checkKind(fields.kind, fields.baseUrl, fields.options, credentials);
    checkCredentialsPresent(fields.kind, credentials);
    await this.authorization.authorize('create', 'ModelProvider', { ...fields }, { fields: Object.keys(input) });
    const id = newId();
    const tenantId = RequestContextStore.requireTenantId();
    const sealed = this.vault.seal({ tenantId, providerId: id }, credentials ?? { type: 'none' });
    try {
      const row = await this.mutations.run('model_provider.create', async (tx) => {
        if ((await countUnderQuotaLock(tx, 'model_provider', (db) => this.providers.count(db))) >= CATALOG_LIMITS.providersPerTenant) throw new CatalogLimitError('model providers', CATALOG_LIMITS.providersPerTenant);
        const created = await this.providers.create(
          id,
          {
            name: fields.name,
            kind: fields.kind,
            baseUrl: fields.baseUrl ?? null,
            options: fields.options as Prisma.InputJsonValue,
            enabled: fields.enabled,
            timeoutMs: fields.timeoutMs ?? null,
          },
          { ...sealed, credentialUpdatedAt: sealed.credentialCiphertext ? new Date() : null },
          tx,
        );
        await this.audit.append(
          {
            action: 'model_provider.create',
            outcome: 'success',
            target: { type: 'ModelProvider', id },
            details: { ...describe(created), credential: { type: sealed.credentialType, keyId: sealed.credentialKeyId } },
          },
          tx,
        );
        return created;
      });
      return toProviderDto(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CatalogNameTakenError('provider', input.name);
      throw error;
    } finally {
      this.catalogs.invalidate(tenantId);
    }
  }

  async update(id: string, input: UpdateProviderInput): Promise<ModelProviderDto> {
    const row = await this.require(id);
    const changes = definedOnly(input);
    checkKind(row.kind, changes.baseUrl === undefined ? row.baseUrl : changes.baseUrl, (changes.options ?? row.options) as CreateProviderInput['options'], undefined);
    await this.authorization.authorize('update', 'ModelProvider', { ...describe(row), ...changes }, { fields: Object.keys(changes) });
    const updated = await this.mutations.run('model_provider.update', async (tx) => {
      const next = await this.providers.update(id, { ...changes, options: changes.options as Prisma.InputJsonValue | undefined }, tx);
      await this.audit.append(
        { action: 'model_provider.update', outcome: 'success', target: { type: 'ModelProvider', id }, details: { changed: Object.keys(changes), ...changes } },
        tx,
      );
      return next;
    });
    this.afterChange(updated);
    return toProviderDto(updated);
  }

  /** Replaces the credential (write-only: the answer says only that there is one, its hint and key id). */
  async replaceCredentials(id: string, credentials: ProviderCredentials): Promise<ModelProviderDto> {
    const row = await this.require(id);
    checkCredentialType(row.kind, credentials);
    await this.authorization.authorize('update', 'ModelProvider', describe(row), { fields: ['credentials'] });
    const sealed = this.vault.seal({ tenantId: row.tenantId, providerId: id }, credentials);
    const updated = await this.mutations.run('model_provider.credentials_replace', async (tx) => {
      const next = await this.providers.replaceCredential(id, sealed, new Date(), tx);
      await this.audit.append(
        {
          action: 'model_provider.credentials_replace',
          outcome: 'success',
          target: { type: 'ModelProvider', id },
          details: { name: row.name, credential: { type: sealed.credentialType, keyId: sealed.credentialKeyId } },
        },
        tx,
      );
      return next;
    });
    this.afterChange(updated);
    return toProviderDto(updated);
  }

  async delete(id: string): Promise<void> {
    const row = await this.require(id);
    await this.authorization.authorize('delete', 'ModelProvider', describe(row));
    await this.mutations.run('model_provider.delete', async (tx) => {
      const models = await this.models.namesOfProvider(id, tx);
      if (models.length) throw new CatalogInUseError('provider', row.name, { kind: 'model', names: models.map((model) => model.name) });
      await this.providers.delete(id, tx);
      await this.audit.append({ action: 'model_provider.delete', outcome: 'success', target: { type: 'ModelProvider', id }, details: { name: row.name, kind: row.kind } }, tx);
    });
    this.afterChange(row);
  }

  private async require(id: string): Promise<ProviderRow> {
    const row = await this.providers.find(id);
    if (!row) throw new CatalogRecordNotFoundError('provider', id);
    return row;
  }

  private afterChange(row: ProviderRow): void {
    this.catalogs.invalidate(row.tenantId);
    this.adapters.evict(row.id);
  }
}

/** The row as authorization and audit see it: every column but the sealed credential. */
function describe(row: ProviderRow): Record<string, unknown> {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    kind: row.kind,
    baseUrl: row.baseUrl,
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    credentialType: row.credentialType,
    credentialKeyId: row.credentialKeyId,
  };
}

function definedOnly<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function checkCredentialType(kind: string, credentials: ProviderCredentials): void {
  const allowed = CREDENTIAL_TYPES[kind] ?? [];
  if (!allowed.includes(credentials.type)) {
    throw new InvalidCatalogInputError(`A ${kind} provider takes credentials of type ${allowed.join(' or ')}, not ${credentials.type}.`, {
      path: 'credentials.type',
      allowed,
    });
  }
}

function checkKind(kind: string, baseUrl: string | null | undefined, options: CreateProviderInput['options'] | undefined, credentials: ProviderCredentials | undefined): void {
  if (kind === 'openai-compatible' && !baseUrl) {
    throw new InvalidCatalogInputError('An openai-compatible provider needs the baseUrl of its server (e.g. http://127.0.0.1:11434/v1 for Ollama).', { path: 'baseUrl' });
  }
  if (kind === 'bedrock' && !options?.region) throw new InvalidCatalogInputError('A bedrock provider needs options.region (e.g. us-east-1).', { path: 'options.region' });
  if (credentials) checkCredentialType(kind, credentials);
}

/** Creation: a kind that cannot work without a credential must get one. */
function checkCredentialsPresent(kind: string, credentials: ProviderCredentials | undefined): void {
  const allowed = CREDENTIAL_TYPES[kind] ?? [];
  if (!credentials && !allowed.includes('none')) {
    throw new InvalidCatalogInputError(`A ${kind} provider needs credentials (type ${allowed.join(' or ')}).`, { path: 'credentials', allowed });
  }
}
