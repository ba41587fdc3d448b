import { countTokens } from 'gpt-tokenizer';
import type { ChatMessage, ChatRequest } from '../providers/model-provider';

/**
 * Tokens an image costs, whatever its size: providers count 85 to ~1,600 per image depending on
 * resolution and detail; the upper end keeps the context-window check and budget reservation safe.
 */
export const IMAGE_TOKENS = 1_600;
/** Per-message framing (role markers) as OpenAI's chat format counts it; other providers are close. */
const MESSAGE_OVERHEAD_TOKENS = 4;
/**
 * Text beyond this is estimated at 1 token per 3 characters instead of being tokenized: it is only
 * an estimate (providers tokenize differently) and tokenizing megabytes would cost milliseconds.
 */
const TOKENIZE_MAX_CHARS = 200_000;

/** Special-token markers in user text count as text, never as control tokens (and never throw). */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of one text with the o200k tokenizer (gpt-tokenizer), a good estimate for every provider. */
export function estimateTextTokens(text: string): number {
  if (!text) return 0;
  if (text.length > TOKENIZE_MAX_CHARS) return Math.ceil(text.length / 3);
  return countTokens(text, AS_PLAIN_TEXT);
}

function messageTokens(message: ChatMessage): number {
  let tokens = MESSAGE_OVERHEAD_TOKENS;
  if (message.role === 'user' && Array.isArray(message.content)) {
    for (const part of message.content) tokens += part.type === 'text' ? estimateTextTokens(part.text) : IMAGE_TOKENS;
  } else if (typeof message.content === 'string') {
    tokens += estimateTextTokens(message.content);
  }
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) tokens += estimateTextTokens(call.name) + estimateTextTokens(call.arguments);
  }
  return tokens;
}

/** Estimated prompt tokens of a chat request: messages, tool definitions and the response schema. */
export function estimatePromptTokens(request: Pick<ChatRequest, 'messages' | 'tools' | 'responseFormat'>): number {
  let tokens = 3;
  for (const message of request.messages) tokens += messageTokens(message);
  for (const tool of request.tools ?? []) tokens += estimateTextTokens(JSON.stringify(tool));
  if (request.responseFormat?.type === 'json_schema') tokens += estimateTextTokens(JSON.stringify(request.responseFormat.schema));
  return tokens;
}

export function hasImages(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image'));
}
