import type { ProviderKind } from '../providers/model-provider';
import type { AliasTarget, Operation, RoutingStrategy } from '../catalog/catalog.schemas';

/** A provider endpoint as routing sees it (credential still sealed). */
export interface ProviderEndpoint {
  id: string;
  tenantId: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  options: Record<string, unknown>;
  enabled: boolean;
  timeoutMs: number | null;
  credentialCiphertext: string | null;
  credentialVersion: number;
  /** Changes whenever the row changes: adapters are cached per (id, version, updatedAt). */
  updatedAt: Date;
  builtIn: boolean;
}

export interface CatalogEntry {
  id: string;
  /** `{provider}/{providerModelId}`. */
  name: string;
  providerModelId: string;
  operation: Operation;
  provider: ProviderEndpoint;
  capabilities: { tools: boolean; vision: boolean; structuredOutput: boolean; streaming: boolean };
  contextWindow: number | null;
  maxOutputTokens: number | null;
  dimensions: number | null;
  /** USD per million tokens. */
  inputPricePerMTok: number;
  outputPricePerMTok: number;
  enabled: boolean;
  createdAt: Date;
  builtIn: boolean;
}

export interface AliasPolicy {
  id: string;
  name: string;
  operation: Operation;
  taskClasses: string[];
  strategy: RoutingStrategy;
  targets: AliasTarget[];
  zeroDataRetention: boolean;
  createdAt: Date;
  builtIn: boolean;
}

export interface TenantGatewaySettings {
  zeroDataRetention: boolean;
  contentCapture: boolean;
  defaultChatAlias: string | null;
  defaultEmbeddingAlias: string | null;
}

export const DEFAULT_GATEWAY_SETTINGS: TenantGatewaySettings = Object.freeze({
  zeroDataRetention: false,
  contentCapture: false,
  defaultChatAlias: null,
  defaultEmbeddingAlias: null,
});

/** One tenant's routable catalog, built-ins included, as loaded at one moment. */
export interface TenantCatalog {
  tenantId: string;
  providers: ReadonlyMap<string, ProviderEndpoint>;
  /** By catalog name. */
  models: ReadonlyMap<string, CatalogEntry>;
  /** By alias name. */
  aliases: ReadonlyMap<string, AliasPolicy>;
  settings: TenantGatewaySettings;
}

/** Whether the tenant can chat at all: some enabled chat model on an enabled provider. */
export function hasChatRoute(catalog: TenantCatalog): boolean {
  for (const model of catalog.models.values()) {
    if (model.operation === 'chat' && model.enabled && model.provider.enabled) return true;
  }
  return false;
}

/** Alias and model names of an operation, for "available" lists in errors. */
export function availableNames(catalog: TenantCatalog, operation?: Operation): { aliases: string[]; models: string[] } {
  return {
    aliases: [...catalog.aliases.values()].filter((alias) => !operation || alias.operation === operation).map((alias) => alias.name),
    models: [...catalog.models.values()]
      .filter((model) => model.enabled && (!operation || model.operation === operation))
      .map((model) => model.name),
  };
}
