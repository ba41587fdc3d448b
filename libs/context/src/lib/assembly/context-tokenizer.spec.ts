import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { ESTIMATE_MARGIN, MESSAGE_FRAMING_TOKENS, tokenizerFor } from './context-tokenizer';

const text = 'The quick brown fox jumps over the lazy dog — 1234 times, <|endoftext|> included.';
const plain = { disallowedSpecial: new Set<string>() };

describe('tokenizerFor', () => {
  it('uses o200k for current OpenAI models and cl100k for GPT-4 and GPT-3.5', () => {
    expect(tokenizerFor('openai', 'openai/gpt-4o').name).toBe('o200k_base');
    expect(tokenizerFor('openai', 'fast').name).toBe('o200k_base');
    expect(tokenizerFor('openai', 'openai/gpt-4.1-mini').name).toBe('o200k_base');
    expect(tokenizerFor('openai', 'openai/gpt-4').name).toBe('cl100k_base');
    expect(tokenizerFor('openai', 'gpt-3.5-turbo').name).toBe('cl100k_base');
    expect(tokenizerFor('openai', 'openai/gpt-4o').text(text)).toBe(o200k(text, plain));
    expect(tokenizerFor('openai', 'gpt-4').text(text)).toBe(cl100k(text, plain));
  });

  it('counts other families with o200k and the documented margin', () => {
    for (const kind of ['anthropic', 'gemini', 'bedrock', 'local', undefined] as const) {
      const tokenizer = tokenizerFor(kind, 'claude');
      expect(tokenizer.name).toBe('o200k_base+20%');
      expect(tokenizer.text(text)).toBe(Math.ceil(o200k(text, plain) * (1 + ESTIMATE_MARGIN)));
    }
  });

  it('counts messages with framing, tool calls and images', () => {
    const tokenizer = tokenizerFor('openai', 'gpt-4o');
    expect(tokenizer.message({ role: 'user', content: text })).toBe(o200k(text, plain) + MESSAGE_FRAMING_TOKENS);
    expect(tokenizer.message({ role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 'lookup', arguments: '{"a":1}' }] })).toBe(
      MESSAGE_FRAMING_TOKENS + o200k('lookup') + o200k('{"a":1}'),
    );
    expect(tokenizer.message({ role: 'user', content: [{ type: 'image', url: 'https://x' }] })).toBe(MESSAGE_FRAMING_TOKENS + 1_600);
    expect(tokenizer.text('')).toBe(0);
  });
});
