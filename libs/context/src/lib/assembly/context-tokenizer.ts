import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage, ProviderKind, ToolDefinition } from '@strata/model-gateway';

/**
 * Counts tokens the way the model family of the agent counts them, so the budget holds at the
 * provider. OpenAI's tokenizers are public and exact (gpt-tokenizer: o200k_base for GPT-4o and
 * later, cl100k_base for GPT-4 and GPT-3.5). Anthropic, Gemini, Bedrock and local models have no
 * well-kept tokenizer on npm (`@anthropic-ai/tokenizer` is the Claude 2 vocabulary, documented as
 * inaccurate for Claude 3+; the Gemini/Claude ports have a few thousand downloads), so they are
 * counted with o200k_base plus a safety margin: Claude's and Gemini's tokenizers produce up to
 * ~20 % more tokens than o200k on English and code, so the margin keeps a budget from being
 * overrun at the provider.
 */
export interface ContextTokenizer {
  /** Reported in the ContextReport (`o200k_base`, `o200k_base+20%`). */
  readonly name: string;
  text(text: string): number;
  /** One chat message: content, tool calls and the per-message framing. */
  message(message: ChatMessage): number;
  /** Tool schemas as the provider receives them (name, description, JSON Schema). */
  tools(tools: readonly ToolDefinition[]): number;
}

/** Per-message framing (role markers) as OpenAI's chat format counts it. */
export const MESSAGE_FRAMING_TOKENS = 4;
/** Every reply is primed with the assistant's role marker. */
export const REPLY_PRIMING_TOKENS = 3;
/** Tokens counted for an image part, whatever its size (the upper end of what providers charge). */
export const IMAGE_TOKENS = 1_600;
/** The margin for families without an exact tokenizer (see the class comment). */
export const ESTIMATE_MARGIN = 0.2;

/** Special-token markers in user text count as plain text, never as control tokens (and never throw). */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

class GptTokenizer implements ContextTokenizer {
  private readonly messageTokens = new WeakMap<ChatMessage, number>();
  private readonly toolTokens = new WeakMap<readonly ToolDefinition[], number>();

  constructor(
    readonly name: string,
    private readonly count: (text: string, options: typeof AS_PLAIN_TEXT) => number,
    private readonly margin: number,
  ) {}

  text(text: string): number {
    if (!text) return 0;
    const tokens = this.count(text, AS_PLAIN_TEXT);
    return this.margin ? Math.ceil(tokens * (1 + this.margin)) : tokens;
  }

  message(message: ChatMessage): number {
    // Messages are immutable once written and the runtime keeps the same objects from step to step,
    // so each is counted once, not once per step.
    const known = this.messageTokens.get(message);
    if (known !== undefined) return known;
    const tokens = this.countMessage(message);
    this.messageTokens.set(message, tokens);
    return tokens;
  }

  private countMessage(message: ChatMessage): number {
    let tokens = MESSAGE_FRAMING_TOKENS;
    if (message.role === 'user' && Array.isArray(message.content)) {
      for (const part of message.content) tokens += part.type === 'text' ? this.text(part.text) : IMAGE_TOKENS;
    } else if (typeof message.content === 'string') {
      tokens += this.text(message.content);
    }
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) tokens += this.text(call.name) + this.text(call.arguments);
    }
    return tokens;
  }

  tools(tools: readonly ToolDefinition[]): number {
    const known = this.toolTokens.get(tools);
    if (known !== undefined) return known;
    let tokens = 0;
    for (const tool of tools) tokens += this.text(JSON.stringify({ name: tool.name, description: tool.description ?? '', parameters: tool.parameters }));
    this.toolTokens.set(tools, tokens);
    return tokens;
  }
}

const O200K = new GptTokenizer('o200k_base', countO200k, 0);
const CL100K = new GptTokenizer('cl100k_base', countCl100k, 0);
const O200K_WITH_MARGIN = new GptTokenizer(`o200k_base+${ESTIMATE_MARGIN * 100}%`, countO200k, ESTIMATE_MARGIN);

/** Models that use cl100k_base: GPT-4 (not 4o/4.1), GPT-3.5 and the ada-002/3 embedding models. */
const CL100K_MODELS = /(^|\/)(gpt-4(?!o|\.\d)(-|$)|gpt-4-turbo|gpt-3\.5|text-embedding-(ada-002|3-))/i;

/**
 * The tokenizer for a model: `providerKind` from the gateway's catalog listing of the alias (absent
 * when an alias mixes providers: then the margin applies), `model` the alias or catalog model name.
 */
export function tokenizerFor(providerKind: ProviderKind | undefined, model: string): ContextTokenizer {
  if (providerKind === 'openai' || providerKind === 'openai-compatible') {
    if (providerKind === 'openai-compatible' && !/gpt|(^|\/)o\d/i.test(model)) return O200K_WITH_MARGIN;
    return CL100K_MODELS.test(model) ? CL100K : O200K;
  }
  return O200K_WITH_MARGIN;
}
