import { EMBEDDING_DEFAULT_ALIAS } from '../catalog/built-in-catalog';
import type { Operation } from '../catalog/catalog.schemas';
import { orderCandidates, type OrderingInputs, type WeightedCandidate } from './routing-strategies';
import {
  ModelRequiredError,
  NoCapableModelError,
  NoProviderConfiguredError,
  UnknownModelError,
  WrongOperationError,
  type SkippedCandidate,
} from './routing.errors';
import { availableNames, hasChatRoute, type AliasPolicy, type CatalogEntry, type TenantCatalog } from './tenant-catalog';

/** What a call needs from a model. */
export interface RouteNeeds {
  tools: boolean;
  vision: boolean;
  structuredOutput: boolean;
  streaming: boolean;
}

export interface RouteRequest {
  operation: Operation;
  model?: string;
  taskClass?: string;
  needs: RouteNeeds;
  promptTokens: number;
  /** The caller's max output tokens, when it set one. */
  maxOutputTokens?: number;
}

export interface PlannedRoute {
  /** What was asked for, for messages: the alias, the model, or `task class x`. */
  requested: string;
  /** The alias the request resolved through; absent when it named a model. */
  alias?: AliasPolicy;
  /** In the order to try them. */
  candidates: CatalogEntry[];
  skipped: SkippedCandidate[];
  /** The tenant's setting or the alias's flag. */
  zeroDataRetention: boolean;
}

const NO_NEEDS: RouteNeeds = { tools: false, vision: false, structuredOutput: false, streaming: false };

/**
 * Resolves a request to the ordered candidates it may go to: an alias (its strategy orders its
 * targets) or a catalog model named directly, else the task class's alias, else the tenant's default
 * for the operation. Candidates that lack a needed capability, or whose context window cannot hold
 * the prompt plus the requested output, are dropped. Pure: everything comes from `catalog`.
 */
export function planRoute(catalog: TenantCatalog, request: RouteRequest, ordering: Omit<OrderingInputs, 'promptTokens' | 'outputTokens'>): PlannedRoute {
  const { operation } = request;
  if (operation === 'chat' && !hasChatRoute(catalog)) throw new NoProviderConfiguredError('chat');

  const resolved = resolveName(catalog, request);
  const needs = operation === 'chat' ? request.needs : NO_NEEDS;
  const skipped: SkippedCandidate[] = [];
  const usable: WeightedCandidate[] = [];
  for (const target of resolved.targets) {
    const entry = catalog.models.get(target.model);
    if (!entry || entry.operation !== operation) continue;
    const reason = unfitReason(entry, needs, request.promptTokens, request.maxOutputTokens);
    if (reason) skipped.push({ model: entry.name, reason });
    else usable.push({ entry, weight: target.weight });
  }
  if (!usable.length) throw new NoCapableModelError(resolved.requested, request.promptTokens, skipped);

  const outputTokens = request.maxOutputTokens ?? 256;
  const candidates = orderCandidates(usable, resolved.alias?.strategy ?? 'priority', { ...ordering, promptTokens: request.promptTokens, outputTokens });
  return {
    requested: resolved.requested,
    alias: resolved.alias,
    candidates,
    skipped,
    zeroDataRetention: catalog.settings.zeroDataRetention || resolved.alias?.zeroDataRetention === true,
  };
}

interface ResolvedName {
  requested: string;
  alias?: AliasPolicy;
  targets: Array<{ model: string; weight: number }>;
}

function resolveName(catalog: TenantCatalog, request: RouteRequest): ResolvedName {
  const { operation } = request;
  let name = request.model;
  if (name === undefined && request.taskClass === undefined) {
    const configured = operation === 'chat' ? catalog.settings.defaultChatAlias : catalog.settings.defaultEmbeddingAlias;
    name = configured ?? (operation === 'embeddings' ? EMBEDDING_DEFAULT_ALIAS : undefined);
  }

  if (name !== undefined) {
    const alias = catalog.aliases.get(name);
    if (alias) {
      if (alias.operation !== operation) throw new WrongOperationError(name, alias.operation, operation);
      return { requested: `alias ${name}`, alias, targets: alias.targets };
    }
    const model = catalog.models.get(name);
    if (model) {
      if (model.operation !== operation) throw new WrongOperationError(name, model.operation, operation);
      return { requested: `model ${name}`, targets: [{ model: name, weight: 1 }] };
    }
    throw new UnknownModelError({ model: name }, availableNames(catalog, operation));
  }
  if (request.taskClass !== undefined) {
    const alias = [...catalog.aliases.values()].find((candidate) => candidate.operation === operation && candidate.taskClasses.includes(request.taskClass as string));
    if (!alias) {
      const taskClasses = [...new Set([...catalog.aliases.values()].filter((candidate) => candidate.operation === operation).flatMap((candidate) => candidate.taskClasses))];
      throw new UnknownModelError({ taskClass: request.taskClass }, { ...availableNames(catalog, operation), taskClasses });
    }
    return { requested: `alias ${alias.name} (task class ${request.taskClass})`, alias, targets: alias.targets };
  }
  throw new ModelRequiredError(operation, availableNames(catalog, operation));
}

function unfitReason(entry: CatalogEntry, needs: RouteNeeds, promptTokens: number, maxOutputTokens: number | undefined): SkippedCandidate['reason'] | undefined {
  if (!entry.enabled) return 'disabled';
  if (!entry.provider.enabled) return 'provider_disabled';
  if (needs.tools && !entry.capabilities.tools) return 'tools';
  if (needs.vision && !entry.capabilities.vision) return 'vision';
  if (needs.structuredOutput && !entry.capabilities.structuredOutput) return 'structured_output';
  if (needs.streaming && !entry.capabilities.streaming) return 'streaming';
  if (entry.contextWindow !== null && promptTokens + (maxOutputTokens ?? 0) > entry.contextWindow) return 'context_window';
  return undefined;
}
