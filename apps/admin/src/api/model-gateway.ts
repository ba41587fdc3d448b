import { api, queryString, type Page } from './api-client';

/** The provider kinds the gateway has adapters for (`local`: the built-in offline embedding model). */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'bedrock', 'gemini', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number] | 'local';

/** A provider endpoint. Its credential is write-only: the API answers only whether one is set and a hint (its last characters). */
export interface Provider {
  id: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  enabled: boolean;
  hasCredential: boolean;
  credentialHint: string | null;
  timeoutMs?: number;
  options?: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export type ProviderCredentials =
  | { type: 'api-key'; apiKey: string }
  | { type: 'aws'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { type: 'none' };

export interface NewProvider {
  name: string;
  kind: ProviderKind;
  baseUrl?: string;
  enabled?: boolean;
  credentials?: ProviderCredentials;
  options?: { region?: string };
}

export interface ProviderChanges {
  baseUrl?: string | null;
  enabled?: boolean;
  timeoutMs?: number | null;
}

export const MODEL_OPERATIONS = ['chat', 'embeddings'] as const;
export type ModelOperation = (typeof MODEL_OPERATIONS)[number];

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  structuredOutput: boolean;
  streaming: boolean;
}

/** A provider model in the tenant's catalog, named `provider/model` by callers. */
export interface CatalogModel {
  id: string;
  providerId: string;
  /** The catalog name callers use (`openai/gpt-4.1-mini`). */
  name: string;
  /** The provider's own model id. */
  providerModelId: string;
  operation: ModelOperation;
  capabilities: ModelCapabilities;
  contextWindow: number | null;
  maxOutputTokens?: number | null;
  /** US dollars per million tokens, exact decimals as text. */
  inputPricePerMTok: string;
  outputPricePerMTok: string;
  enabled: boolean;
  createdAt: string;
}

export interface NewCatalogModel {
  providerId: string;
  providerModelId: string;
  operation: ModelOperation;
  capabilities: Partial<ModelCapabilities>;
  contextWindow?: number | null;
  inputPricePerMTok: string;
  outputPricePerMTok: string;
}

export const ROUTING_STRATEGIES = ['priority', 'weighted', 'lowest-cost', 'lowest-latency'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export interface AliasTarget {
  /** A catalog model name. */
  model: string;
  weight: number;
}

/** An alias and its routing policy: targets tried in order (or balanced by weight), fallbacks after. */
export interface ModelAlias {
  id: string;
  name: string;
  description?: string | null;
  operation: ModelOperation;
  strategy: RoutingStrategy;
  targets: AliasTarget[];
  taskClasses: string[];
  zeroDataRetention: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewModelAlias {
  name: string;
  description?: string;
  operation: ModelOperation;
  strategy: RoutingStrategy;
  targets: AliasTarget[];
  taskClasses: string[];
  zeroDataRetention: boolean;
}

export interface GatewaySettings {
  /** No prompt or response content stored by Strata; providers asked not to retain it. */
  zeroDataRetention: boolean;
  /** Opt-in: redacted prompt/response content on GenAI spans (no effect under zero data retention). */
  contentCapture: boolean;
  defaultChatAlias: string | null;
  defaultEmbeddingAlias: string | null;
  updatedAt: string | null;
}

export interface PlaygroundRequest {
  model: string;
  prompt: string;
  system?: string;
  maxOutputTokens?: number;
}

export interface PlaygroundAttempt {
  providerId?: string;
  providerName: string;
  model: string;
  outcome: 'success' | 'error' | 'skipped_circuit_open';
  /** The provider failure class (server_error, rate_limited, timeout…). */
  failure?: string;
  status?: number;
  latencyMs: number;
}

export interface PlaygroundResult {
  text: string;
  finishReason?: string;
  route: {
    alias?: string;
    providerName: string;
    providerKind?: ProviderKind;
    catalogModel?: string;
    model: string;
    attempts: PlaygroundAttempt[];
    latencyMs: number;
    costUsd: number | string;
    zeroDataRetention?: boolean;
  };
  usage: { inputTokens: number; outputTokens: number; costUsd?: number };
}

/** One callable name (alias or model) as the catalog lists it for the playground and /v1/models. */
export interface CatalogListing {
  id: string;
  kind: 'alias' | 'model';
  operation: ModelOperation;
}

const enc = encodeURIComponent;

/**
 * The catalog lists are not paged (a tenant has at most 100 providers, 1000 models and 500
 * aliases): one answer is the whole list, a last page for the list hooks.
 */
async function whole<T>(answer: Promise<{ items: T[] }>): Promise<Page<T>> {
  return { items: (await answer).items, nextCursor: null };
}

export const providersApi = {
  list: () => whole(api.get<{ items: Provider[] }>('/model-gateway/providers')),
  create: (input: NewProvider) => api.post<Provider>('/model-gateway/providers', input),
  update: (id: string, changes: ProviderChanges) => api.patch<Provider>(`/model-gateway/providers/${enc(id)}`, changes),
  replaceCredentials: (id: string, credentials: ProviderCredentials) => api.put<Provider>(`/model-gateway/providers/${enc(id)}/credentials`, credentials),
  remove: (id: string) => api.delete(`/model-gateway/providers/${enc(id)}`),
};

export const catalogModelsApi = {
  list: (query: { providerId?: string; operation?: ModelOperation } = {}) => whole(api.get<{ items: CatalogModel[] }>(`/model-gateway/models${queryString(query)}`)),
  create: (input: NewCatalogModel) => api.post<CatalogModel>('/model-gateway/models', input),
  update: (id: string, changes: Partial<Omit<NewCatalogModel, 'providerId' | 'providerModelId' | 'operation'>> & { enabled?: boolean }) => api.patch<CatalogModel>(`/model-gateway/models/${enc(id)}`, changes),
  remove: (id: string) => api.delete(`/model-gateway/models/${enc(id)}`),
};

export const aliasesApi = {
  list: (query: { operation?: ModelOperation } = {}) => whole(api.get<{ items: ModelAlias[] }>(`/model-gateway/aliases${queryString(query)}`)),
  create: (input: NewModelAlias) => api.post<ModelAlias>('/model-gateway/aliases', input),
  update: (id: string, changes: Partial<Omit<NewModelAlias, 'name' | 'operation'>>) => api.patch<ModelAlias>(`/model-gateway/aliases/${enc(id)}`, changes),
  remove: (id: string) => api.delete(`/model-gateway/aliases/${enc(id)}`),
};

export const gatewaySettingsApi = {
  get: () => api.get<GatewaySettings>('/model-gateway/settings'),
  update: (changes: Partial<Omit<GatewaySettings, 'updatedAt'>>) => api.put<GatewaySettings>('/model-gateway/settings', changes),
};

export const catalogApi = {
  list: () => api.get<{ items: CatalogListing[] }>('/model-gateway/catalog'),
};

export const playgroundApi = {
  send: (request: PlaygroundRequest) => api.post<PlaygroundResult>('/model-gateway/playground', request),
};
