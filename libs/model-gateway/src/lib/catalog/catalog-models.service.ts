import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import { GatewaySettingsRepository } from '../settings/gateway-settings.repository';
import { AliasesRepository } from './aliases.repository';
import { CatalogModelsRepository, type CatalogModelData, type CatalogModelRow } from './catalog-models.repository';
import { toCatalogModelDto, type CatalogModelDto } from './catalog.dto';
import { CatalogInUseError, CatalogLimitError, CatalogNameTakenError, CatalogRecordNotFoundError, InvalidCatalogInputError } from './catalog.errors';
import { CATALOG_LIMITS, type AliasTarget, type CreateCatalogModelInput, type UpdateCatalogModelInput } from './catalog.schemas';
import { isUniqueViolation } from './prisma-errors';
import { ProvidersRepository } from './providers.repository';
import { countUnderQuotaLock } from './tenant-quota-lock';

/** A tenant's catalog models: what each provider model can do and costs. */
@Injectable()
export class CatalogModelsService {
  constructor(
    private readonly models: CatalogModelsRepository,
    private readonly providers: ProvidersRepository,
    private readonly aliases: AliasesRepository,
    private readonly settings: GatewaySettingsRepository,
    private readonly catalogs: TenantCatalogCache,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(filter: { providerId?: string; operation?: string }): Promise<CatalogModelDto[]> {
    const rows = await this.models.list(await this.authorization.accessibleWhere('read', 'CatalogModel'), filter, CATALOG_LIMITS.modelsPerTenant);
    return rows.map(toCatalogModelDto);
  }

  async get(id: string): Promise<CatalogModelDto> {
    const row = await this.require(id);
    await this.authorization.authorize('read', 'CatalogModel', describe(row));
    return toCatalogModelDto(row);
  }

  async create(input: CreateCatalogModelInput): Promise<CatalogModelDto> {
    const provider = await this.providers.find(input.providerId);
    if (!provider) throw new InvalidCatalogInputError(`No model provider with id ${input.providerId} in this tenant.`, { path: 'providerId' });
    if (input.operation === 'embeddings' && (input.capabilities.tools || input.capabilities.vision || input.capabilities.structuredOutput)) {
      throw new InvalidCatalogInputError('An embeddings model has no tools, vision or structured output capabilities.', { path: 'capabilities' });
    }
    const name = `${provider.name}/${input.providerModelId}`;
    const data = { providerId: provider.id, name, providerModelId: input.providerModelId, operation: input.operation, ...toData(input) };
    await this.authorization.authorize('create', 'CatalogModel', { ...data }, { fields: Object.keys(input) });
    const tenantId = RequestContextStore.requireTenantId();
    try {
      const row = await this.mutations.run('catalog_model.create', async (tx) => {
        if ((await countUnderQuotaLock(tx, 'catalog_model', (db) => this.models.count(db))) >= CATALOG_LIMITS.modelsPerTenant) throw new CatalogLimitError('catalog models', CATALOG_LIMITS.modelsPerTenant);
        const created = await this.models.create(data, tx);
        await this.audit.append({ action: 'catalog_model.create', outcome: 'success', target: { type: 'CatalogModel', id: created.id }, details: describe(created) }, tx);
        return created;
      });
      return toCatalogModelDto(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CatalogNameTakenError('model', name);
      throw error;
    } finally {
      this.catalogs.invalidate(tenantId);
    }
  }

  async update(id: string, input: UpdateCatalogModelInput): Promise<CatalogModelDto> {
    const row = await this.require(id);
    const changes = toData(input);
    await this.authorization.authorize('update', 'CatalogModel', { ...describe(row), ...changes }, { fields: Object.keys(input) });
    const updated = await this.mutations.run('catalog_model.update', async (tx) => {
      const next = await this.models.update(id, changes, tx);
      await this.audit.append(
        { action: 'catalog_model.update', outcome: 'success', target: { type: 'CatalogModel', id }, details: { name: row.name, changed: Object.keys(changes), ...changes } },
        tx,
      );
      return next;
    });
    this.catalogs.invalidate(row.tenantId);
    return toCatalogModelDto(updated);
  }

  async delete(id: string): Promise<void> {
    const row = await this.require(id);
    await this.authorization.authorize('delete', 'CatalogModel', describe(row));
    await this.mutations.run('catalog_model.delete', async (tx) => {
      const aliases = (await this.aliases.all(tx)).filter((alias) => (alias.targets as unknown as AliasTarget[]).some((target) => target.model === row.name));
      if (aliases.length) throw new CatalogInUseError('model', row.name, { kind: 'alias', names: aliases.map((alias) => alias.name) });
      const settings = await this.settings.find(tx);
      if (settings && (settings.defaultChatAlias === row.name || settings.defaultEmbeddingAlias === row.name)) {
        throw new CatalogInUseError('model', row.name, { kind: 'settings', names: [] });
      }
      await this.models.delete(id, tx);
      await this.audit.append({ action: 'catalog_model.delete', outcome: 'success', target: { type: 'CatalogModel', id }, details: { name: row.name } }, tx);
    });
    this.catalogs.invalidate(row.tenantId);
  }

  private async require(id: string): Promise<CatalogModelRow> {
    const row = await this.models.find(id);
    if (!row) throw new CatalogRecordNotFoundError('model', id);
    return row;
  }
}

function toData(input: Partial<CreateCatalogModelInput> | UpdateCatalogModelInput): CatalogModelData {
  const data: CatalogModelData = {
    supportsTools: input.capabilities?.tools,
    supportsVision: input.capabilities?.vision,
    supportsStructuredOutput: input.capabilities?.structuredOutput,
    supportsStreaming: input.capabilities?.streaming,
    contextWindow: input.contextWindow,
    maxOutputTokens: input.maxOutputTokens,
    dimensions: input.dimensions,
    inputPricePerMTok: input.inputPricePerMTok,
    outputPricePerMTok: input.outputPricePerMTok,
    enabled: input.enabled,
  };
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) as CatalogModelData;
}

function describe(row: CatalogModelRow): Record<string, unknown> {
  return {
    id: row.id,
    tenantId: row.tenantId,
    providerId: row.providerId,
    name: row.name,
    providerModelId: row.providerModelId,
    operation: row.operation,
    supportsTools: row.supportsTools,
    supportsVision: row.supportsVision,
    supportsStructuredOutput: row.supportsStructuredOutput,
    supportsStreaming: row.supportsStreaming,
    contextWindow: row.contextWindow,
    maxOutputTokens: row.maxOutputTokens,
    inputPricePerMTok: row.inputPricePerMTok.toString(),
    outputPricePerMTok: row.outputPricePerMTok.toString(),
    enabled: row.enabled,
  };
}
