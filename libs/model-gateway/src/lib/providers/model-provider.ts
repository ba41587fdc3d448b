/**
 * The one internal interface every model provider adapter implements. The gateway routes, retries,
 * budgets and accounts in terms of these types only; an adapter translates them to and from its
 * provider's wire format (through the provider's official SDK or AI SDK provider package).
 */

export type ProviderKind = 'openai' | 'anthropic' | 'bedrock' | 'gemini' | 'openai-compatible' | 'local';

/** A JSON Schema object (tool parameters, structured output). */
export type JsonSchema = Record<string, unknown>;

export type ContentPart =
  | { type: 'text'; text: string }
  /** An image: base64 `data` with its media type, or a `url` (https: or data:). */
  | { type: 'image'; mediaType?: string; data?: string; url?: string };

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model produced them: a JSON text (it may be invalid JSON). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean; description?: string };

export interface ChatRequest {
  /** The provider's own model id (the catalog resolved any alias before this point). */
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** An opaque end-user id some providers accept for abuse monitoring. */
  user?: string;
  /** Ask the provider not to retain the content where it offers such an opt-out (`store: false`, ...). */
  zeroDataRetention?: boolean;
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache, where reported. */
  cachedInputTokens?: number;
}

export interface ChatResponse {
  /** The provider's response id. */
  id: string;
  /** The model that answered, as the provider reports it. */
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

/** A streamed chat response, in order: deltas, then exactly one `finish` (or the iterator throws a ProviderError). */
export type ChatStreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'text-delta'; text: string }
  /** The first delta of a tool call carries `id` and `name`; later ones append to `arguments`. */
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  zeroDataRetention?: boolean;
  signal?: AbortSignal;
}

export interface EmbeddingResponse {
  model: string;
  embeddings: number[][];
  usage: { inputTokens: number };
}

/**
 * Same-format traffic: a request already in the provider's own wire format (an OpenAI chat
 * completion body for an OpenAI-compatible endpoint, an Anthropic Messages body for Anthropic),
 * forwarded without re-encoding. The body is the parsed JSON with `model` already replaced by the
 * resolved provider model id.
 */
export type WireFormat = 'openai-chat' | 'anthropic-messages';

export interface PassthroughRequest {
  format: WireFormat;
  body: Record<string, unknown>;
  stream: boolean;
  /** Ask the provider not to retain the content: the adapter adds its opt-out field (`store: false`) to the body. */
  zeroDataRetention?: boolean;
  signal?: AbortSignal;
}

export interface PassthroughResponse {
  status: number;
  headers: Record<string, string>;
  /** The provider's response body, unbuffered (SSE bytes when streaming). */
  body: AsyncIterable<Uint8Array>;
}

export interface ModelProvider {
  readonly kind: ProviderKind;
  chat(request: ChatRequest): Promise<ChatResponse>;
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse>;
  /** Whether {@link passthrough} accepts this format. */
  supportsPassthrough(format: WireFormat): boolean;
  /** Non-2xx provider answers are thrown as ProviderError (so fallback applies), never returned. */
  passthrough?(request: PassthroughRequest): Promise<PassthroughResponse>;
}

/** Secrets of a provider endpoint, decrypted only in memory, only to build the adapter. */
export type ProviderCredentials =
  | { type: 'api-key'; apiKey: string }
  | { type: 'aws'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { type: 'none' };

export interface ProviderEndpointConfig {
  kind: ProviderKind;
  /** Overrides the provider's default base URL (OpenAI-compatible servers, fake servers in tests). */
  baseUrl?: string;
  credentials: ProviderCredentials;
  /** Non-secret options: `region` (Bedrock), `apiVersion` and `deployment` style settings (Azure), extra `headers`. */
  options?: { region?: string; apiVersion?: string; headers?: Record<string, string>; organization?: string };
  /** Per attempt. */
  timeoutMs: number;
}
