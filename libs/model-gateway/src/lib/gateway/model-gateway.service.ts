import { Inject, Injectable } from '@nestjs/common';
import { isDomainError, RequestContextStore } from '@strata/kernel';
import { CONTENT_ATTRIBUTE_MAX_CHARS, GenAiTelemetry, type ModelSpan } from '@strata/observability';
import type { Operation } from '../catalog/catalog.schemas';
import type { ChatRequest, ChatStreamEvent, EmbeddingResponse, FinishReason, ModelProvider, PassthroughResponse, ToolCall, WireFormat } from '../providers/model-provider';
import { ProviderError } from '../providers/provider-error';
import { CircuitOpenError, EndpointResilience } from '../routing/endpoint-resilience';
import { endpointKey, LatencyTracker } from '../routing/latency-tracker';
import { planRoute, type PlannedRoute, type RouteNeeds } from '../routing/route-planner';
import { estimatedCost } from '../routing/routing-strategies';
import { AllRoutesFailedError, ProviderRejectedError, StreamInterruptedError } from '../routing/routing.errors';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import type { CatalogEntry, TenantCatalog } from '../routing/tenant-catalog';
import { estimatePromptTokens, estimateTextTokens, hasImages } from '../routing/token-estimate';
import {
  BUDGET_GATE,
  GUARDRAIL_PIPELINE,
  USAGE_RECORDER,
  type AttemptInfo,
  type BudgetGate,
  type BudgetReservation,
  type CatalogListing,
  type GatewayCallScope,
  type GatewayChatRequest,
  type GatewayChatResult,
  type GatewayChatStream,
  type GatewayEmbeddingRequest,
  type GatewayEmbeddingResult,
  type GatewayPassthroughResult,
  type GuardrailPipeline,
  type ModelGatewayApi,
  type RouteInfo,
  type UsageRecord,
  type UsageRecorder,
} from './gateway.contract';
import { cancelledByCaller, CLIENT_CLOSED_REQUEST } from './call-cancellation';
import { modelCall, toGenAiMessages, toGenAiOutput } from './genai-conventions';
import { MODEL_GATEWAY_OPTIONS, type ModelGatewayOptions } from './model-gateway-options';
import { PassthroughUsageMeter } from './passthrough-usage-meter';
import { ProviderAdapters } from './provider-adapters';

/** Output tokens reserved when neither the caller nor the catalog says how many a call may produce. */
export const DEFAULT_OUTPUT_TOKEN_ESTIMATE = 4_096;
/** Inputs one embeddings call may carry. */
export const MAX_EMBEDDING_INPUTS = 2_048;
/** Streamed output text kept for the span's content (when recorded at all). */
const STREAM_CONTENT_MAX_CHARS = CONTENT_ATTRIBUTE_MAX_CHARS;

/** Everything decided before the first provider call. */
interface PreparedCall<R> {
  tenantId: string;
  started: number;
  catalog: TenantCatalog;
  plan: PlannedRoute;
  promptTokens: number;
  request: R;
  reservation: BudgetReservation;
  scope: GatewayCallScope;
  /** The caller's signal: aborted when the caller went away (the call is then `cancelled`). */
  signal?: AbortSignal;
}

/** An attempt chain's winner. */
interface Answered<T> {
  value: T;
  entry: CatalogEntry;
  attempts: AttemptInfo[];
}

class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

/**
 * The model gateway as the other layers and the /v1 API call it. Around every call: route
 * (catalog + strategy + capability and context-window filters), guardrails on the prompt, a budget
 * reservation (prompt estimate + max output, priced), the provider calls with retries, per-endpoint
 * circuit breakers, timeouts and fallback down the candidates, GenAI spans and metrics per provider
 * call, then the budget settled and one usage record. Under zero data retention (tenant setting or
 * alias flag) no content is put on spans and adapters are asked not to retain it.
 */
@Injectable()
export class ModelGateway implements ModelGatewayApi {
  private readonly resilience: EndpointResilience;
  private readonly latency = new LatencyTracker();

  constructor(
    private readonly catalogs: TenantCatalogCache,
    private readonly adapters: ProviderAdapters,
    private readonly genai: GenAiTelemetry,
    @Inject(BUDGET_GATE) private readonly budgets: BudgetGate,
    @Inject(USAGE_RECORDER) private readonly usage: UsageRecorder,
    @Inject(GUARDRAIL_PIPELINE) private readonly guardrails: GuardrailPipeline,
    @Inject(MODEL_GATEWAY_OPTIONS) options: ModelGatewayOptions,
  ) {
    this.resilience = new EndpointResilience(options);
  }

  /** Circuit state of a provider endpoint (admin views, tests). */
  circuitState(providerId: string): 'closed' | 'open' | 'half-open' {
    return this.resilience.circuitState(providerId);
  }

  async chat(request: GatewayChatRequest): Promise<GatewayChatResult> {
    const prepared = await this.prepareChat(request, false);
    const { plan } = prepared;
    const zdr = plan.zeroDataRetention;
    let attempts: AttemptInfo[] = [];
    try {
      const answered = await this.attemptChain(prepared, 'chat', request.signal, (entry, adapter, signal, span) => {
        if (span.recordsContent && !zdr) {
          const input = toGenAiMessages(prepared.request.messages);
          span.recordInputMessages(input.messages, input.system);
        }
        return adapter.chat(this.providerRequest(prepared.request, entry, zdr, signal)).then((response) => {
          span.recordResponse({ model: response.model, id: response.id, finishReasons: [response.finishReason], inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens });
          if (span.recordsContent && !zdr) span.recordOutputMessages(toGenAiOutput(response));
          return response;
        });
      });
      attempts = answered.attempts;
      const response = answered.value;
      const costUsd = estimatedCost(answered.entry, response.usage.inputTokens, response.usage.outputTokens);
      prepared.reservation.settle({ inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, costUsd });
      const route = this.routeInfo(prepared, answered.entry, attempts, costUsd);
      this.record(prepared, 'chat', { route, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, outcome: 'success', streamed: false });
      return { response, route };
    } catch (error) {
      this.failed(prepared, 'chat', error, false);
      throw error;
    }
  }

  async streamChat(request: GatewayChatRequest): Promise<GatewayChatStream> {
    const prepared = await this.prepareChat(request, true);
    const zdr = prepared.plan.zeroDataRetention;
    const callerSignal = request.signal;
    interface OpenedStream {
      iterator: AsyncIterator<ChatStreamEvent>;
      first: ChatStreamEvent;
      span: ModelSpan;
      done: Deferred<void>;
      firstAt: number;
    }
    let answered: Answered<OpenedStream>;
    try {
      answered = await this.attemptChain(
        prepared,
        'chat',
        callerSignal,
        (entry, adapter, signal, span, done) => {
          if (span.recordsContent && !zdr) {
            const input = toGenAiMessages(prepared.request.messages);
            span.recordInputMessages(input.messages, input.system);
          }
          const iterator = adapter.streamChat(this.providerRequest(prepared.request, entry, zdr, signal))[Symbol.asyncIterator]();
          return iterator.next().then((first) => {
            if (signal.aborted) {
              // The attempt timed out (or the caller left) just as the first event came: drop the stream.
              void iterator.return?.()?.catch(() => undefined);
              throw new ProviderError('timeout', 'the first event came after the attempt ended');
            }
            if (first.done) throw new ProviderError('server', 'the provider ended the stream without any event');
            return { iterator, first: first.value, span, done: done as Deferred<void>, firstAt: performance.now() };
          });
        },
        true,
      );
    } catch (error) {
      this.failed(prepared, 'chat', error, true);
      throw error;
    }

    const { entry, attempts } = answered;
    const opened = answered.value;
    const timeToFirstChunkMs = opened.firstAt - prepared.started;
    let route = this.routeInfo(prepared, entry, attempts, 0, timeToFirstChunkMs);
    const recordsContent = opened.span.recordsContent && !zdr;
    const record = this.record.bind(this);
    const resilience = this.resilience;

    async function* events(): AsyncGenerator<ChatStreamEvent> {
      let usage = { inputTokens: 0, outputTokens: 0 };
      let finishReason: FinishReason | undefined;
      let responseId: string | undefined;
      let responseModel: string | undefined;
      let text = '';
      const toolCalls: ToolCall[] = [];
      let failure: unknown;
      let completed = false;
      const observe = (event: ChatStreamEvent) => {
        if (event.type === 'start') {
          responseId = event.id;
          responseModel = event.model;
        } else if (event.type === 'finish') {
          usage = { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens };
          finishReason = event.finishReason;
        } else if (recordsContent && event.type === 'text-delta' && text.length < STREAM_CONTENT_MAX_CHARS) {
          text += event.text;
        } else if (recordsContent && event.type === 'tool-call-delta') {
          const call = (toolCalls[event.index] ??= { id: event.id ?? '', name: event.name ?? '', arguments: '' });
          if (call.arguments.length < STREAM_CONTENT_MAX_CHARS) call.arguments += event.argumentsDelta;
        }
      };
      try {
        observe(opened.first);
        yield opened.first;
        for (;;) {
          const next = await opened.iterator.next();
          if (next.done) break;
          observe(next.value);
          yield next.value;
        }
        completed = true;
      } catch (error) {
        failure = error;
      } finally {
        const stoppedEarly = !completed && failure === undefined;
        if (stoppedEarly) {
          // The consumer stopped early: stop the upstream stream too.
          await opened.iterator.return?.().catch(() => undefined);
        }
        // The consumer stopped reading, or the stream failed because the caller aborted.
        const cancelled = stoppedEarly || (failure !== undefined && cancelledByCaller(callerSignal));
        opened.span.recordResponse({ id: responseId, model: responseModel, finishReasons: finishReason ? [finishReason] : undefined, ...usage });
        if (recordsContent) opened.span.recordOutputMessages(toGenAiOutput({ text, toolCalls: toolCalls.filter(Boolean), finishReason: finishReason ?? 'other' }));
        // A cancelled stream keeps the usage seen so far (none when it stopped before the usage event):
        // the provider may still bill what it generated after we stopped reading.
        const costUsd = estimatedCost(entry, usage.inputTokens, usage.outputTokens);
        prepared.reservation.settle({ ...usage, costUsd });
        route = { ...route, latencyMs: performance.now() - prepared.started, costUsd };
        if (failure === undefined) opened.done.resolve();
        else opened.done.reject(failure);
        if (cancelled) {
          record(prepared, 'chat', { route, ...usage, outcome: 'cancelled', errorCode: CLIENT_CLOSED_REQUEST, streamed: true, timeToFirstChunkMs });
        } else if (failure === undefined) {
          record(prepared, 'chat', { route, ...usage, outcome: 'success', streamed: true, timeToFirstChunkMs });
        } else {
          // Only a provider's own failure counts against its endpoint, never the caller's abort.
          if (failure instanceof ProviderError) resilience.recordLateFailure(entry.provider.id, failure);
          const code = failure instanceof ProviderError ? 'model-gateway.stream_interrupted' : errorCodeOf(failure);
          record(prepared, 'chat', { route, ...usage, outcome: 'error', errorCode: code, streamed: true, timeToFirstChunkMs });
        }
      }
      if (failure !== undefined) {
        throw failure instanceof ProviderError ? new StreamInterruptedError(entry.provider.name, entry.providerModelId, failure.failure) : failure;
      }
    }

    return { events: events(), route: () => route };
  }

  async embed(request: GatewayEmbeddingRequest): Promise<GatewayEmbeddingResult> {
    const prepared = await this.prepare('embeddings', request, {
      model: request.model,
      needs: { tools: false, vision: false, structuredOutput: false, streaming: false },
      promptTokens: request.input.reduce((sum, text) => sum + estimateTextTokens(text), 0),
      outputTokens: 0,
      screen: (plan) => plan.candidates.some((entry) => !entry.provider.builtIn),
    });
    const zdr = prepared.plan.zeroDataRetention;
    try {
      const answered = await this.attemptChain(prepared, 'embeddings', request.signal, (entry, adapter, signal, span) =>
        adapter
          .embed({ model: entry.providerModelId, input: prepared.request.input, dimensions: request.dimensions, zeroDataRetention: zdr || undefined, signal })
          .then((response: EmbeddingResponse) => {
            span.recordResponse({ model: response.model, inputTokens: response.usage.inputTokens });
            return response;
          }),
      );
      const response = answered.value;
      const costUsd = estimatedCost(answered.entry, response.usage.inputTokens, 0);
      prepared.reservation.settle({ inputTokens: response.usage.inputTokens, outputTokens: 0, costUsd });
      const route = this.routeInfo(prepared, answered.entry, answered.attempts, costUsd);
      this.record(prepared, 'embeddings', { route, inputTokens: response.usage.inputTokens, outputTokens: 0, outcome: 'success', streamed: false });
      return { response, route };
    } catch (error) {
      this.failed(prepared, 'embeddings', error, false);
      throw error;
    }
  }

  async passthrough(
    format: WireFormat,
    body: Record<string, unknown>,
    scope: GatewayCallScope & { signal?: AbortSignal },
  ): Promise<GatewayPassthroughResult | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const catalog = await this.catalogs.get();
    const streamed = body['stream'] === true;
    const promptTokens = estimateTextTokens(JSON.stringify(body['messages'] ?? '')) + estimateTextTokens(typeof body['system'] === 'string' ? body['system'] : JSON.stringify(body['system'] ?? ''));
    const maxOutput = passthroughMaxOutput(format, body);
    let plan: PlannedRoute;
    try {
      plan = planRoute(
        catalog,
        { operation: 'chat', model: typeof body['model'] === 'string' ? body['model'] : undefined, needs: passthroughNeeds(format, body), promptTokens, maxOutputTokens: maxOutput },
        this.orderingInputs(),
      );
    } catch (error) {
      this.record({ tenantId, started: performance.now(), scope: scopeOf(scope) }, 'chat', { inputTokens: 0, outputTokens: 0, outcome: 'error', errorCode: errorCodeOf(error), streamed });
      throw error;
    }
    // The first healthy candidate decides: if it does not speak `format`, the caller translates.
    const healthy = plan.candidates.filter((entry) => !this.resilience.isOpen(entry.provider.id));
    const first = healthy[0] ?? plan.candidates[0];
    const firstAdapter = this.tryAdapter(first);
    if (!firstAdapter?.supportsPassthrough(format) || !firstAdapter.passthrough) return null;

    const prepared = await this.prepare('chat', body, {
      model: body['model'] as string | undefined,
      plan: { ...plan, candidates: [first, ...plan.candidates.filter((entry) => entry !== first)] },
      catalog,
      tenantId,
      promptTokens,
      outputTokens: maxOutput,
      scope: scopeOf(scope),
      signal: scope.signal,
      screen: () => true,
    });
    const zdr = prepared.plan.zeroDataRetention;
    let answered: Answered<{ response: PassthroughResponse; span: ModelSpan; done: Deferred<void> }>;
    try {
      answered = await this.attemptChain(
        prepared,
        'chat',
        scope.signal,
        async (entry, adapter, signal, span, done) => {
          if (!adapter.supportsPassthrough(format) || !adapter.passthrough) {
            throw new ProviderError('invalid_request', `${entry.provider.name} does not accept ${format} requests as they are`);
          }
          const forwarded: Record<string, unknown> = { ...prepared.request, model: entry.providerModelId };
          const response = await adapter.passthrough({ format, body: forwarded, stream: streamed, zeroDataRetention: zdr || undefined, signal });
          return { response, span, done: done as Deferred<void> };
        },
        true,
      );
    } catch (error) {
      this.failed(prepared, 'chat', error, streamed);
      throw error;
    }

    const { entry, attempts } = answered;
    const { response, span, done } = answered.value;
    let route = this.routeInfo(prepared, entry, attempts, 0, streamed ? performance.now() - prepared.started : undefined);
    const meter = new PassthroughUsageMeter(format, streamed);
    const record = this.record.bind(this);
    const resilience = this.resilience;

    async function* relay(): AsyncGenerator<Uint8Array> {
      let failure: unknown;
      let completed = false;
      try {
        for await (const chunk of response.body) {
          meter.observe(chunk);
          yield chunk;
        }
        completed = true;
      } catch (error) {
        failure = error;
      } finally {
        // The relay stopped reading (the client went away; leaving the loop cancelled the upstream
        // body), or the body failed because the caller aborted.
        const cancelled = (!completed && failure === undefined) || (failure !== undefined && cancelledByCaller(scope.signal));
        // What the provider reported so far, else the prompt estimate: a cancelled call may still be
        // billed for what the provider generated after the relay stopped reading.
        const metered = meter.finish();
        const inputTokens = metered.inputTokens ?? prepared.promptTokens;
        const outputTokens = metered.outputTokens ?? 0;
        span.recordResponse({ inputTokens, outputTokens });
        const costUsd = estimatedCost(entry, inputTokens, outputTokens);
        prepared.reservation.settle({ inputTokens, outputTokens, costUsd });
        route = { ...route, latencyMs: performance.now() - prepared.started, costUsd };
        if (failure === undefined) done.resolve();
        else done.reject(failure);
        if (cancelled) {
          record(prepared, 'chat', { route, inputTokens, outputTokens, outcome: 'cancelled', errorCode: CLIENT_CLOSED_REQUEST, streamed });
        } else if (failure === undefined) {
          record(prepared, 'chat', { route, inputTokens, outputTokens, outcome: 'success', streamed });
        } else {
          if (failure instanceof ProviderError) resilience.recordLateFailure(entry.provider.id, failure);
          record(prepared, 'chat', { route, inputTokens, outputTokens, outcome: 'error', errorCode: errorCodeOf(failure), streamed });
        }
      }
      if (failure !== undefined) throw failure;
    }

    return { response: { status: response.status, headers: response.headers, body: relay() }, route: () => route };
  }

  async listModels(): Promise<CatalogListing[]> {
    const catalog = await this.catalogs.get();
    const listings: CatalogListing[] = [];
    for (const alias of catalog.aliases.values()) {
      const targets = alias.targets.map((target) => catalog.models.get(target.model)).filter((entry): entry is CatalogEntry => !!entry && entry.enabled);
      const windows = targets.map((entry) => entry.contextWindow).filter((value): value is number => value !== null);
      listings.push({
        id: alias.name,
        kind: 'alias',
        operation: alias.operation,
        providerKind: new Set(targets.map((entry) => entry.provider.kind)).size === 1 ? targets[0]?.provider.kind : undefined,
        capabilities: {
          tools: targets.some((entry) => entry.capabilities.tools),
          vision: targets.some((entry) => entry.capabilities.vision),
          structuredOutput: targets.some((entry) => entry.capabilities.structuredOutput),
          streaming: targets.some((entry) => entry.capabilities.streaming),
          contextWindow: windows.length ? Math.max(...windows) : null,
        },
        createdAt: alias.createdAt,
      });
    }
    for (const entry of catalog.models.values()) {
      if (!entry.enabled || !entry.provider.enabled) continue;
      listings.push({
        id: entry.name,
        kind: 'model',
        operation: entry.operation,
        providerKind: entry.provider.kind,
        capabilities: { ...entry.capabilities, contextWindow: entry.contextWindow },
        createdAt: entry.createdAt,
      });
    }
    return listings;
  }

  // ---- the stages ----

  private async prepareChat(request: GatewayChatRequest, streaming: boolean): Promise<PreparedCall<GatewayChatRequest>> {
    const structured = request.responseFormat?.type === 'json_schema' || request.responseFormat?.type === 'json_object';
    return this.prepare('chat', request, {
      model: request.model,
      taskClass: request.taskClass,
      needs: { tools: (request.tools?.length ?? 0) > 0 && request.toolChoice !== 'none', vision: hasImages(request.messages), structuredOutput: structured, streaming },
      promptTokens: estimatePromptTokens(request),
      outputTokens: request.maxOutputTokens,
      maxOutputTokens: request.maxOutputTokens,
      screen: () => true,
    });
  }

  /**
   * Route, screen and reserve. Failures here (unknown model, guardrail block, budget) are recorded
   * as usage with their outcome and rethrown; nothing was sent to a provider.
   */
  private async prepare<R extends object>(
    operation: Operation,
    request: R,
    options: {
      model?: string;
      taskClass?: string;
      needs?: RouteNeeds;
      promptTokens: number;
      /** Output tokens to reserve; default: the candidates' max output, else DEFAULT_OUTPUT_TOKEN_ESTIMATE. */
      outputTokens?: number;
      maxOutputTokens?: number;
      plan?: PlannedRoute;
      catalog?: TenantCatalog;
      tenantId?: string;
      scope?: GatewayCallScope;
      /** The caller's signal; default: the request's own `signal`. */
      signal?: AbortSignal;
      screen: (plan: PlannedRoute) => boolean;
    },
  ): Promise<PreparedCall<R>> {
    const started = performance.now();
    const tenantId = options.tenantId ?? RequestContextStore.requireTenantId();
    const scope = options.scope ?? scopeOf(request as GatewayCallScope);
    const signal = options.signal ?? (request as { signal?: AbortSignal }).signal;
    const base = { tenantId, started, promptTokens: options.promptTokens, scope, signal };
    let plan: PlannedRoute | undefined = options.plan;
    try {
      const catalog = options.catalog ?? (await this.catalogs.get());
      plan ??= planRoute(
        catalog,
        { operation, model: options.model, taskClass: options.taskClass, needs: options.needs ?? NO_NEEDS, promptTokens: options.promptTokens, maxOutputTokens: options.maxOutputTokens },
        this.orderingInputs(),
      );
      const screened = options.screen(plan) ? (await this.guardrails.screenPrompt(tenantId, plan.alias?.name, request)).value : request;
      const outputTokens = operation === 'embeddings' ? 0 : (options.outputTokens ?? Math.max(0, ...plan.candidates.map((entry) => entry.maxOutputTokens ?? DEFAULT_OUTPUT_TOKEN_ESTIMATE)));
      const costUsd = Math.max(0, ...plan.candidates.map((entry) => estimatedCost(entry, options.promptTokens, outputTokens)));
      const reservation = await this.budgets.reserve({ tenantId, ...scope }, { tokens: options.promptTokens + outputTokens, costUsd });
      return { ...base, catalog, plan, request: screened, reservation };
    } catch (error) {
      this.record({ ...base, plan }, operation, {
        inputTokens: 0,
        outputTokens: 0,
        outcome: outcomeOf(error),
        errorCode: errorCodeOf(error),
        streamed: false,
      });
      throw error;
    }
  }

  /**
   * Tries the plan's candidates in order: each through its breaker with retries and a timeout, in a
   * GenAI span per provider call. A failure that `fallsBack` moves on to the next candidate; one that
   * does not (invalid request, auth, content filter) ends the call with the provider's reason.
   * `fn`'s `done` (streams and passthrough) keeps the span open until the caller settles it.
   */
  private async attemptChain<T>(
    prepared: PreparedCall<unknown>,
    operation: Operation,
    callerSignal: AbortSignal | undefined,
    fn: (entry: CatalogEntry, adapter: ModelProvider, signal: AbortSignal, span: ModelSpan, done?: Deferred<void>) => Promise<T>,
    keepOpen = false,
  ): Promise<Answered<T>> {
    const attempts: AttemptInfo[] = [];
    const rejected = (error: ProviderError, attempt: AttemptInfo) => new ProviderRejectedError(error.failure, attempt, error.message);
    for (const entry of prepared.plan.candidates) {
      const started = performance.now();
      const base = { providerId: entry.provider.id, providerName: entry.provider.name, model: entry.providerModelId };
      const adapter = this.tryAdapter(entry);
      if (!adapter) {
        attempts.push({ ...base, outcome: 'error', failure: 'credential_unreadable', latencyMs: 0 });
        continue;
      }
      try {
        const value = await this.resilience.run(
          entry.provider.id,
          this.adapters.timeoutOf(entry.provider),
          callerSignal,
          (signal) => this.inSpan(operation, entry, prepared, keepOpen, (span, done) => fn(entry, adapter, signal, span, done)),
          { keepOpenAfterReturn: keepOpen },
        );
        const latencyMs = performance.now() - started;
        this.latency.observe(endpointKey(entry.provider.id, entry.providerModelId), latencyMs);
        attempts.push({ ...base, outcome: 'success', latencyMs });
        return { value, entry, attempts };
      } catch (error) {
        const latencyMs = performance.now() - started;
        if (error instanceof CircuitOpenError) {
          attempts.push({ ...base, outcome: 'skipped_circuit_open', latencyMs });
          continue;
        }
        if (error instanceof ProviderError) {
          const attempt: AttemptInfo = { ...base, outcome: 'error', failure: error.failure, status: error.status, latencyMs };
          attempts.push(attempt);
          if (error.fallsBack) continue;
          throw Object.assign(rejected(error, attempt), { attempts });
        }
        throw error;
      }
    }
    throw Object.assign(new AllRoutesFailedError(prepared.plan.requested, attempts), { attempts });
  }

  /**
   * One provider call in a `chat {model}` / `embeddings {model}` span. With `keepOpen`, `fn`'s
   * result is handed out as soon as it exists while the span stays open until `done` settles.
   */
  private inSpan<T>(operation: Operation, entry: CatalogEntry, prepared: PreparedCall<unknown>, keepOpen: boolean, fn: (span: ModelSpan, done?: Deferred<void>) => Promise<T>): Promise<T> {
    const request = prepared.request as Partial<ChatRequest>;
    const call = modelCall(entry.provider, entry.providerModelId, operation === 'chat' ? { temperature: request.temperature, maxTokens: request.maxOutputTokens, topP: request.topP } : {});
    const open = operation === 'chat' ? this.genai.chat.bind(this.genai) : this.genai.embeddings.bind(this.genai);
    const tag = (span: ModelSpan) =>
      span.span.setAttributes({
        'strata.gateway.catalog_model': entry.name,
        'strata.gateway.provider_id': entry.provider.id,
        'strata.gateway.zero_data_retention': prepared.plan.zeroDataRetention,
        ...(prepared.plan.alias ? { 'strata.gateway.alias': prepared.plan.alias.name } : {}),
      });
    if (!keepOpen) {
      return open(call, (span) => {
        tag(span);
        return fn(span);
      });
    }
    const handed = new Deferred<T>();
    const done = new Deferred<void>();
    open(call, async (span) => {
      tag(span);
      let value: T;
      try {
        value = await fn(span, done);
      } catch (error) {
        handed.reject(error);
        throw error;
      }
      handed.resolve(value);
      await done.promise;
    }).catch(() => undefined);
    return handed.promise;
  }

  private providerRequest(request: GatewayChatRequest, entry: CatalogEntry, zdr: boolean, signal: AbortSignal): ChatRequest {
    const { model: _model, taskClass: _taskClass, apiKeyId: _apiKeyId, agentId: _agentId, runId: _runId, signal: _signal, ...rest } = request;
    return { ...rest, model: entry.providerModelId, zeroDataRetention: zdr || undefined, signal };
  }

  private tryAdapter(entry: CatalogEntry): ModelProvider | undefined {
    try {
      return this.adapters.adapterFor(entry.provider);
    } catch (error) {
      if (isDomainError(error)) return undefined;
      throw error;
    }
  }

  private orderingInputs() {
    return { random: Math.random, latencyOf: (entry: CatalogEntry) => this.latency.average(endpointKey(entry.provider.id, entry.providerModelId)) };
  }

  private routeInfo(prepared: PreparedCall<unknown>, entry: CatalogEntry, attempts: AttemptInfo[], costUsd: number, timeToFirstChunkMs?: number): RouteInfo {
    return {
      alias: prepared.plan.alias?.name,
      providerId: entry.provider.id,
      providerName: entry.provider.name,
      providerKind: entry.provider.kind,
      catalogModel: entry.name,
      model: entry.providerModelId,
      attempts,
      latencyMs: performance.now() - prepared.started,
      ...(timeToFirstChunkMs === undefined ? {} : { timeToFirstChunkMs }),
      costUsd,
      zeroDataRetention: prepared.plan.zeroDataRetention,
    };
  }

  /**
   * A failure after routing: give the reservation back when no provider was reached, record usage
   * (`cancelled` when the caller had gone away by then, whatever the error looks like).
   */
  private failed(prepared: PreparedCall<unknown>, operation: Operation, error: unknown, streamed: boolean): void {
    const attempts = ((error as { attempts?: AttemptInfo[] }).attempts ?? []).filter((attempt) => attempt.outcome !== 'skipped_circuit_open');
    // A provider that failed may still have counted the prompt, but nothing is known: settle at zero.
    // A call its caller cancelled during an attempt is released: the provider reported nothing, though
    // it may still bill the request it had started answering.
    if (attempts.length) prepared.reservation.settle({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
    else prepared.reservation.release();
    const cancelled = cancelledByCaller(prepared.signal);
    this.record(prepared, operation, {
      inputTokens: 0,
      outputTokens: 0,
      outcome: cancelled ? 'cancelled' : 'error',
      errorCode: cancelled ? CLIENT_CLOSED_REQUEST : errorCodeOf(error),
      streamed,
      attempts: (error as { attempts?: AttemptInfo[] }).attempts,
    });
  }

  /** One usage record per call; never content, never throws. */
  private record(
    prepared: { tenantId: string; started: number; plan?: PlannedRoute; scope: GatewayCallScope },
    operation: Operation,
    outcome: {
      route?: RouteInfo;
      inputTokens: number;
      outputTokens: number;
      outcome: UsageRecord['outcome'];
      errorCode?: string;
      streamed: boolean;
      timeToFirstChunkMs?: number;
      attempts?: AttemptInfo[];
    },
  ): void {
    try {
      const actor = RequestContextStore.current()?.actor;
      const route = outcome.route;
      this.usage.record({
        tenantId: prepared.tenantId,
        actorType: actor?.type ?? 'system',
        actorId: actor?.id ?? 'unknown',
        ...prepared.scope,
        operation,
        alias: prepared.plan?.alias?.name,
        providerId: route?.providerId,
        providerKind: route?.providerKind,
        model: route?.catalogModel,
        inputTokens: outcome.inputTokens,
        outputTokens: outcome.outputTokens,
        costUsd: route?.costUsd ?? 0,
        latencyMs: route?.latencyMs ?? performance.now() - prepared.started,
        timeToFirstChunkMs: outcome.timeToFirstChunkMs,
        outcome: outcome.outcome,
        errorCode: outcome.errorCode,
        attempts: route?.attempts ?? outcome.attempts ?? [],
        traceId: RequestContextStore.current()?.traceId,
        streamed: outcome.streamed,
        at: new Date(),
      });
    } catch {
      // Accounting never breaks a call (the recorder is not supposed to throw either).
    }
  }
}

const NO_NEEDS: RouteNeeds = { tools: false, vision: false, structuredOutput: false, streaming: false };

function scopeOf(request: GatewayCallScope): GatewayCallScope {
  return {
    ...(request.apiKeyId ? { apiKeyId: request.apiKeyId } : {}),
    ...(request.agentId ? { agentId: request.agentId } : {}),
    ...(request.runId ? { runId: request.runId } : {}),
  };
}

function errorCodeOf(error: unknown): string {
  if (isDomainError(error)) return error.code;
  if (error instanceof ProviderError) return `provider.${error.failure}`;
  return (error as Error)?.name === 'AbortError' ? 'aborted' : 'internal';
}

function outcomeOf(error: unknown): UsageRecord['outcome'] {
  const code = isDomainError(error) ? error.code : '';
  if (code === 'model-gateway.guardrail_blocked') return 'blocked';
  if (code === 'model-gateway.budget_exceeded') return 'budget_exceeded';
  if (code === 'model-gateway.rate_limited') return 'rate_limited';
  return 'error';
}

function passthroughMaxOutput(format: WireFormat, body: Record<string, unknown>): number | undefined {
  const value = format === 'openai-chat' ? (body['max_completion_tokens'] ?? body['max_tokens']) : body['max_tokens'];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function passthroughNeeds(format: WireFormat, body: Record<string, unknown>): RouteNeeds {
  const messages = JSON.stringify(body['messages'] ?? []);
  const responseFormat = body['response_format'] as { type?: string } | undefined;
  return {
    tools: Array.isArray(body['tools']) && body['tools'].length > 0 && body['tool_choice'] !== 'none',
    vision: format === 'openai-chat' ? messages.includes('"image_url"') : messages.includes('"type":"image"'),
    structuredOutput: format === 'openai-chat' && (responseFormat?.type === 'json_schema' || responseFormat?.type === 'json_object'),
    streaming: body['stream'] === true,
  };
}
