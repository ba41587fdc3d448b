import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, estimateTextTokens, hasImages, IMAGE_TOKENS } from './token-estimate';

describe('token estimates', () => {
  it('tokenizes text (special-token markers as plain text) and estimates very long texts by length', () => {
    expect(estimateTextTokens('Hello, how are you today?')).toBeGreaterThan(4);
    expect(estimateTextTokens('say <|endoftext|> now')).toBeGreaterThan(3);
    expect(estimateTextTokens('x'.repeat(300_000))).toBe(100_000);
  });

  it('counts messages, images, tool definitions and the response schema', () => {
    const base = estimatePromptTokens({ messages: [{ role: 'user', content: 'describe' }] });
    const withImage = estimatePromptTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, { type: 'image', url: 'https://x/y.png' }] }] });
    expect(withImage - base).toBeGreaterThanOrEqual(IMAGE_TOKENS);
    const withTool = estimatePromptTokens({ messages: [{ role: 'user', content: 'describe' }], tools: [{ name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'string' } } } }] });
    expect(withTool).toBeGreaterThan(base);
    expect(hasImages([{ role: 'user', content: [{ type: 'image', data: 'AA==', mediaType: 'image/png' }] }])).toBe(true);
    expect(hasImages([{ role: 'user', content: 'no image' }])).toBe(false);
  });
});
