/**
 * What a fake provider answers to one request, scripted per test. Every field is optional: an
 * empty reply is the default answer (an echo of the last user message, with usage).
 */
/** A JSON body as received: the fakes read it loosely, since the wire allows anything. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WireBody = any;

export type FakeProviderKind = 'openai' | 'anthropic' | 'bedrock' | 'gemini';

export type FakeFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface FakeToolCall {
  /** Generated when absent. */
  id?: string;
  name: string;
  /** An object (serialised as JSON) or a JSON text as the model would produce it. */
  arguments: unknown;
}

export interface FakeErrorReply {
  status: number;
  /** The provider's error type (`invalid_request_error`, `ThrottlingException`, `RESOURCE_EXHAUSTED`...); a default per status. */
  type?: string;
  /** OpenAI's `code` (`context_length_exceeded`, ...). */
  code?: string;
  param?: string;
  message?: string;
  /** Sent verbatim instead of the provider's error envelope. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeReply {
  text?: string;
  /** Structured output: answered as its JSON text. */
  json?: unknown;
  toolCalls?: FakeToolCall[];
  usage?: { inputTokens: number; outputTokens: number };
  finishReason?: FakeFinishReason;
  /** The model the answer names; defaults to the requested one. */
  model?: string;
  /** The streamed text split into these deltas (default: word by word). */
  chunks?: string[];
  /** Embedding vectors to answer with (default: deterministic vectors derived from each input). */
  embeddings?: number[][];
  /** Answer with an error; `context_overflow` and `overloaded` give the provider's own realistic error. */
  error?: FakeErrorReply | 'context_overflow' | 'overloaded';
  /** `Retry-After` header value (seconds or an HTTP date); with no `error`, a 429 rate-limit error is answered. */
  retryAfter?: string | number;
  /** `retry-after-ms` header value (OpenAI and Anthropic send it). */
  retryAfterMs?: number;
  /** Wait before sending the response headers. */
  delayMs?: number;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  /** Streams only: send this many chunks, then drop the connection (a mid-stream network failure). */
  cutAfterChunks?: number;
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  hang?: boolean;
}

/** The reply's text (the JSON text of `json` when given), or the default echo. */
export function replyText(reply: FakeReply, lastUserText: string): string {
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  if (reply.text !== undefined) return reply.text;
  if (reply.toolCalls?.length) return '';
  return `echo: ${lastUserText}`;
}

export function toolArgumentsText(call: FakeToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
}

export function toolArgumentsObject(call: FakeToolCall): unknown {
  return typeof call.arguments === 'string' ? JSON.parse(call.arguments) : (call.arguments ?? {});
}

export function finishReasonOf(reply: FakeReply): FakeFinishReason {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

/** Deltas of a streamed text: the scripted chunks, or word by word (spaces kept). */
export function textChunks(reply: FakeReply, text: string): string[] {
  if (reply.chunks) return reply.chunks;
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function usageOf(reply: FakeReply, inputText: string, outputText: string): { inputTokens: number; outputTokens: number } {
  return reply.usage ?? { inputTokens: Math.max(1, countWords(inputText)), outputTokens: Math.max(1, countWords(outputText)) };
}

/** A deterministic unit vector for a text, so that tests can compare embeddings without a model. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  let seed = 2166136261;
  for (const char of text) {
    seed = Math.imul(seed ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
    vector[seed % dimensions] += (seed & 1) === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return norm === 1 && vector.every((x) => x === 0) ? vector.map((_, i) => (i === 0 ? 1 : 0)) : vector.map((x) => x / norm);
}

/** All strings under `text`/`content` keys: what the fake counts as input tokens. */
export function collectText(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectText(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if ((key === 'text' || key === 'content') && typeof inner === 'string') out.push(inner);
      else if (typeof inner === 'object') collectText(inner, out);
    }
  }
  return out;
}
