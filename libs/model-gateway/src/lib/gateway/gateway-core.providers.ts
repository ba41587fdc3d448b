import { Injectable, type OnModuleInit, type Provider, type Type } from '@nestjs/common';
import { BUILT_IN_ROLES, PermissionCatalog } from '@strata/governance';
import type { StrataConfig } from '@strata/kernel';
import { CONTENT_POLICY } from '@strata/observability';
import { AliasesController } from '../catalog/aliases.controller';
import { AliasesRepository } from '../catalog/aliases.repository';
import { AliasesService } from '../catalog/aliases.service';
import { CatalogModelsController } from '../catalog/catalog-models.controller';
import { CatalogModelsRepository } from '../catalog/catalog-models.repository';
import { CatalogModelsService } from '../catalog/catalog-models.service';
import { ProvidersController } from '../catalog/providers.controller';
import { ProvidersRepository } from '../catalog/providers.repository';
import { ProvidersService } from '../catalog/providers.service';
import { CredentialRotation } from '../credentials/credential-rotation.service';
import { CredentialVault } from '../credentials/credential-vault';
import { ModelKeyRing } from '../credentials/model-key-ring';
import { PlaygroundController } from '../playground/playground.controller';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import { GatewayContentPolicy } from '../settings/gateway-content-policy';
import { GatewaySettingsController } from '../settings/gateway-settings.controller';
import { GatewaySettingsRepository } from '../settings/gateway-settings.repository';
import { GatewaySettingsService } from '../settings/gateway-settings.service';
import { MODEL_GATEWAY_OPTIONS, modelGatewayOptionsFromConfig } from './model-gateway-options';
import { ModelGateway } from './model-gateway.service';
import { ProviderAdapters } from './provider-adapters';

/** The gateway core's subjects: provider endpoints, catalog models, aliases, settings, and `Model` (action `invoke`: calling the gateway). */
export const GATEWAY_CORE_SUBJECTS = ['ModelProvider', 'CatalogModel', 'ModelAlias', 'GatewaySettings', 'Model'] as const;

/**
 * The built-in roles' grants (owner and admin already manage everything): every role reads the
 * catalog (models and aliases); builders shape it and read providers and settings; builders and
 * operators call models; auditors read everything and change nothing.
 */
@Injectable()
export class GatewayCorePermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({
      subjects: [...GATEWAY_CORE_SUBJECTS],
      rules: [
        { roles: [...BUILT_IN_ROLES], action: 'read', subject: ['CatalogModel', 'ModelAlias'] },
        { roles: ['builder'], action: ['create', 'update', 'delete'], subject: ['CatalogModel', 'ModelAlias'] },
        { roles: ['builder', 'operator'], action: 'read', subject: ['ModelProvider', 'GatewaySettings'] },
        { roles: ['builder', 'operator'], action: 'invoke', subject: 'Model' },
        { roles: ['auditor'], action: 'read', subject: ['ModelProvider', 'CatalogModel', 'ModelAlias', 'GatewaySettings'] },
      ],
    });
  }
}

/** Catalog, credentials, routing, settings and the ModelGateway facade. */
export function gatewayCoreProviders(config: StrataConfig): Provider[] {
  return [
    GatewayCorePermissions,
    { provide: MODEL_GATEWAY_OPTIONS, useValue: modelGatewayOptionsFromConfig(config) },
    { provide: ModelKeyRing, useFactory: () => ModelKeyRing.load({ keys: config.STRATA_MODEL_KEYS, dataDir: config.STRATA_DATA_DIR }) },
    CredentialVault,
    CredentialRotation,
    ProvidersRepository,
    CatalogModelsRepository,
    AliasesRepository,
    GatewaySettingsRepository,
    ProvidersService,
    CatalogModelsService,
    AliasesService,
    GatewaySettingsService,
    TenantCatalogCache,
    ProviderAdapters,
    ModelGateway,
    GatewayContentPolicy,
    { provide: CONTENT_POLICY, useExisting: GatewayContentPolicy },
  ];
}

export const GATEWAY_CORE_CONTROLLERS: Type[] = [ProvidersController, CatalogModelsController, AliasesController, GatewaySettingsController, PlaygroundController];

/** What other layers use: the facade, and the content policy the observability layer reads. */
export const GATEWAY_CORE_EXPORTS = [ModelGateway, CONTENT_POLICY, MODEL_GATEWAY_OPTIONS];
