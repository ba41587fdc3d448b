import type { GatewayChatRequest, GatewayEmbeddingResult } from '../gateway/gateway.contract';
import type { ChatMessage, ChatResponse, ChatStreamEvent, ContentPart, FinishReason, ResponseFormat, ToolChoice, Usage } from '../providers/model-provider';
import type { OpenAiChatRequest, OpenAiEmbeddingRequest, OpenAiMessage } from './openai-chat.schema';

/** An OpenAI Chat Completions body (validated) → the gateway's own request. */
export function fromOpenAiChatRequest(body: OpenAiChatRequest): Omit<GatewayChatRequest, 'apiKeyId' | 'signal'> {
  return {
    model: body.model,
    messages: body.messages.map(fromOpenAiMessage),
    ...(body.tools?.length
      ? {
          tools: body.tools.map((tool) => ({
            name: tool.function.name,
            ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
            parameters: tool.function.parameters ?? { type: 'object', properties: {} },
            ...(typeof tool.function.strict === 'boolean' ? { strict: tool.function.strict } : {}),
          })),
        }
      : {}),
    ...(body.tool_choice === undefined ? {} : { toolChoice: fromOpenAiToolChoice(body.tool_choice) }),
    ...(body.response_format ? { responseFormat: fromOpenAiResponseFormat(body.response_format) } : {}),
    ...optional('maxOutputTokens', body.max_completion_tokens ?? body.max_tokens),
    ...optional('temperature', body.temperature),
    ...optional('topP', body.top_p),
    ...(body.stop == null ? {} : { stop: typeof body.stop === 'string' ? [body.stop] : body.stop }),
    ...optional('user', body.user),
  };
}

function optional<K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function joinText(content: string | ReadonlyArray<{ text: string }> | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function fromOpenAiMessage(message: OpenAiMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(message.content) };
    case 'user':
      if (typeof message.content === 'string') return { role: 'user', content: message.content };
      return {
        role: 'user',
        content: message.content.map((part): ContentPart => (part.type === 'text' ? { type: 'text', text: part.text } : imagePart(part.image_url.url))),
      };
    case 'assistant': {
      const toolCalls = message.tool_calls?.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
      const content = message.content === null || message.content === undefined ? null : joinText(message.content);
      return { role: 'assistant', content, ...(toolCalls?.length ? { toolCalls } : {}) };
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: joinText(message.content) };
  }
}

/** A data: URL becomes base64 data with its media type (what every provider accepts); others stay URLs. */
function imagePart(url: string): ContentPart {
  const match = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is.exec(url);
  if (match) return { type: 'image', mediaType: match[1] as string, data: match[2] as string };
  return { type: 'image', url };
}

function fromOpenAiToolChoice(choice: NonNullable<OpenAiChatRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

function fromOpenAiResponseFormat(format: NonNullable<OpenAiChatRequest['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const spec = format.json_schema;
  return {
    type: 'json_schema',
    name: spec.name,
    schema: spec.schema ?? {},
    ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
    ...(spec.description === undefined ? {} : { description: spec.description }),
  };
}

// ---- responses ----

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function toOpenAiFinishReason(reason: FinishReason): OpenAiFinishReason {
  return reason === 'length' || reason === 'tool_calls' || reason === 'content_filter' ? reason : 'stop';
}

export function toOpenAiUsage(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
  };
}

/** The gateway's response → an OpenAI `chat.completion` object. */
export function toOpenAiChatCompletion(response: ChatResponse, created: number) {
  return {
    id: response.id,
    object: 'chat.completion' as const,
    created,
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: response.toolCalls.length && !response.text ? null : response.text,
          refusal: null,
          ...(response.toolCalls.length
            ? {
                tool_calls: response.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: toOpenAiFinishReason(response.finishReason),
      },
    ],
    usage: toOpenAiUsage(response.usage),
  };
}

/**
 * Turns the gateway's stream events into `chat.completion.chunk` JSON texts, in OpenAI's order:
 * a first chunk with the role, content and tool-call deltas, a chunk with the finish reason, then
 * (with `stream_options.include_usage`) a chunk with no choices and the usage; every earlier chunk
 * then carries `usage: null`, as OpenAI's do.
 */
export class OpenAiChunkEncoder {
  private id: string;
  private model: string;
  private started = false;

  constructor(
    fallbackId: string,
    requestedModel: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
  ) {
    this.id = fallbackId;
    this.model = requestedModel;
  }

  /** Zero or more chunks (JSON text) for one event. */
  encode(event: ChatStreamEvent): string[] {
    switch (event.type) {
      case 'start':
        this.id = event.id || this.id;
        this.model = event.model || this.model;
        return [this.firstChunk()];
      case 'text-delta':
        return [...this.ensureStarted(), this.chunk({ content: event.text }, null)];
      case 'tool-call-delta': {
        const call = {
          index: event.index,
          ...(event.id === undefined ? {} : { id: event.id, type: 'function' as const }),
          function: { ...(event.name === undefined ? {} : { name: event.name }), arguments: event.argumentsDelta },
        };
        return [...this.ensureStarted(), this.chunk({ tool_calls: [call] }, null)];
      }
      case 'finish': {
        const out = [...this.ensureStarted(), this.chunk({}, toOpenAiFinishReason(event.finishReason))];
        if (this.includeUsage) out.push(JSON.stringify({ ...this.envelope(), choices: [], usage: toOpenAiUsage(event.usage) }));
        return out;
      }
    }
  }

  private ensureStarted(): string[] {
    return this.started ? [] : [this.firstChunk()];
  }

  private firstChunk(): string {
    this.started = true;
    return this.chunk({ role: 'assistant', content: '', refusal: null }, null);
  }

  private envelope() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  private chunk(delta: Record<string, unknown>, finishReason: OpenAiFinishReason | null): string {
    return JSON.stringify({
      ...this.envelope(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.includeUsage ? { usage: null } : {}),
    });
  }
}

// ---- embeddings ----

export function embeddingInputs(body: OpenAiEmbeddingRequest): string[] {
  return typeof body.input === 'string' ? [body.input] : body.input;
}

/**
 * The OpenAI embeddings list. The official client asks for `encoding_format: "base64"` by default:
 * little-endian float32s, base64-encoded, which it decodes back to numbers.
 */
export function toOpenAiEmbeddingList(result: GatewayEmbeddingResult, encoding: 'float' | 'base64') {
  return {
    object: 'list' as const,
    model: result.response.model,
    data: result.response.embeddings.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: encoding === 'base64' ? float32Base64(vector) : vector,
    })),
    usage: { prompt_tokens: result.response.usage.inputTokens, total_tokens: result.response.usage.inputTokens },
  };
}

function float32Base64(vector: number[]): string {
  const floats = new Float32Array(vector);
  // Float32Array uses the platform's byte order; every platform Node supports is little-endian.
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
