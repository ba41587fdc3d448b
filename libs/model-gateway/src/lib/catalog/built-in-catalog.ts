import { LOCAL_EMBEDDING_DIMENSIONS, LOCAL_EMBEDDING_MODEL_ID } from '../local-embeddings/hashing-embedding-model';
import type { AliasPolicy, CatalogEntry, ProviderEndpoint } from '../routing/tenant-catalog';

/**
 * The built-in `local` provider and its embedding model, present in every tenant's catalog without
 * a row: a deterministic lexical embedding computed in process (local-embeddings/), so the platform
 * embeds with no provider configured. `embedding-default` resolves to it unless the tenant defines
 * an alias of that name.
 */
export const LOCAL_PROVIDER_ID = '00000000-0000-7000-8000-000000000001';
export const LOCAL_PROVIDER_NAME = 'local';
export const LOCAL_EMBEDDING_MODEL = `${LOCAL_PROVIDER_NAME}/${LOCAL_EMBEDDING_MODEL_ID}`;
export const EMBEDDING_DEFAULT_ALIAS = 'embedding-default';

const EPOCH = new Date(0);

export function builtInProvider(tenantId: string): ProviderEndpoint {
  return {
    id: LOCAL_PROVIDER_ID,
    tenantId,
    name: LOCAL_PROVIDER_NAME,
    kind: 'local',
    baseUrl: null,
    options: {},
    enabled: true,
    timeoutMs: null,
    credentialCiphertext: null,
    credentialVersion: 0,
    updatedAt: EPOCH,
    builtIn: true,
  };
}

export function builtInEmbeddingModel(provider: ProviderEndpoint): CatalogEntry {
  return {
    id: LOCAL_PROVIDER_ID,
    name: LOCAL_EMBEDDING_MODEL,
    providerModelId: LOCAL_EMBEDDING_MODEL_ID,
    operation: 'embeddings',
    provider,
    capabilities: { tools: false, vision: false, structuredOutput: false, streaming: false },
    contextWindow: null,
    maxOutputTokens: null,
    dimensions: LOCAL_EMBEDDING_DIMENSIONS,
    inputPricePerMTok: 0,
    outputPricePerMTok: 0,
    enabled: true,
    createdAt: EPOCH,
    builtIn: true,
  };
}

export function builtInEmbeddingAlias(): AliasPolicy {
  return {
    id: LOCAL_PROVIDER_ID,
    name: EMBEDDING_DEFAULT_ALIAS,
    operation: 'embeddings',
    taskClasses: [],
    strategy: 'priority',
    targets: [{ model: LOCAL_EMBEDDING_MODEL, weight: 1 }],
    zeroDataRetention: false,
    createdAt: EPOCH,
    builtIn: true,
  };
}
