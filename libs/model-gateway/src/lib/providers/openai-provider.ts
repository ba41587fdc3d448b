import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, AzureOpenAI } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { AttemptDeadline } from './attempt-deadline';
import { imageUrl } from './image-source';
import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResponse,
  FinishReason,
  ModelProvider,
  PassthroughRequest,
  PassthroughResponse,
  ProviderEndpointConfig,
  ToolChoice,
  Usage,
  WireFormat,
} from './model-provider';
import { ProviderError } from './provider-error';
import { toProviderError, type ProviderErrorDetails } from './provider-error-classifier';
import { SdkRequestTemplate } from './sdk-request-template';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * OpenAI's Chat Completions API through the official `openai` SDK; also every OpenAI-compatible
 * server (Ollama, vLLM, LM Studio, OpenRouter: `baseUrl`), and Azure OpenAI when `options.apiVersion`
 * is set (the SDK's AzureOpenAI client: `api-key` header, `api-version` query, the model as the
 * deployment in the path).
 */
export class OpenAiProvider implements ModelProvider {
  readonly kind: 'openai' | 'openai-compatible';
  private readonly client: OpenAI;
  private readonly providerName: string;
  private readonly isAzure: boolean;
  private readonly isOpenRouter: boolean;
  private readonly passthroughRequest = new SdkRequestTemplate((model) =>
    this.client.buildRequest({ method: 'post', path: '/chat/completions', body: { model } }),
  );

  constructor(private readonly config: ProviderEndpointConfig) {
    if (config.kind !== 'openai' && config.kind !== 'openai-compatible') throw new Error(`OpenAiProvider cannot serve ${config.kind}`);
    this.kind = config.kind;
    this.isAzure = config.kind === 'openai-compatible' && Boolean(config.options?.apiVersion);
    this.isOpenRouter = /(^|\.)openrouter\.ai$/i.test(hostOf(config.baseUrl));
    this.providerName = this.isAzure ? 'azure-openai' : config.kind;
    // Local servers (Ollama, LM Studio) take no key, but the SDK insists on one; they ignore the header.
    const apiKey = config.credentials.type === 'api-key' ? config.credentials.apiKey : 'no-key';
    const common = {
      apiKey,
      maxRetries: 0, // the gateway retries, with its own backoff and circuit breaker
      timeout: config.timeoutMs,
      defaultHeaders: config.options?.headers,
      organization: config.options?.organization ?? null,
      project: null,
      webhookSecret: null,
      logLevel: 'off' as const, // SDK debug logs would print request bodies
    };
    if (this.isAzure) {
      const base = config.baseUrl ?? '';
      this.client = new AzureOpenAI({
        ...common,
        apiVersion: config.options?.apiVersion,
        ...(/\/openai\/?$/.test(base) ? { baseURL: base } : { endpoint: base }),
      });
    } else {
      if (config.kind === 'openai-compatible' && !config.baseUrl) throw new Error('an OpenAI-compatible endpoint needs a baseUrl');
      this.client = new OpenAI({ ...common, baseURL: config.baseUrl ?? OPENAI_BASE_URL });
    }
  }

  supportsPassthrough(format: WireFormat): boolean {
    return format === 'openai-chat';
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const completion = await this.client.chat.completions.create({ ...this.params(request), stream: false }, { signal: deadline.signal });
        const choice = completion.choices[0];
        const toolCalls = (choice?.message.tool_calls ?? []).flatMap((call) =>
          call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
        );
        return {
          id: completion.id,
          model: completion.model,
          text: choice?.message.content ?? '',
          toolCalls,
          finishReason: finishReason(choice?.finish_reason),
          usage: usageOf(completion.usage),
        };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return AttemptDeadline.stream(this.config.timeoutMs, request.signal, (deadline) => this.streamChatEvents(request, deadline), (error, deadline) => this.failure(error, deadline));
  }

  embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const result = await this.client.embeddings.create(
          {
            model: request.model,
            input: request.input,
            encoding_format: 'float',
            ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
          },
          { signal: deadline.signal },
        );
        const embeddings = [...result.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
        return { model: result.model, embeddings, usage: { inputTokens: result.usage?.prompt_tokens ?? 0 } };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  /**
   * Forwards an OpenAI chat completion body as it is, and the answer's bytes as they arrive. The
   * request is the one the SDK builds for chat.completions (see SdkRequestTemplate for why it is
   * built once and reused); a non-2xx answer becomes the SDK's APIError and is mapped like any other.
   */
  async passthrough(request: PassthroughRequest): Promise<PassthroughResponse> {
    if (request.format !== 'openai-chat') throw new ProviderError('invalid_request', `${this.providerName}: passthrough of ${request.format} is not supported`);
    const deadline = new AttemptDeadline(this.config.timeoutMs, request.signal);
    const mapError = (error: unknown) => this.failure(error, deadline);
    try {
      const body = request.zeroDataRetention ? { ...request.body, ...this.retentionOptOut() } : request.body;
      // Azure puts the deployment (the model) in the path; elsewhere one URL serves every model.
      const key = this.isAzure ? String(body.model ?? '') : '';
      return await this.passthroughRequest.send(key, body, deadline, (status, json, text, headers) => APIError.generate(status, json, text, headers), mapError);
    } catch (error) {
      deadline.dispose();
      throw mapError(error);
    }
  }

  private params(request: ChatRequest): ChatCompletionCreateParamsBase {
    const maxTokens =
      request.maxOutputTokens === undefined
        ? {}
        : this.config.kind === 'openai' || this.isAzure
          ? { max_completion_tokens: request.maxOutputTokens }
          : { max_tokens: request.maxOutputTokens }; // what most compatible servers understand
    return {
      model: request.model,
      messages: request.messages.map(toOpenAiMessage),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({
              type: 'function' as const,
              function: {
                name: tool.name,
                ...(tool.description ? { description: tool.description } : {}),
                parameters: tool.parameters,
                ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
              },
            })),
          }
        : {}),
      ...(request.toolChoice ? { tool_choice: toolChoice(request.toolChoice) } : {}),
      ...(request.responseFormat ? { response_format: responseFormat(request.responseFormat) } : {}),
      ...maxTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { top_p: request.topP } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.user ? { user: request.user } : {}),
      ...(request.zeroDataRetention ? this.retentionOptOut() : {}),
    };
  }

  /** `store: false` keeps the completion out of OpenAI's stored completions; OpenRouter also routes only to providers that do not collect data. */
  private retentionOptOut(): Record<string, unknown> {
    return this.isOpenRouter ? { store: false, provider: { data_collection: 'deny', zdr: true } } : { store: false };
  }

  private async *streamChatEvents(request: ChatRequest, deadline: AttemptDeadline): AsyncIterable<ChatStreamEvent> {
    const stream = await this.client.chat.completions.create(
      { ...this.params(request), stream: true, stream_options: { include_usage: true } },
      { signal: deadline.signal },
    );
    let started = false;
    let finish: FinishReason | undefined;
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      deadline.touch();
      if (!started) {
        started = true;
        yield { type: 'start', id: chunk.id, model: chunk.model };
      }
      if (chunk.usage) usage = usageOf(chunk.usage);
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
      for (const call of choice.delta?.tool_calls ?? []) {
        yield {
          type: 'tool-call-delta',
          index: call.index,
          ...(call.id ? { id: call.id } : {}),
          ...(call.function?.name ? { name: call.function.name } : {}),
          argumentsDelta: call.function?.arguments ?? '',
        };
      }
      if (choice.finish_reason) finish = finishReason(choice.finish_reason);
    }
    // Some SDKs end a stream quietly when its signal aborts; an aborted attempt must not look complete.
    deadline.signal.throwIfAborted();
    yield { type: 'finish', finishReason: finish ?? 'other', usage };
  }

  private failure(error: unknown, deadline: AttemptDeadline): unknown {
    return toProviderError(this.providerName, error, deadline, describeOpenAiError);
  }
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

export function describeOpenAiError(error: unknown): ProviderErrorDetails | 'network' | 'timeout' | undefined {
  if (error instanceof APIConnectionTimeoutError) return 'timeout';
  if (error instanceof APIConnectionError) return 'network';
  if (error instanceof APIError) {
    const body = (error.error ?? {}) as { message?: unknown };
    return {
      status: error.status,
      type: error.type,
      code: error.code,
      param: error.param,
      providerMessage: typeof body.message === 'string' ? body.message : undefined,
      headers: error.headers,
    };
  }
  return undefined;
}

function toOpenAiMessage(message: ChatRequest['messages'][number]): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map(
                (part): ChatCompletionContentPart =>
                  part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: { url: imageUrl(part) } },
              ),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function responseFormat(format: NonNullable<ChatRequest['responseFormat']>): ChatCompletionCreateParamsBase['response_format'] {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict !== undefined ? { strict: format.strict } : {}),
      ...(format.description ? { description: format.description } : {}),
    },
  };
}

function finishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

function usageOf(usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null | undefined): Usage {
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    ...(usage?.prompt_tokens_details?.cached_tokens ? { cachedInputTokens: usage.prompt_tokens_details.cached_tokens } : {}),
  };
}
