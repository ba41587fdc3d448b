import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  RawMessageStreamEvent,
  StopReason,
  ToolChoice as AnthropicToolChoice,
  ToolUnion,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { AlternatingTurns } from './alternating-turns';
import { AttemptDeadline } from './attempt-deadline';
import { imageSource } from './image-source';
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingResponse,
  FinishReason,
  ModelProvider,
  PassthroughRequest,
  PassthroughResponse,
  ProviderEndpointConfig,
  Usage,
  WireFormat,
} from './model-provider';
import { ProviderError } from './provider-error';
import { toProviderError, type ProviderErrorDetails } from './provider-error-classifier';
import { SdkRequestTemplate } from './sdk-request-template';
import { JSON_RESPONSE_TOOL, parseToolArguments } from './json-response-tool';

const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
/** Anthropic requires max_tokens; used when the request sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type AnthropicImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`. Structured output: `json_schema` uses the
 * API's native `output_config.format`; `json_object` (which Anthropic has no mode for) forces a
 * `json_response` tool whose input is the answer — the tool-use technique Anthropic documents for
 * JSON output. Anthropic has no embeddings API.
 */
export class AnthropicProvider implements ModelProvider {
  readonly kind = 'anthropic' as const;
  private readonly client: Anthropic;
  private readonly passthroughRequest = new SdkRequestTemplate(() => this.client.buildRequest({ method: 'post', path: '/v1/messages', body: {} }));

  constructor(private readonly config: ProviderEndpointConfig) {
    if (config.credentials.type !== 'api-key') throw new Error('an Anthropic endpoint needs an API key');
    this.client = new Anthropic({
      apiKey: config.credentials.apiKey,
      authToken: null,
      baseURL: config.baseUrl ?? ANTHROPIC_BASE_URL,
      maxRetries: 0, // the gateway retries
      timeout: config.timeoutMs,
      defaultHeaders: config.options?.headers,
      logLevel: 'off', // SDK debug logs would print request bodies
      openTelemetry: false, // the gateway records its own GenAI spans, without content under zero data retention
    });
  }

  supportsPassthrough(format: WireFormat): boolean {
    return format === 'anthropic-messages';
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    const jsonMode = request.responseFormat?.type === 'json_object';
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const message = await this.client.messages.create({ ...params(request), stream: false }, { signal: deadline.signal });
        let text = '';
        const toolCalls: ChatResponse['toolCalls'] = [];
        for (const block of message.content) {
          if (block.type === 'text') text += block.text;
          else if (block.type === 'tool_use') {
            if (jsonMode && block.name === JSON_RESPONSE_TOOL) text += JSON.stringify(block.input);
            else toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
          }
        }
        return { id: message.id, model: message.model, text, toolCalls, finishReason: finishReason(message.stop_reason, jsonMode), usage: usageOf(message.usage) };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return AttemptDeadline.stream(this.config.timeoutMs, request.signal, (deadline) => this.streamChatEvents(request, deadline), (error, deadline) => this.failure(error, deadline));
  }

  async embed(): Promise<EmbeddingResponse> {
    throw new ProviderError('invalid_request', 'anthropic: Anthropic offers no embeddings API; route embeddings to another provider');
  }

  /**
   * Forwards an Anthropic Messages body as it is, and the answer's bytes as they arrive, with the
   * request the SDK builds for messages.create (see SdkRequestTemplate for why it is built once);
   * a non-2xx answer becomes the SDK's APIError and is mapped. Anthropic has no per-request
   * retention opt-out, so `zeroDataRetention` changes nothing here.
   */
  async passthrough(request: PassthroughRequest): Promise<PassthroughResponse> {
    if (request.format !== 'anthropic-messages') throw new ProviderError('invalid_request', `anthropic: passthrough of ${request.format} is not supported`);
    const deadline = new AttemptDeadline(this.config.timeoutMs, request.signal);
    const mapError = (error: unknown) => this.failure(error, deadline);
    try {
      return await this.passthroughRequest.send('', request.body, deadline, (status, json, text, headers) => APIError.generate(status, json, text, headers), mapError);
    } catch (error) {
      deadline.dispose();
      throw mapError(error);
    }
  }

  private async *streamChatEvents(request: ChatRequest, deadline: AttemptDeadline): AsyncIterable<ChatStreamEvent> {
    const jsonMode = request.responseFormat?.type === 'json_object';
    const stream = await this.client.messages.create({ ...params(request), stream: true }, { signal: deadline.signal });
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let stop: StopReason | null = null;
    // Anthropic numbers all content blocks; our tool-call indexes count tool calls only.
    const toolIndexByBlock = new Map<number, number>();
    let jsonBlock = -1;
    for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
      deadline.touch();
      switch (event.type) {
        case 'message_start':
          usage = usageOf(event.message.usage);
          yield { type: 'start', id: event.message.id, model: event.message.model };
          break;
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') {
            if (jsonMode && event.content_block.name === JSON_RESPONSE_TOOL) jsonBlock = event.index;
            else {
              const index = toolIndexByBlock.size;
              toolIndexByBlock.set(event.index, index);
              yield { type: 'tool-call-delta', index, id: event.content_block.id, name: event.content_block.name, argumentsDelta: '' };
            }
          }
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') yield { type: 'text-delta', text: event.delta.text };
          else if (event.delta.type === 'input_json_delta') {
            if (event.index === jsonBlock) yield { type: 'text-delta', text: event.delta.partial_json };
            else {
              const index = toolIndexByBlock.get(event.index);
              if (index !== undefined) yield { type: 'tool-call-delta', index, argumentsDelta: event.delta.partial_json };
            }
          }
          break;
        case 'message_delta':
          stop = event.delta.stop_reason ?? stop;
          usage = {
            ...usage,
            outputTokens: event.usage.output_tokens,
            ...(event.usage.input_tokens !== null && event.usage.input_tokens !== undefined
              ? { inputTokens: event.usage.input_tokens + (event.usage.cache_read_input_tokens ?? 0) + (event.usage.cache_creation_input_tokens ?? 0) }
              : {}),
          };
          break;
        default:
          break;
      }
    }
    // Some SDKs end a stream quietly when its signal aborts; an aborted attempt must not look complete.
    deadline.signal.throwIfAborted();
    yield { type: 'finish', finishReason: finishReason(stop, jsonMode), usage };
  }

  private failure(error: unknown, deadline: AttemptDeadline): unknown {
    return toProviderError('anthropic', error, deadline, describeAnthropicError);
  }
}

export function describeAnthropicError(error: unknown): ProviderErrorDetails | 'network' | 'timeout' | undefined {
  if (error instanceof APIConnectionTimeoutError) return 'timeout';
  if (error instanceof APIConnectionError) return 'network';
  if (error instanceof APIError) {
    const body = error.error as { error?: { type?: string; message?: string } } | undefined;
    return {
      status: error.status,
      type: body?.error?.type ?? error.type ?? undefined,
      code: error.errorCode,
      providerMessage: body?.error?.message ?? error.apiMessage ?? undefined,
      headers: error.headers,
    };
  }
  return undefined;
}

function params(request: ChatRequest): MessageCreateParamsBase {
  const system = request.messages.flatMap((m) => (m.role === 'system' ? [m.content] : [])).join('\n\n');
  const format = request.responseFormat;
  const jsonMode = format?.type === 'json_object';
  if (jsonMode && request.tools?.length) {
    throw new ProviderError('invalid_request', 'anthropic: json_object output cannot be combined with tools (use json_schema)');
  }
  const tools: ToolUnion[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: tool.parameters as { type: 'object' },
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
  }));
  if (jsonMode) tools.push({ name: JSON_RESPONSE_TOOL, description: 'Answer with the JSON object.', input_schema: { type: 'object' } });
  const choice: AnthropicToolChoice | undefined = jsonMode ? { type: 'tool', name: JSON_RESPONSE_TOOL } : toolChoice(request.toolChoice);
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: toAnthropicMessages(request.messages),
    ...(system ? { system } : {}),
    ...(tools.length ? { tools } : {}),
    ...(choice && tools.length ? { tool_choice: choice } : {}),
    ...(format?.type === 'json_schema' ? { output_config: { format: { type: 'json_schema' as const, schema: format.schema } } } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
  };
}

function toolChoice(choice: ChatRequest['toolChoice']): AnthropicToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/** Anthropic takes tool results as user content and wants consecutive same-role turns merged. */
function toAnthropicMessages(messages: ChatMessage[]): MessageParam[] {
  const turns = new AlternatingTurns<'user' | 'assistant', ContentBlockParam>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        turns.push(
          'user',
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map((part): ContentBlockParam => {
                if (part.type === 'text') return { type: 'text', text: part.text };
                const source = imageSource(part);
                return source.kind === 'url'
                  ? { type: 'image', source: { type: 'url', url: source.url } }
                  : { type: 'image', source: { type: 'base64', media_type: source.mediaType as AnthropicImageMediaType, data: source.data } };
              }),
        );
        break;
      case 'assistant':
        turns.push('assistant', [
          ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: parseToolArguments('anthropic', call.arguments) })),
        ]);
        break;
      case 'tool':
        turns.push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }]);
        break;
    }
  }
  return turns.map((role, content) => ({ role, content }));
}

function finishReason(reason: StopReason | null, jsonMode: boolean): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonMode ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

function usageOf(usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }): Usage {
  const cached = usage.cache_read_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
