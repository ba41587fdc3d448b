import { Inject, Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { AliasesRepository } from '../catalog/aliases.repository';
import { builtInEmbeddingAlias, builtInEmbeddingModel, builtInProvider, EMBEDDING_DEFAULT_ALIAS } from '../catalog/built-in-catalog';
import { CatalogModelsRepository } from '../catalog/catalog-models.repository';
import type { AliasTarget, Operation, RoutingStrategy } from '../catalog/catalog.schemas';
import { ProvidersRepository } from '../catalog/providers.repository';
import { MODEL_GATEWAY_OPTIONS, type ModelGatewayOptions } from '../gateway/model-gateway-options';
import type { ProviderKind } from '../providers/model-provider';
import { GatewaySettingsRepository } from '../settings/gateway-settings.repository';
import { DEFAULT_GATEWAY_SETTINGS, type AliasPolicy, type CatalogEntry, type ProviderEndpoint, type TenantCatalog } from './tenant-catalog';

/** Tenants whose catalog this process keeps (least recently loaded dropped first). */
const MAX_CACHED_TENANTS = 10_000;

/**
 * Each tenant's routable catalog (providers, models, aliases, settings, built-ins), loaded with four
 * queries and kept for STRATA_MODEL_CATALOG_CACHE_MS, so a model call costs no catalog query. The
 * catalog services invalidate a tenant after each committed change, so changes on this node apply at
 * once; other nodes see them within the cache time.
 */
@Injectable()
export class TenantCatalogCache {
  private readonly entries = new Map<string, { catalog: Promise<TenantCatalog>; loadedAt: number; ready: boolean }>();

  constructor(
    private readonly providers: ProvidersRepository,
    private readonly models: CatalogModelsRepository,
    private readonly aliases: AliasesRepository,
    private readonly settings: GatewaySettingsRepository,
    @Inject(MODEL_GATEWAY_OPTIONS) private readonly options: ModelGatewayOptions,
  ) {}

  /** The current tenant's catalog. */
  get(): Promise<TenantCatalog> {
    const tenantId = RequestContextStore.requireTenantId();
    const cached = this.entries.get(tenantId);
    if (cached && performance.now() - cached.loadedAt < this.options.catalogCacheMs) return cached.catalog;
    const catalog = this.load(tenantId);
    const entry = { catalog, loadedAt: performance.now(), ready: false };
    void catalog.then(() => (entry.ready = true), () => undefined);
    this.entries.delete(tenantId);
    this.entries.set(tenantId, entry);
    if (this.entries.size > MAX_CACHED_TENANTS) this.entries.delete(this.entries.keys().next().value as string);
    // A failed load is not kept: the next call tries again.
    catalog.catch(() => {
      if (this.entries.get(tenantId)?.catalog === catalog) this.entries.delete(tenantId);
    });
    return catalog;
  }

  /**
   * Without waiting on the database: the current tenant's catalog as cached, even if stale (a
   * refresh is started then), or undefined before its first load (which is started). For callers
   * that may run inside another transaction, such as span content policies: on the embedded
   * database a query outside that transaction would wait for it forever.
   */
  cachedOrRefresh(): Promise<TenantCatalog> | undefined {
    const tenantId = RequestContextStore.requireTenantId();
    const cached = this.entries.get(tenantId);
    if (cached && performance.now() - cached.loadedAt < this.options.catalogCacheMs) return cached.ready ? cached.catalog : undefined;
    this.get().catch(() => undefined);
    return cached?.ready ? cached.catalog : undefined;
  }

  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
  }

  private async load(tenantId: string): Promise<TenantCatalog> {
    // Sequential: on the embedded database the pool has one connection anyway.
    const providerRows = await this.providers.all();
    const modelRows = await this.models.all();
    const aliasRows = await this.aliases.all();
    const settingsRow = await this.settings.find();

    const local = builtInProvider(tenantId);
    const providers = new Map<string, ProviderEndpoint>([[local.id, local]]);
    for (const row of providerRows) {
      providers.set(row.id, {
        id: row.id,
        tenantId: row.tenantId,
        name: row.name,
        kind: row.kind as ProviderKind,
        baseUrl: row.baseUrl,
        options: (row.options ?? {}) as Record<string, unknown>,
        enabled: row.enabled,
        timeoutMs: row.timeoutMs,
        credentialCiphertext: row.credentialCiphertext,
        credentialVersion: row.credentialVersion,
        updatedAt: row.updatedAt,
        builtIn: false,
      });
    }
    const localModel = builtInEmbeddingModel(local);
    const models = new Map<string, CatalogEntry>([[localModel.name, localModel]]);
    for (const row of modelRows) {
      const provider = providers.get(row.providerId);
      if (!provider) continue;
      models.set(row.name, {
        id: row.id,
        name: row.name,
        providerModelId: row.providerModelId,
        operation: row.operation as Operation,
        provider,
        capabilities: { tools: row.supportsTools, vision: row.supportsVision, structuredOutput: row.supportsStructuredOutput, streaming: row.supportsStreaming },
        contextWindow: row.contextWindow,
        maxOutputTokens: row.maxOutputTokens,
        dimensions: row.dimensions,
        inputPricePerMTok: Number(row.inputPricePerMTok),
        outputPricePerMTok: Number(row.outputPricePerMTok),
        enabled: row.enabled,
        createdAt: row.createdAt,
        builtIn: false,
      });
    }
    const aliases = new Map<string, AliasPolicy>();
    for (const row of aliasRows) {
      aliases.set(row.name, {
        id: row.id,
        name: row.name,
        operation: row.operation as Operation,
        taskClasses: row.taskClasses,
        strategy: row.strategy as RoutingStrategy,
        targets: row.targets as unknown as AliasTarget[],
        zeroDataRetention: row.zeroDataRetention,
        createdAt: row.createdAt,
        builtIn: false,
      });
    }
    if (!aliases.has(EMBEDDING_DEFAULT_ALIAS)) aliases.set(EMBEDDING_DEFAULT_ALIAS, builtInEmbeddingAlias());
    const settings = settingsRow
      ? {
          zeroDataRetention: settingsRow.zeroDataRetention,
          contentCapture: settingsRow.contentCapture,
          defaultChatAlias: settingsRow.defaultChatAlias,
          defaultEmbeddingAlias: settingsRow.defaultEmbeddingAlias,
        }
      : DEFAULT_GATEWAY_SETTINGS;
    return { tenantId, providers, models, aliases, settings };
  }
}
