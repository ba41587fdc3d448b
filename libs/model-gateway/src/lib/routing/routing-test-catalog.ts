import { builtInEmbeddingAlias, builtInEmbeddingModel, builtInProvider } from '../catalog/built-in-catalog';
import type { AliasPolicy, CatalogEntry, ProviderEndpoint, TenantCatalog, TenantGatewaySettings } from './tenant-catalog';

/** Builds in-memory catalogs for the routing unit tests (no database involved in routing itself). */
export function testProvider(name: string, patch: Partial<ProviderEndpoint> = {}): ProviderEndpoint {
  return {
    id: `p-${name}`,
    tenantId: 't',
    name,
    kind: 'openai',
    baseUrl: null,
    options: {},
    enabled: true,
    timeoutMs: null,
    credentialCiphertext: null,
    credentialVersion: 0,
    updatedAt: new Date(0),
    builtIn: false,
    ...patch,
  };
}

export function testModel(provider: ProviderEndpoint, id: string, patch: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id: `m-${provider.name}-${id}`,
    name: `${provider.name}/${id}`,
    providerModelId: id,
    operation: 'chat',
    provider,
    capabilities: { tools: true, vision: false, structuredOutput: true, streaming: true },
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    dimensions: null,
    inputPricePerMTok: 1,
    outputPricePerMTok: 2,
    enabled: true,
    createdAt: new Date(0),
    builtIn: false,
    ...patch,
  };
}

export function testAlias(name: string, targets: Array<string | { model: string; weight: number }>, patch: Partial<AliasPolicy> = {}): AliasPolicy {
  return {
    id: `a-${name}`,
    name,
    operation: 'chat',
    taskClasses: [],
    strategy: 'priority',
    targets: targets.map((target) => (typeof target === 'string' ? { model: target, weight: 1 } : target)),
    zeroDataRetention: false,
    createdAt: new Date(0),
    builtIn: false,
    ...patch,
  };
}

export function testCatalog(models: CatalogEntry[], aliases: AliasPolicy[], settings: Partial<TenantGatewaySettings> = {}): TenantCatalog {
  const local = builtInProvider('t');
  const localModel = builtInEmbeddingModel(local);
  const all = [localModel, ...models];
  const aliasMap = new Map(aliases.map((alias) => [alias.name, alias]));
  if (!aliasMap.has('embedding-default')) aliasMap.set('embedding-default', builtInEmbeddingAlias());
  return {
    tenantId: 't',
    providers: new Map(all.map((model) => [model.provider.id, model.provider])),
    models: new Map(all.map((model) => [model.name, model])),
    aliases: aliasMap,
    settings: { zeroDataRetention: false, contentCapture: false, defaultChatAlias: null, defaultEmbeddingAlias: null, ...settings },
  };
}
