import { FunctionCallingConfigMode, GoogleGenAI, type Content, type GenerateContentParameters, type GenerateContentResponse, type Part } from '@google/genai';
import { AlternatingTurns } from './alternating-turns';
import { AttemptDeadline } from './attempt-deadline';
import { imageSource } from './image-source';
import { parseToolArguments } from './json-response-tool';
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResponse,
  FinishReason,
  ModelProvider,
  ProviderEndpointConfig,
  ToolCall,
  Usage,
  WireFormat,
} from './model-provider';
import { ProviderError } from './provider-error';
import { durationToMs, providerErrorFromDetails, toProviderError } from './provider-error-classifier';

const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * The Gemini API through `@google/genai` (API key; `baseUrl` through `httpOptions.baseUrl`). Tools
 * as function declarations with `parametersJsonSchema`, structured output with
 * `responseMimeType: application/json` and `responseJsonSchema`, images as inline data or file
 * URIs, embeddings through `embedContent` (which the SDK sends as batchEmbedContents).
 *
 * The SDK turns error answers into an ApiError that keeps only the status and the body as its
 * message, losing the Retry-After header; so a thin fetch wrapper (the SDK's `httpOptions.fetch`
 * hook) classifies non-2xx answers itself, with the headers, and throws our ProviderError.
 */
export class GeminiProvider implements ModelProvider {
  readonly kind = 'gemini' as const;
  private readonly client: GoogleGenAI;

  constructor(private readonly config: ProviderEndpointConfig) {
    if (config.credentials.type !== 'api-key') throw new Error('a Gemini endpoint needs an API key');
    this.client = new GoogleGenAI({
      vertexai: false,
      apiKey: config.credentials.apiKey,
      httpOptions: {
        baseUrl: config.baseUrl ?? GEMINI_BASE_URL,
        ...(config.options?.apiVersion ? { apiVersion: config.options.apiVersion } : {}),
        ...(config.options?.headers ? { headers: config.options.headers } : {}),
        // no retryOptions: the SDK then makes exactly one attempt; the gateway retries
        fetch: classifyingFetch,
      },
    });
  }

  supportsPassthrough(_format: WireFormat): boolean {
    return false;
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const response = await this.client.models.generateContent(parameters(request, deadline.signal));
        const candidate = response.candidates?.[0];
        let text = '';
        const toolCalls: ToolCall[] = [];
        for (const part of candidate?.content?.parts ?? []) {
          if (part.text !== undefined && !part.thought) text += part.text;
          if (part.functionCall) toolCalls.push(toolCallOf(part.functionCall, toolCalls.length, response.responseId));
        }
        return {
          id: response.responseId ?? '',
          model: response.modelVersion ?? request.model,
          text,
          toolCalls,
          finishReason: finishReason(candidate?.finishReason, toolCalls.length > 0),
          usage: usageOf(response),
        };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return AttemptDeadline.stream(this.config.timeoutMs, request.signal, (deadline) => this.streamChatEvents(request, deadline), (error, deadline) => this.failure(error, deadline));
  }

  /** Gemini reports no token count for embeddings; usage is estimated at 4 characters a token. */
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const response = await this.client.models.embedContent({
          model: request.model,
          contents: request.input,
          config: { abortSignal: deadline.signal, ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}) },
        });
        return {
          model: request.model,
          embeddings: (response.embeddings ?? []).map((e) => e.values ?? []),
          usage: { inputTokens: request.input.reduce((n, text) => n + Math.ceil(text.length / 4), 0) },
        };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  private async *streamChatEvents(request: ChatRequest, deadline: AttemptDeadline): AsyncIterable<ChatStreamEvent> {
    const stream = await this.client.models.generateContentStream(parameters(request, deadline.signal));
    let started = false;
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let finish: string | undefined;
    let toolCount = 0;
    for await (const chunk of stream) {
      deadline.touch();
      if (!started) {
        started = true;
        yield { type: 'start', id: chunk.responseId ?? '', model: chunk.modelVersion ?? request.model };
      }
      if (chunk.usageMetadata) usage = usageOf(chunk);
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.text && !part.thought) yield { type: 'text-delta', text: part.text };
        if (part.functionCall) {
          // Gemini sends each function call whole, in one part.
          const call = toolCallOf(part.functionCall, toolCount, chunk.responseId);
          yield { type: 'tool-call-delta', index: toolCount++, id: call.id, name: call.name, argumentsDelta: call.arguments };
        }
      }
      if (candidate?.finishReason) finish = candidate.finishReason;
    }
    // Some SDKs end a stream quietly when its signal aborts; an aborted attempt must not look complete.
    deadline.signal.throwIfAborted();
    yield { type: 'finish', finishReason: finish ? finishReason(finish, toolCount > 0) : 'other', usage };
  }

  private failure(error: unknown, deadline: AttemptDeadline): unknown {
    // Error answers were classified in classifyingFetch; what reaches here is transport or SDK trouble.
    return toProviderError('gemini', error, deadline, () => undefined);
  }
}

/** Global fetch, but a non-2xx answer becomes a ProviderError classified from its status, body and headers. */
async function classifyingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;
  let body: { error?: { status?: string; message?: string; details?: Array<Record<string, unknown>> } } | undefined;
  try {
    body = (await response.json()) as typeof body;
  } catch {
    body = undefined;
  }
  const retryInfo = body?.error?.details?.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
  throw providerErrorFromDetails('gemini', {
    status: response.status,
    type: body?.error?.status,
    providerMessage: body?.error?.message,
    headers: response.headers,
    retryAfterMs: durationToMs(retryInfo?.retryDelay),
  });
}

function parameters(request: ChatRequest, signal: AbortSignal): GenerateContentParameters {
  const system = request.messages.flatMap((m) => (m.role === 'system' ? [m.content] : [])).join('\n\n');
  const format = request.responseFormat;
  const choice = request.toolChoice;
  return {
    model: request.model,
    contents: toGeminiContents(request.messages),
    config: {
      abortSignal: signal,
      ...(system ? { systemInstruction: system } : {}),
      ...(request.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: request.tools.map((tool) => ({
                  name: tool.name,
                  ...(tool.description ? { description: tool.description } : {}),
                  parametersJsonSchema: tool.parameters,
                })),
              },
            ],
          }
        : {}),
      ...(choice && request.tools?.length
        ? {
            toolConfig: {
              functionCallingConfig:
                typeof choice === 'object'
                  ? { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] }
                  : { mode: choice === 'none' ? FunctionCallingConfigMode.NONE : choice === 'required' ? FunctionCallingConfigMode.ANY : FunctionCallingConfigMode.AUTO },
            },
          }
        : {}),
      ...(format?.type === 'json_object' ? { responseMimeType: 'application/json' } : {}),
      ...(format?.type === 'json_schema' ? { responseMimeType: 'application/json', responseJsonSchema: format.schema } : {}),
      ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.stop?.length ? { stopSequences: request.stop } : {}),
    },
  };
}

/** Gemini answers tool results by function name, so the names of earlier calls are remembered by id. */
function toGeminiContents(messages: ChatMessage[]): Content[] {
  const turns = new AlternatingTurns<'user' | 'model', Part>();
  const namesById = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        turns.push(
          'user',
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map((part): Part => {
                if (part.type === 'text') return { text: part.text };
                const source = imageSource(part);
                return source.kind === 'url'
                  ? { fileData: { fileUri: source.url, mimeType: part.mediaType ?? 'image/jpeg' } }
                  : { inlineData: { mimeType: source.mediaType, data: source.data } };
              }),
        );
        break;
      case 'assistant':
        for (const call of message.toolCalls ?? []) namesById.set(call.id, call.name);
        turns.push('model', [
          ...(message.content ? [{ text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({ functionCall: { id: call.id, name: call.name, args: parseToolArguments('gemini', call.arguments) } })),
        ]);
        break;
      case 'tool': {
        const name = namesById.get(message.toolCallId);
        if (!name) throw new ProviderError('invalid_request', 'gemini: a tool result answers no earlier tool call');
        turns.push('user', [{ functionResponse: { id: message.toolCallId, name, response: toolResponse(message.content) } }]);
        break;
      }
    }
  }
  return turns.map((role, parts): Content => ({ role, parts }));
}

/** Gemini wants the result as an object: a JSON object result as it is, anything else under `result`. */
function toolResponse(content: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // plain text
  }
  return { result: content };
}

function toolCallOf(call: { id?: string; name?: string; args?: Record<string, unknown> }, index: number, responseId: string | undefined): ToolCall {
  // The Gemini API may omit call ids; a stable one keeps tool results matchable.
  return { id: call.id ?? `call_${responseId ?? 'gemini'}_${index}`, name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) };
}

function finishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (reason === 'STOP' || reason === undefined)) return 'tool_calls';
  switch (reason) {
    case 'STOP':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    case 'MALFORMED_FUNCTION_CALL':
      return 'error';
    default:
      return 'other';
  }
}

function usageOf(response: GenerateContentResponse): Usage {
  const meta = response.usageMetadata;
  const cached = meta?.cachedContentTokenCount ?? 0;
  return {
    inputTokens: meta?.promptTokenCount ?? 0,
    outputTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
