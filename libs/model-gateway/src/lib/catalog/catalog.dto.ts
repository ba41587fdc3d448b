import type { AliasRow } from './aliases.repository';
import type { CatalogModelRow } from './catalog-models.repository';
import type { AliasTarget, Operation, RoutingStrategy } from './catalog.schemas';
import type { ProviderRow } from './providers.repository';

/**
 * What the REST API answers for a provider. The credential itself is never part of it: only whether
 * there is one, its type, a hint (last 4 characters of a long enough key), the key id it is
 * encrypted under and when it was last replaced.
 */
export interface ModelProviderDto {
  id: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  options: Record<string, unknown>;
  enabled: boolean;
  timeoutMs: number | null;
  hasCredential: boolean;
  credentialType: string;
  credentialHint: string | null;
  credentialKeyId: string | null;
  credentialUpdatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CatalogModelDto {
  id: string;
  providerId: string;
  /** `{provider name}/{providerModelId}`: what callers name. */
  name: string;
  providerModelId: string;
  operation: Operation;
  capabilities: { tools: boolean; vision: boolean; structuredOutput: boolean; streaming: boolean };
  contextWindow: number | null;
  maxOutputTokens: number | null;
  dimensions: number | null;
  /** USD per million tokens, as decimal strings (exact). */
  inputPricePerMTok: string;
  outputPricePerMTok: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ModelAliasDto {
  id: string;
  name: string;
  description: string;
  operation: Operation;
  taskClasses: string[];
  strategy: RoutingStrategy;
  targets: AliasTarget[];
  zeroDataRetention: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toProviderDto(row: ProviderRow): ModelProviderDto {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    baseUrl: row.baseUrl,
    options: (row.options ?? {}) as Record<string, unknown>,
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    hasCredential: row.credentialCiphertext !== null,
    credentialType: row.credentialType,
    credentialHint: row.credentialHint,
    credentialKeyId: row.credentialKeyId,
    credentialUpdatedAt: row.credentialUpdatedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toCatalogModelDto(row: CatalogModelRow): CatalogModelDto {
  return {
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    providerModelId: row.providerModelId,
    operation: row.operation as Operation,
    capabilities: {
      tools: row.supportsTools,
      vision: row.supportsVision,
      structuredOutput: row.supportsStructuredOutput,
      streaming: row.supportsStreaming,
    },
    contextWindow: row.contextWindow,
    maxOutputTokens: row.maxOutputTokens,
    dimensions: row.dimensions,
    inputPricePerMTok: row.inputPricePerMTok.toString(),
    outputPricePerMTok: row.outputPricePerMTok.toString(),
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAliasDto(row: AliasRow): ModelAliasDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    operation: row.operation as Operation,
    taskClasses: row.taskClasses,
    strategy: row.strategy as RoutingStrategy,
    targets: row.targets as unknown as AliasTarget[],
    zeroDataRetention: row.zeroDataRetention,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
