import {
  context as otelContext,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { RequestContextStore } from '@strata/kernel';
import { GenAiMetrics } from '../metrics/genai-metrics';
import { NEVER_RECORD_CONTENT, type ContentPolicy } from './content-policy';
import { GenAiAttr, StrataAttr, type GenAiToolType } from './genai.attributes';

export const GENAI_TRACER_NAME = '@strata/observability/genai';

/**
 * Longest content attribute (characters, after redaction and JSON encoding). Larger values are cut
 * and marked, so one long prompt cannot blow up a span row or an OTLP request.
 */
export const CONTENT_ATTRIBUTE_MAX_CHARS = 32_768;
const TRUNCATION_MARK = '…[truncated]';

/** A model call: `chat {model}` or `embeddings {model}`. */
export interface ModelCall {
  /** `gen_ai.provider.name`: openai, anthropic, aws.bedrock, azure.ai.openai, gcp.vertex_ai, ollama… */
  provider: string;
  /** `gen_ai.request.model` as requested (the provider may answer with another, see `recordResponse`). */
  model: string;
  serverAddress?: string;
  serverPort?: number;
  conversationId?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  /** Embeddings only: requested dimensions. */
  dimensions?: number;
  encodingFormats?: readonly string[];
}

/** What the provider answered; every field optional because providers report different subsets. */
export interface ModelResponse {
  model?: string;
  id?: string;
  finishReasons?: readonly string[];
  inputTokens?: number;
  outputTokens?: number;
}

/** A message in the GenAI conventions' JSON shape (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export interface GenAiMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: GenAiMessagePart[];
  /** Output messages only. */
  finish_reason?: string;
}

export type GenAiMessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown };

export interface ToolCall {
  name: string;
  callId?: string;
  type?: GenAiToolType;
  description?: string;
}

export interface AgentInvocation {
  id: string;
  name: string;
  version?: string;
  description?: string;
  /** The run this invocation belongs to: `strata.run.id` on this span and every GenAI span below it. */
  runId?: string;
  /** An agent behind a network hop (A2A, remote service): a CLIENT span; in-process agents are INTERNAL. */
  remote?: boolean;
}

/** Handle of a span opened by {@link GenAiTelemetry}; content methods are no-ops unless recording is allowed. */
export interface GenAiSpan {
  readonly span: Span;
  /** True when the tenant opted in: content methods will record (redacted). */
  readonly recordsContent: boolean;
}

export interface ModelSpan extends GenAiSpan {
  recordResponse(response: ModelResponse): void;
  recordInputMessages(messages: readonly GenAiMessage[], systemInstructions?: string): void;
  recordOutputMessages(messages: readonly GenAiMessage[]): void;
}

export interface ToolSpan extends GenAiSpan {
  recordArguments(args: unknown): void;
  recordResult(result: unknown): void;
}

export type AgentSpan = GenAiSpan;

export interface GenAiTelemetryOptions {
  contentPolicy?: ContentPolicy;
  /** Default: the global provider (set by the SDK; a no-op without one). */
  tracerProvider?: TracerProvider;
  /** Default: the global provider at construction time. */
  meterProvider?: MeterProvider;
}

const RUN_ID_KEY = createContextKey('strata.run.id');

/**
 * The typed API through which the other layers open GenAI spans by the OpenTelemetry GenAI
 * semantic conventions: `chat {model}`, `embeddings {model}`, `execute_tool {tool}` and
 * `invoke_agent {agent}`, each tagged with the request context (tenant, actor, on-behalf-of,
 * purpose, request, run), with the GenAI client metrics recorded for model calls. Message and tool
 * content is recorded only when the {@link ContentPolicy} says the tenant opted in, and always
 * after its `redact`.
 */
export class GenAiTelemetry {
  private readonly tracer: Tracer;
  private readonly metrics: GenAiMetrics;
  private readonly policy: ContentPolicy;

  constructor(options: GenAiTelemetryOptions = {}) {
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(GENAI_TRACER_NAME);
    this.metrics = new GenAiMetrics(options.meterProvider);
    this.policy = options.contentPolicy ?? NEVER_RECORD_CONTENT;
  }

  chat<T>(call: ModelCall, fn: (span: ModelSpan) => Promise<T>): Promise<T> {
    return this.model('chat', call, fn);
  }

  embeddings<T>(call: ModelCall, fn: (span: ModelSpan) => Promise<T>): Promise<T> {
    return this.model('embeddings', call, fn);
  }

  async executeTool<T>(tool: ToolCall, fn: (span: ToolSpan) => Promise<T>): Promise<T> {
    const recordsContent = await this.recordsContent();
    const attributes: Attributes = {
      [GenAiAttr.operationName]: 'execute_tool',
      [GenAiAttr.toolName]: tool.name,
      [GenAiAttr.toolType]: tool.type ?? 'function',
      ...optional(GenAiAttr.toolCallId, tool.callId),
      ...optional(GenAiAttr.toolDescription, tool.description),
    };
    return this.run(`execute_tool ${tool.name}`, SpanKind.INTERNAL, attributes, recordsContent, undefined, (span) =>
      fn({
        span,
        recordsContent,
        recordArguments: (args) => this.setContent(span, recordsContent, GenAiAttr.toolCallArguments, args),
        recordResult: (result) => this.setContent(span, recordsContent, GenAiAttr.toolCallResult, result),
      }),
    );
  }

  async invokeAgent<T>(agent: AgentInvocation, fn: (span: AgentSpan) => Promise<T>): Promise<T> {
    const recordsContent = await this.recordsContent();
    const attributes: Attributes = {
      [GenAiAttr.operationName]: 'invoke_agent',
      [GenAiAttr.agentId]: agent.id,
      [GenAiAttr.agentName]: agent.name,
      ...optional(GenAiAttr.agentVersion, agent.version),
      ...optional(GenAiAttr.agentDescription, agent.description),
    };
    return this.run(
      `invoke_agent ${agent.name}`,
      agent.remote ? SpanKind.CLIENT : SpanKind.INTERNAL,
      attributes,
      recordsContent,
      agent.runId,
      (span) => fn({ span, recordsContent }),
    );
  }

  private async model<T>(operation: 'chat' | 'embeddings', call: ModelCall, fn: (span: ModelSpan) => Promise<T>): Promise<T> {
    const recordsContent = await this.recordsContent();
    const metricAttributes: Attributes = {
      [GenAiAttr.operationName]: operation,
      [GenAiAttr.providerName]: call.provider,
      [GenAiAttr.requestModel]: call.model,
      ...optional(GenAiAttr.serverAddress, call.serverAddress),
      ...optional(GenAiAttr.serverPort, call.serverPort),
    };
    const attributes: Attributes = {
      ...metricAttributes,
      ...optional(GenAiAttr.conversationId, call.conversationId),
      ...optional(GenAiAttr.requestTemperature, call.temperature),
      ...optional(GenAiAttr.requestMaxTokens, call.maxTokens),
      ...optional(GenAiAttr.requestTopP, call.topP),
      ...optional(GenAiAttr.embeddingsDimensionCount, call.dimensions),
      ...(call.encodingFormats?.length ? { [GenAiAttr.requestEncodingFormats]: [...call.encodingFormats] } : {}),
    };
    const response: ModelResponse = {};
    const started = performance.now();
    let errorType: string | undefined;
    try {
      return await this.run(`${operation} ${call.model}`, SpanKind.CLIENT, attributes, recordsContent, undefined, (span) =>
        fn({
          span,
          recordsContent,
          recordResponse: (answer) => {
            Object.assign(response, answer);
            span.setAttributes({
              ...optional(GenAiAttr.responseModel, answer.model),
              ...optional(GenAiAttr.responseId, answer.id),
              ...optional(GenAiAttr.usageInputTokens, answer.inputTokens),
              ...optional(GenAiAttr.usageOutputTokens, answer.outputTokens),
              ...(answer.finishReasons?.length ? { [GenAiAttr.responseFinishReasons]: [...answer.finishReasons] } : {}),
            });
          },
          recordInputMessages: (messages, systemInstructions) => {
            this.setContent(span, recordsContent, GenAiAttr.inputMessages, messages);
            if (systemInstructions !== undefined) {
              this.setContent(span, recordsContent, GenAiAttr.systemInstructions, [{ type: 'text', content: systemInstructions }]);
            }
          },
          recordOutputMessages: (messages) => this.setContent(span, recordsContent, GenAiAttr.outputMessages, messages),
        }),
      );
    } catch (error) {
      errorType = errorTypeOf(error);
      throw error;
    } finally {
      this.metrics.record(
        {
          ...metricAttributes,
          ...optional(GenAiAttr.responseModel, response.model),
          ...optional(GenAiAttr.errorType, errorType),
        },
        (performance.now() - started) / 1000,
        response,
      );
    }
  }

  /** Opens the span as the active one (so nested spans and outgoing calls are its children) and closes it. */
  private run<T>(
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    recordsContent: boolean,
    runId: string | undefined,
    fn: (span: Span) => Promise<T>,
  ): Promise<T> {
    const parent = runId ? otelContext.active().setValue(RUN_ID_KEY, runId) : otelContext.active();
    const inheritedRunId = parent.getValue(RUN_ID_KEY);
    return this.tracer.startActiveSpan(
      name,
      {
        kind,
        attributes: {
          ...requestContextAttributes(),
          ...(typeof inheritedRunId === 'string' ? { [StrataAttr.runId]: inheritedRunId } : {}),
          ...(recordsContent ? { [StrataAttr.contentRecorded]: true } : {}),
          ...attributes,
        },
      },
      parent,
      async (span) => {
        try {
          return await fn(span);
        } catch (error) {
          span.recordException(error as Error);
          span.setAttribute(GenAiAttr.errorType, errorTypeOf(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /** Asks the policy once per span: only for a known tenant, and a failing policy means "no". */
  private async recordsContent(): Promise<boolean> {
    const tenantId = RequestContextStore.current()?.tenantId;
    if (!tenantId) return false;
    try {
      return (await this.policy.recordContent(tenantId)) === true;
    } catch {
      return false;
    }
  }

  private setContent(span: Span, recordsContent: boolean, key: string, value: unknown): void {
    if (!recordsContent || !span.isRecording()) return;
    let encoded: string;
    try {
      encoded = JSON.stringify(redactStrings(value, (text) => this.policy.redact(text)));
    } catch {
      // Redaction failed or the value is not serialisable: drop the content rather than risk raw text.
      return;
    }
    if (encoded === undefined) return;
    span.setAttribute(
      key,
      encoded.length > CONTENT_ATTRIBUTE_MAX_CHARS ? encoded.slice(0, CONTENT_ATTRIBUTE_MAX_CHARS - TRUNCATION_MARK.length) + TRUNCATION_MARK : encoded,
    );
  }
}

/** The Strata attributes of the current request context (the same set as the kernel's `withSpan`). */
export function requestContextAttributes(): Attributes {
  const context = RequestContextStore.current();
  if (!context) return {};
  return {
    ...optional(StrataAttr.tenantId, context.tenantId),
    ...(context.actor ? { [StrataAttr.actorType]: context.actor.type, [StrataAttr.actorId]: context.actor.id } : {}),
    ...(context.onBehalfOf ? { [StrataAttr.onBehalfOfType]: context.onBehalfOf.type, [StrataAttr.onBehalfOfId]: context.onBehalfOf.id } : {}),
    ...optional(StrataAttr.purpose, context.purpose),
    ...optional(StrataAttr.requestId, context.requestId),
  };
}

/**
 * Longest string handed to the redaction hook. Redactors are pattern matchers whose cost grows with
 * the input (some quadratically); what is beyond this could not appear in the capped attribute
 * anyway, unless redaction shrank the text by more than three attribute lengths.
 */
const REDACTION_INPUT_MAX_CHARS = CONTENT_ATTRIBUTE_MAX_CHARS * 4;

/** Every string in `value` (object keys excepted) passed through `redact`; other JSON values kept. */
function redactStrings(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return redact(value.length > REDACTION_INPUT_MAX_CHARS ? value.slice(0, REDACTION_INPUT_MAX_CHARS) : value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactStrings(item, redact, depth + 1);
  return out;
}

/** Low-cardinality `error.type`: a domain error's code, else the error class name. */
function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code) return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name ? name : '_OTHER';
}

function optional(key: string, value: string | number | undefined): Attributes {
  return value === undefined || value === '' ? {} : { [key]: value };
}

