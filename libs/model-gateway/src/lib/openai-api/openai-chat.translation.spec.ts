import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../providers/model-provider';
import { openAiChatRequestSchema, openAiEmbeddingRequestSchema } from './openai-chat.schema';
import { embeddingInputs, fromOpenAiChatRequest, OpenAiChunkEncoder, toOpenAiChatCompletion, toOpenAiEmbeddingList } from './openai-chat.translation';
import { InvalidApiRequestError, paramPath, parseApiBody } from './parse-api-body';

const parse = (body: unknown) => parseApiBody(openAiChatRequestSchema, body);

function paramOf(body: unknown): string {
  try {
    parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidApiRequestError);
    return (error as InvalidApiRequestError).param;
  }
  throw new Error('expected the body to be refused');
}

describe('OpenAI chat request translation', () => {
  it('maps every message kind, tools, tool choice, response format and sampling', () => {
    const request = fromOpenAiChatRequest(
      parse({
        model: 'fast',
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'Be ' }, { type: 'text', text: 'brief.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.test/cat.png', detail: 'low' } },
            ],
          },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"q":1}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        ],
        tools: [{ type: 'function', function: { name: 'look', description: 'Looks', parameters: { type: 'object', properties: { q: { type: 'number' } } }, strict: true } }],
        tool_choice: { type: 'function', function: { name: 'look' } },
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
        max_tokens: 100,
        max_completion_tokens: 50,
        temperature: 0.2,
        stop: 'END',
        user: 'u-1',
        seed: 7,
      }),
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          { type: 'image', url: 'https://example.test/cat.png' },
        ],
      },
      { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'look', arguments: '{"q":1}' }] },
      { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
    ]);
    expect(request.tools).toEqual([{ name: 'look', description: 'Looks', parameters: { type: 'object', properties: { q: { type: 'number' } } }, strict: true }]);
    expect(request.toolChoice).toEqual({ name: 'look' });
    expect(request.responseFormat).toEqual({ type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true });
    expect(request).toMatchObject({ model: 'fast', maxOutputTokens: 50, temperature: 0.2, stop: ['END'], user: 'u-1' });
  });

  it('gives a tool without parameters an empty object schema', () => {
    const request = fromOpenAiChatRequest(parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'now' } }], tool_choice: 'required' }));
    expect(request.tools?.[0]?.parameters).toEqual({ type: 'object', properties: {} });
    expect(request.toolChoice).toBe('required');
  });

  it('refuses invalid bodies with the path of the failing field', () => {
    expect(paramOf({ model: 'm', messages: [] })).toBe('messages');
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'user' }] })).toBe('messages[1].content');
    expect(paramOf({ model: 'm', messages: [{ role: 'wizard', content: 'hi' }] })).toBe('messages[0].role');
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }] })).toBe(
      'messages[0].content[0].image_url.url',
    );
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'x', parameters: { type: 'array' } } }] })).toBe(
      'tools[0].function.parameters.type',
    );
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'bad name' } }] })).toBe('tools[0].function.name');
    expect(paramOf({ model: 'm', messages: [{ role: 'user', content: 'hi' }], n: 2 })).toBe('n');
    expect(paramOf({ messages: [{ role: 'user', content: 'hi' }] })).toBe('model');
  });

  it('writes param paths the way OpenAI does', () => {
    expect(paramPath(['messages', 3, 'content', 0, 'text'])).toBe('messages[3].content[0].text');
    expect(paramPath([])).toBe('(root)');
  });
});

describe('OpenAI responses', () => {
  it('renders a completion with tool calls and usage', () => {
    const completion = toOpenAiChatCompletion(
      { id: 'r1', model: 'gpt-x', text: '', toolCalls: [{ id: 'c1', name: 'look', arguments: '{}' }], finishReason: 'tool_calls', usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 4 } },
      1_700_000_000,
    );
    expect(completion).toEqual({
      id: 'r1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-x',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{}' } }] },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 4 } },
    });
  });

  it('streams chunks in OpenAI order, with usage last when asked for', () => {
    const encoder = new OpenAiChunkEncoder('chatcmpl-x', 'fast', 1, true);
    const events: ChatStreamEvent[] = [
      { type: 'start', id: 'up-1', model: 'gpt-x' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'tool-call-delta', index: 0, id: 'c1', name: 'look', argumentsDelta: '{"q"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 2 } },
    ];
    const chunks = events.flatMap((event) => encoder.encode(event)).map((text) => JSON.parse(text));
    expect(chunks[0]).toMatchObject({ id: 'up-1', object: 'chat.completion.chunk', model: 'gpt-x', choices: [{ delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null });
    expect(chunks.slice(1, 3).map((chunk) => chunk.choices[0].delta.content)).toEqual(['Hel', 'lo']);
    expect(chunks[3].choices[0].delta.tool_calls).toEqual([{ index: 0, id: 'c1', type: 'function', function: { name: 'look', arguments: '{"q"' } }]);
    expect(chunks[4].choices[0].delta.tool_calls).toEqual([{ index: 0, function: { arguments: ':1}' } }]);
    expect(chunks[5].choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks[6]).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
    expect(chunks).toHaveLength(7);
  });

  it('starts a stream that has no start event and leaves usage out unless asked', () => {
    const encoder = new OpenAiChunkEncoder('chatcmpl-own', 'fast', 1, false);
    const chunks = [...encoder.encode({ type: 'text-delta', text: 'a' }), ...encoder.encode({ type: 'finish', finishReason: 'other', usage: { inputTokens: 1, outputTokens: 1 } })].map(
      (text) => JSON.parse(text),
    );
    expect(chunks.map((chunk) => chunk.id)).toEqual(['chatcmpl-own', 'chatcmpl-own', 'chatcmpl-own']);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks[2].choices[0].finish_reason).toBe('stop');
  });
});

describe('OpenAI embeddings', () => {
  it('accepts a string or a list and encodes base64 float32 the way the official client decodes it', () => {
    expect(embeddingInputs(parseApiBody(openAiEmbeddingRequestSchema, { model: 'e', input: 'one' }))).toEqual(['one']);
    expect(() => parseApiBody(openAiEmbeddingRequestSchema, { model: 'e', input: [[1, 2]] })).toThrow(InvalidApiRequestError);
    const result = { response: { model: 'local', embeddings: [[0.5, -1.25, 3]], usage: { inputTokens: 2 } }, route: {} as never };
    const list = toOpenAiEmbeddingList(result, 'base64');
    const bytes = Buffer.from(list.data[0]?.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual([0.5, -1.25, 3]);
    expect(toOpenAiEmbeddingList(result, 'float').data[0]?.embedding).toEqual([0.5, -1.25, 3]);
    expect(list.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });
});
