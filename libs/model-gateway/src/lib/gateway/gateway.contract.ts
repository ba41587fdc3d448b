/**
 * The contracts between the gateway's parts. `ModelGateway` (gateway/model-gateway.service.ts) is
 * the facade the other layers call in process and the /v1 controllers call for outside clients; it
 * resolves the route (catalog + routing), applies the guardrails, reserves budget, calls the
 * providers with retries, fallback and circuit breakers, settles the budget and records usage.
 * Tenant, actor and purpose come from the RequestContextStore; the rest is per call.
 */
import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingResponse,
  PassthroughResponse,
  ProviderKind,
  WireFormat,
} from '../providers/model-provider';
import type { UsageOutcome } from '../usage/usage.schemas';

/** Who a call is accounted to, beyond the request context's tenant and actor. */
export interface GatewayCallScope {
  /** The API key the caller authenticated with, when it did with one (budgets per key). */
  apiKeyId?: string;
  agentId?: string;
  runId?: string;
}

export interface GatewayChatRequest extends Omit<ChatRequest, 'model'>, GatewayCallScope {
  /** An alias of the tenant's catalog (`fast`), or a catalog model name (`openai/gpt-4.1-mini`). */
  model?: string;
  /** Route by task class instead of naming a model: the alias that lists this class. */
  taskClass?: string;
}

export interface GatewayEmbeddingRequest extends GatewayCallScope {
  model?: string;
  input: string[];
  dimensions?: number;
  signal?: AbortSignal;
}

export interface AttemptInfo {
  providerId: string;
  providerName: string;
  model: string;
  outcome: 'success' | 'error' | 'skipped_circuit_open';
  /** ProviderFailure when it failed. */
  failure?: string;
  status?: number;
  latencyMs: number;
}

/** Where a call went and what it cost: returned to callers and shown by the playground. */
export interface RouteInfo {
  /** The alias the request named or its task class resolved to; absent when it named a model. */
  alias?: string;
  providerId: string;
  providerName: string;
  providerKind: ProviderKind;
  /** The catalog model name (`provider/model`) and the provider's model id. */
  catalogModel: string;
  model: string;
  attempts: AttemptInfo[];
  latencyMs: number;
  /** Time to the first streamed event; streaming only. */
  timeToFirstChunkMs?: number;
  costUsd: number;
  zeroDataRetention: boolean;
}

export interface GatewayChatResult {
  response: ChatResponse;
  route: RouteInfo;
}

/**
 * A streaming call. Fallback happens only before the first event reaches the caller; after that
 * a failure ends the stream with the error. `route` is final once `events` has finished.
 */
export interface GatewayChatStream {
  events: AsyncIterable<ChatStreamEvent>;
  route: () => RouteInfo;
}

export interface GatewayEmbeddingResult {
  response: EmbeddingResponse;
  route: RouteInfo;
}

export interface GatewayPassthroughResult {
  response: PassthroughResponse;
  route: () => RouteInfo;
}

/** An alias or model a caller may name, as `/v1/models` and the admin catalog list them. */
export interface CatalogListing {
  id: string;
  kind: 'alias' | 'model';
  operation: 'chat' | 'embeddings';
  providerKind?: ProviderKind;
  capabilities: { tools: boolean; vision: boolean; structuredOutput: boolean; streaming: boolean; contextWindow: number | null };
  createdAt: Date;
}

export interface ModelGatewayApi {
  chat(request: GatewayChatRequest): Promise<GatewayChatResult>;
  streamChat(request: GatewayChatRequest): Promise<GatewayChatStream>;
  embed(request: GatewayEmbeddingRequest): Promise<GatewayEmbeddingResult>;
  /**
   * Same-format traffic: when the route's first healthy endpoint speaks `format`, forward the body
   * unchanged but for `model`; otherwise `null`, and the caller translates and uses chat/streamChat.
   * Guardrails, budgets and usage accounting apply exactly as for chat.
   */
  passthrough(format: WireFormat, body: Record<string, unknown>, scope: GatewayCallScope & { signal?: AbortSignal }): Promise<GatewayPassthroughResult | null>;
  listModels(): Promise<CatalogListing[]>;
}

// ---- Stages the facade runs (model-gateway-budgets and guardrails implement these) ----

/** What a call may at most consume, estimated before it is made (prompt tokens + max output). */
export interface UsageEstimate {
  tokens: number;
  costUsd: number;
}

export interface ActualUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A reservation against every budget and rate limit that applies to the call. */
export interface BudgetReservation {
  /** Replace the estimate by what was actually used. Idempotent; later calls are ignored. */
  settle(actual: ActualUsage): void;
  /** The call never reached a provider: give the whole reservation back. */
  release(): void;
}

export interface BudgetScope extends GatewayCallScope {
  tenantId: string;
}

export interface BudgetGate {
  /**
   * Reserve `estimate` against the tenant's (and the key's / agent's) budgets and per-minute limits,
   * atomically under concurrency. Throws ModelGatewayError `model-gateway.budget_exceeded` or
   * `model-gateway.rate_limited` (kind resource_exhausted, details: which budget, limit, period, retryAfterMs).
   */
  reserve(scope: BudgetScope, estimate: UsageEstimate): Promise<BudgetReservation>;
}

export interface UsageRecord extends GatewayCallScope {
  tenantId: string;
  actorType: string;
  actorId: string;
  operation: 'chat' | 'embeddings';
  alias?: string;
  providerId?: string;
  providerKind?: ProviderKind;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  timeToFirstChunkMs?: number;
  /** `cancelled`: the caller went away before the call completed (error code `http.client_closed_request`). */
  outcome: UsageOutcome;
  errorCode?: string;
  attempts: AttemptInfo[];
  traceId?: string;
  streamed: boolean;
  at: Date;
}

export interface UsageRecorder {
  /** Queues the record; it is written in batches off the request's path. Never throws. */
  record(record: UsageRecord): void;
}

export interface GuardrailFinding {
  rule: string;
  kind: 'pii' | 'secret' | 'custom';
  action: 'mask' | 'block';
  /** Where in the request: `messages[2].content`. Never the matched text. */
  path: string;
  count: number;
}

export interface GuardrailVerdict<T> {
  value: T;
  findings: GuardrailFinding[];
}

export interface GuardrailPipeline {
  /**
   * Applied to the prompt before it leaves: masks what `mask` rules match and throws
   * ModelGatewayError `model-gateway.guardrail_blocked` (kind invalid_argument, details: findings) for `block` rules.
   */
  screenPrompt<T>(tenantId: string, alias: string | undefined, request: T): Promise<GuardrailVerdict<T>>;
  /** Applied to any content before it is stored or traced: masks every rule's matches (never blocks). */
  redactForStorage(tenantId: string, text: string): string;
}

export const BUDGET_GATE = Symbol('BUDGET_GATE');
export const USAGE_RECORDER = Symbol('USAGE_RECORDER');
export const GUARDRAIL_PIPELINE = Symbol('GUARDRAIL_PIPELINE');
