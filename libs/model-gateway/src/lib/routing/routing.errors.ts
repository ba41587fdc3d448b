import type { AttemptInfo } from '../gateway/gateway.contract';
import { ModelGatewayError } from '../model-gateway.errors';
import type { ProviderFailure } from '../providers/provider-error';

/** The most names an error message lists (details carry up to the catalog limits). */
const NAMES_IN_MESSAGE = 30;

function listed(names: readonly string[]): string {
  if (!names.length) return 'none';
  const shown = names.slice(0, NAMES_IN_MESSAGE).join(', ');
  return names.length > NAMES_IN_MESSAGE ? `${shown} and ${names.length - NAMES_IN_MESSAGE} more` : shown;
}

/** The request named an alias, catalog model or task class this tenant does not have. */
export class UnknownModelError extends ModelGatewayError {
  constructor(requested: { model?: string; taskClass?: string }, available: { aliases: string[]; models: string[]; taskClasses?: string[] }) {
    const what = requested.model !== undefined ? `model or alias ${JSON.stringify(requested.model.slice(0, 200))}` : `task class ${JSON.stringify(requested.taskClass?.slice(0, 200))}`;
    const taskClasses = requested.taskClass !== undefined ? ` Task classes: ${listed(available.taskClasses ?? [])}.` : '';
    super(
      'model-gateway.unknown_model',
      'not_found',
      `No ${what} in this tenant's catalog. Aliases: ${listed(available.aliases)}. Models: ${listed(available.models)}.${taskClasses}`,
      { details: { requested: { model: requested.model?.slice(0, 200), taskClass: requested.taskClass?.slice(0, 200) }, available } },
    );
  }
}

/** Chat asked for, and the tenant has no provider with a chat model. */
export class NoProviderConfiguredError extends ModelGatewayError {
  constructor(operation: 'chat' | 'embeddings') {
    super(
      'model-gateway.no_provider_configured',
      'failed_precondition',
      `No model provider is configured for ${operation} in this tenant. Configure a model provider under Models → Providers in the admin app, ` +
        'or via POST /model-gateway/providers, then add its models to the catalog (POST /model-gateway/models).',
      { details: { operation } },
    );
  }
}

/** Neither a model nor a task class was named, and the tenant has no default for the operation. */
export class ModelRequiredError extends ModelGatewayError {
  constructor(operation: 'chat' | 'embeddings', available: { aliases: string[]; models: string[] }) {
    super(
      'model-gateway.model_required',
      'invalid_argument',
      `Name a model or alias (or set a default ${operation} alias in the gateway settings). Aliases: ${listed(available.aliases)}. Models: ${listed(available.models)}.`,
      { details: { operation, available } },
    );
  }
}

/** The named alias or model serves another operation (`embedding-default` asked to chat). */
export class WrongOperationError extends ModelGatewayError {
  constructor(name: string, has: string, wanted: string) {
    super('model-gateway.wrong_operation', 'invalid_argument', `${name} is a ${has} model; this call needs a ${wanted} model.`, {
      details: { model: name, operation: has, requested: wanted },
    });
  }
}

export interface SkippedCandidate {
  model: string;
  reason: 'disabled' | 'provider_disabled' | 'tools' | 'vision' | 'structured_output' | 'streaming' | 'context_window';
}

/** Every candidate lacks a capability the request needs or has too small a context window. */
export class NoCapableModelError extends ModelGatewayError {
  constructor(requested: string, promptTokens: number, skipped: SkippedCandidate[]) {
    const contextOnly = skipped.length > 0 && skipped.every((entry) => entry.reason === 'context_window');
    super(
      contextOnly ? 'model-gateway.context_window_exceeded' : 'model-gateway.no_capable_model',
      'invalid_argument',
      contextOnly
        ? `The prompt (about ${promptTokens} tokens, plus the requested output) fits no model of ${requested}: ${skipped.map((entry) => entry.model).join(', ')}.`
        : `No model of ${requested} can serve this request: ${skipped.map((entry) => `${entry.model} (${entry.reason.replace('_', ' ')})`).join(', ')}.`,
      { details: { requested, promptTokens, skipped } },
    );
  }
}

/**
 * A provider refused the request itself (invalid request, authentication, content filter): another
 * provider would not do better, so no fallback. The provider's reason is kept; it never contains
 * credentials (ProviderError messages never do).
 */
export class ProviderRejectedError extends ModelGatewayError {
  constructor(failure: ProviderFailure, attempt: AttemptInfo, reason: string) {
    const kind = failure === 'auth' ? 'failed_precondition' : 'invalid_argument';
    const what =
      failure === 'auth'
        ? `Provider ${attempt.providerName} rejected the configured credential; replace it under Models → Providers.`
        : failure === 'content_filter'
          ? `Provider ${attempt.providerName} refused the content (content filter).`
          : `Provider ${attempt.providerName} rejected the request as invalid.`;
    super(
      failure === 'auth' ? 'model-gateway.provider_auth_failed' : failure === 'content_filter' ? 'model-gateway.content_filtered' : 'model-gateway.provider_rejected_request',
      kind,
      `${what} Reason: ${reason.slice(0, 500)}`,
      { details: { provider: attempt.providerName, model: attempt.model, failure, status: attempt.status, reason: reason.slice(0, 500) } },
    );
  }
}

/** Every candidate failed (after retries) or was skipped by its open circuit. */
export class AllRoutesFailedError extends ModelGatewayError {
  constructor(requested: string, attempts: AttemptInfo[]) {
    const tried = attempts
      .map((attempt) => `${attempt.providerName}/${attempt.model}: ${attempt.outcome === 'skipped_circuit_open' ? 'circuit open' : attempt.failure ?? 'error'}${attempt.status ? ` (${attempt.status})` : ''}`)
      .join('; ');
    super('model-gateway.all_routes_failed', 'bad_gateway', `Every route of ${requested} failed. Tried: ${tried || 'nothing'}.`, {
      details: {
        requested,
        attempts: attempts.map((attempt) => ({
          provider: attempt.providerName,
          model: attempt.model,
          outcome: attempt.outcome,
          failure: attempt.failure ?? null,
          status: attempt.status ?? null,
          latencyMs: Math.round(attempt.latencyMs),
        })),
      },
    });
  }
}

/** A stream failed after its first event reached the caller: no fallback is possible any more. */
export class StreamInterruptedError extends ModelGatewayError {
  constructor(provider: string, model: string, failure: string) {
    super('model-gateway.stream_interrupted', 'bad_gateway', `The stream from ${provider}/${model} failed after it started (${failure}).`, {
      details: { provider, model, failure },
    });
  }
}
