import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { InvalidCatalogInputError } from '../catalog/catalog.errors';
import type { Operation } from '../catalog/catalog.schemas';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import type { TenantCatalog } from '../routing/tenant-catalog';
import { GatewaySettingsRepository, type GatewaySettingsData } from './gateway-settings.repository';
import type { GatewaySettingsDto, UpdateGatewaySettingsInput } from './gateway-settings.schemas';

/** A tenant's gateway settings: zero data retention, content capture, default aliases. */
@Injectable()
export class GatewaySettingsService {
  constructor(
    private readonly settings: GatewaySettingsRepository,
    private readonly catalogs: TenantCatalogCache,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async get(): Promise<GatewaySettingsDto> {
    const row = await this.settings.find();
    await this.authorization.authorize('read', 'GatewaySettings', row ? { ...row } : { tenantId: RequestContextStore.requireTenantId() });
    return toDto(row);
  }

  async update(input: UpdateGatewaySettingsInput): Promise<GatewaySettingsDto> {
    const tenantId = RequestContextStore.requireTenantId();
    const current = await this.settings.find();
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<GatewaySettingsData>;
    const next: GatewaySettingsData = {
      zeroDataRetention: current?.zeroDataRetention ?? false,
      contentCapture: current?.contentCapture ?? false,
      defaultChatAlias: current?.defaultChatAlias ?? null,
      defaultEmbeddingAlias: current?.defaultEmbeddingAlias ?? null,
      ...changes,
    };
    const catalog = await this.catalogs.get();
    checkDefault(catalog, next.defaultChatAlias, 'chat', 'defaultChatAlias');
    checkDefault(catalog, next.defaultEmbeddingAlias, 'embeddings', 'defaultEmbeddingAlias');
    await this.authorization.authorize('update', 'GatewaySettings', { ...(current ?? { tenantId }), ...changes }, { fields: Object.keys(changes) });
    try {
      const row = await this.mutations.run('gateway_settings.update', async (tx) => {
        const saved = await this.settings.upsert(next, tx);
        await this.audit.append(
          { action: 'gateway_settings.update', outcome: 'success', target: { type: 'GatewaySettings', id: saved.id }, details: { changed: Object.keys(changes), ...changes } },
          tx,
        );
        return saved;
      });
      return toDto(row);
    } finally {
      this.catalogs.invalidate(tenantId);
    }
  }
}

function checkDefault(catalog: TenantCatalog, name: string | null, operation: Operation, path: string): void {
  if (name === null) return;
  const found = catalog.aliases.get(name)?.operation ?? catalog.models.get(name)?.operation;
  if (!found) throw new InvalidCatalogInputError(`${path}: no alias or catalog model named ${name}.`, { path });
  if (found !== operation) throw new InvalidCatalogInputError(`${path}: ${name} serves ${found}, not ${operation}.`, { path });
}

function toDto(row: (GatewaySettingsData & { updatedAt: Date }) | null): GatewaySettingsDto {
  return {
    zeroDataRetention: row?.zeroDataRetention ?? false,
    contentCapture: row?.contentCapture ?? false,
    defaultChatAlias: row?.defaultChatAlias ?? null,
    defaultEmbeddingAlias: row?.defaultEmbeddingAlias ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}
