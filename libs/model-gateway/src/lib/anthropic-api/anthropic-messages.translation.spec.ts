import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../providers/model-provider';
import { toApiFailure } from '../openai-api/gateway-error-status';
import { InvalidApiRequestError, parseApiBody } from '../openai-api/parse-api-body';
import { toAnthropicErrorResponse } from './anthropic-error';
import { anthropicMessagesRequestSchema } from './anthropic-messages.schema';
import { fromAnthropicRequest, toAnthropicMessage, toolInput } from './anthropic-messages.translation';
import { AnthropicStreamEncoder } from './anthropic-stream.encoder';

const parse = (body: unknown) => parseApiBody(anthropicMessagesRequestSchema, body);

describe('Anthropic request translation', () => {
  it('maps system, images, tool use and tool results (results first, as tool messages)', () => {
    const request = fromAnthropicRequest(
      parse({
        model: 'fast',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'tu_1', name: 'look', input: { q: 1 } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: 'a cat' }] }, { type: 'text', text: 'And?' }] },
        ],
        tools: [{ name: 'look', input_schema: { type: 'object', properties: { q: { type: 'number' } } } }],
        tool_choice: { type: 'any' },
        stop_sequences: ['END'],
        temperature: 0.5,
        metadata: { user_id: 'u-1' },
        top_k: 5,
      }),
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', mediaType: 'image/png', data: 'iVBOR' },
        ],
      },
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'tu_1', name: 'look', arguments: '{"q":1}' }] },
      { role: 'tool', toolCallId: 'tu_1', content: 'a cat' },
      { role: 'user', content: 'And?' },
    ]);
    expect(request).toMatchObject({ model: 'fast', maxOutputTokens: 64, toolChoice: 'required', stop: ['END'], temperature: 0.5, user: 'u-1' });
    expect(request.tools).toEqual([{ name: 'look', parameters: { type: 'object', properties: { q: { type: 'number' } } } }]);
  });

  it('refuses invalid bodies naming the field', () => {
    const paramOf = (body: unknown) => {
      try {
        parse(body);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidApiRequestError);
        return (error as InvalidApiRequestError).param;
      }
      return 'accepted';
    };
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).toBe('max_tokens');
    expect(paramOf({ model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'hi' }] })).toBe('messages[0].role');
    expect(paramOf({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', input_schema: { type: 'string' } }] })).toBe(
      'tools[0].input_schema.type',
    );
  });

  it('renders errors in Anthropic envelope with the Strata code and Retry-After', () => {
    const failure = toApiFailure(new InvalidApiRequestError([{ param: 'messages[0].role', message: 'Invalid input' }]));
    expect(toAnthropicErrorResponse(failure)).toMatchObject({
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages[0].role') } },
    });
  });
});

describe('Anthropic responses', () => {
  it('renders a message with text and tool use', () => {
    expect(
      toAnthropicMessage({ id: 'm1', model: 'claude-x', text: 'Hi', toolCalls: [{ id: 't1', name: 'look', arguments: '{"q":2}' }], finishReason: 'tool_calls', usage: { inputTokens: 3, outputTokens: 4 } }),
    ).toEqual({
      id: 'm1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [
        { type: 'text', text: 'Hi' },
        { type: 'tool_use', id: 't1', name: 'look', input: { q: 2 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 4, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    });
    expect(toolInput('not json')).toEqual({ _raw: 'not json' });
    expect(toolInput('')).toEqual({});
  });

  it('streams blocks in order: message_start, text block, tool blocks, message_delta, message_stop', () => {
    const encoder = new AnthropicStreamEncoder('msg_x', 'fast');
    const events: ChatStreamEvent[] = [
      { type: 'start', id: 'up', model: 'claude-x' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'tool-call-delta', index: 0, id: 'c1', name: 'look', argumentsDelta: '{"q"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'tool-call-delta', index: 1, id: 'c2', name: 'now', argumentsDelta: '' },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 7, outputTokens: 9 } },
    ];
    const out = events.flatMap((event) => encoder.encode(event));
    expect(out.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = out.map((event) => JSON.parse(event.data));
    expect(data[0].message).toMatchObject({ id: 'up', model: 'claude-x', role: 'assistant', content: [] });
    expect(data[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(data[3]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } });
    expect(data[5]).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'c1', name: 'look', input: {} } });
    expect(data[7]).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ':1}' } });
    expect(data[9].index).toBe(2);
    expect(data[11]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 7, output_tokens: 9 } });
  });
});
