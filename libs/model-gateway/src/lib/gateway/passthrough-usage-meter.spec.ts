import { describe, expect, it } from 'vitest';
import { PassthroughUsageMeter } from './passthrough-usage-meter';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('PassthroughUsageMeter', () => {
  it('reads OpenAI usage from the final SSE chunk, across chunk boundaries', () => {
    const meter = new PassthroughUsageMeter('openai-chat', true);
    const stream = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}\n\ndata: [DONE]\n\n';
    for (let i = 0; i < stream.length; i += 7) meter.observe(bytes(stream.slice(i, i + 7)));
    expect(meter.finish()).toEqual({ inputTokens: 12, outputTokens: 3 });
  });

  it('reads Anthropic usage from message_start and message_delta', () => {
    const meter = new PassthroughUsageMeter('anthropic-messages', true);
    meter.observe(bytes('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1}}}\n\n'));
    meter.observe(bytes('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":15}}\n\n'));
    expect(meter.finish()).toEqual({ inputTokens: 25, outputTokens: 15 });
  });

  it('reads a non-streamed body at its end, and leaves unknown usage undefined', () => {
    const meter = new PassthroughUsageMeter('openai-chat', false);
    const body = JSON.stringify({ id: 'x', usage: { prompt_tokens: 7, completion_tokens: 2 } });
    meter.observe(bytes(body.slice(0, 10)));
    meter.observe(bytes(body.slice(10)));
    expect(meter.finish()).toEqual({ inputTokens: 7, outputTokens: 2 });
    const none = new PassthroughUsageMeter('openai-chat', true);
    none.observe(bytes('data: {"choices":[]}\n\ndata: [DONE]\n\n'));
    expect(none.finish()).toEqual({});
  });
});
