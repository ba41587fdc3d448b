import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from './model-provider';
import { ProviderError } from './provider-error';
import { createModelProvider } from './provider-factory';
import { collect, failure, passthrough, itMapsProviderErrors, itReportsADroppedStreamAsNetworkFailure, itTimesOutAStalledStream, itKeepsSecretsOutOfErrors, useFakeProviderEndpoint, WEATHER_TOOL } from './testing/provider-spec-fixture';

const API_KEY = 'sk-ant-canary-93ad0c11';

describe('AnthropicProvider against the fake Anthropic server', () => {
  const endpoint = useFakeProviderEndpoint('anthropic', (fakeUrl) => ({ kind: 'anthropic', baseUrl: fakeUrl, credentials: { type: 'api-key', apiKey: API_KEY }, timeoutMs: 2_000 }));

  it('chats: system prompt apart, max_tokens defaulted, the key sent (SDK 1.x: as a bearer token); parses text, usage and stop reason', async () => {
    endpoint.fake.script({ text: 'Bonjour.', usage: { inputTokens: 9, outputTokens: 2 } });
    const response = await endpoint.provider.chat({
      model: 'claude-fake',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Say hello' },
      ],
      stop: ['###'],
      zeroDataRetention: true,
    });
    expect(response).toMatchObject({ model: 'claude-fake', text: 'Bonjour.', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 2 } });
    const [request] = endpoint.fake.requests;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers['anthropic-version']).toBeDefined();
    expect(request.body).toEqual({
      model: 'claude-fake',
      max_tokens: 4096,
      system: 'Answer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      stop_sequences: ['###'],
      stream: false,
    });
  });

  it('streams the SSE event sequence as ordered deltas and one finish with input and output usage', async () => {
    endpoint.fake.script({ chunks: ['Bon', 'jour', '!'], usage: { inputTokens: 7, outputTokens: 3 } });
    const events = await collect(endpoint.provider.streamChat({ model: 'claude-fake', messages: [{ role: 'user', content: 'hi' }] }));
    expect(events[0]).toMatchObject({ type: 'start', model: 'claude-fake' });
    expect(events.slice(1, -1)).toEqual([
      { type: 'text-delta', text: 'Bon' },
      { type: 'text-delta', text: 'jour' },
      { type: 'text-delta', text: '!' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 7, outputTokens: 3 } });
    expect(endpoint.fake.requests[0].body.stream).toBe(true);
  });

  it('sends tools and tool_choice in Anthropic form, parses tool_use, and round-trips tool results as user content', async () => {
    endpoint.fake.script({ text: 'Let me check.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const first = await endpoint.provider.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [WEATHER_TOOL], toolChoice: 'required' });
    expect(first).toMatchObject({ text: 'Let me check.', finishReason: 'tool_calls', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    expect(endpoint.fake.requests[0].body.tools).toEqual([{ name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER_TOOL.parameters }]);
    expect(endpoint.fake.requests[0].body.tool_choice).toEqual({ type: 'any' });

    endpoint.fake.script({ text: 'Cold.' });
    await endpoint.provider.chat({
      model: 'claude-fake',
      tools: [WEATHER_TOOL],
      toolChoice: { name: 'get_weather' },
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: 'Let me check.', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'toolu_1', content: '-3 °C' },
      ],
    });
    expect(endpoint.fake.requests[1].body.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(endpoint.fake.requests[1].body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '-3 °C' }] },
    ]);
  });

  it('streams tool calls as tool-call deltas (content_block_start, then input_json_delta pieces)', async () => {
    endpoint.fake.script({ toolCalls: [{ id: 'toolu_7', name: 'get_weather', arguments: { city: 'Rome' } }] });
    const events = await collect(endpoint.provider.streamChat({ model: 'claude-fake', messages: [{ role: 'user', content: 'Rome?' }], tools: [WEATHER_TOOL] }));
    const deltas = events.filter((e) => e.type === 'tool-call-delta') as Array<Extract<ChatStreamEvent, { type: 'tool-call-delta' }>>;
    expect(deltas[0]).toMatchObject({ index: 0, id: 'toolu_7', name: 'get_weather' });
    expect(deltas.map((d) => d.argumentsDelta).join('')).toBe('{"city":"Rome"}');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('asks for json_schema output through output_config.format', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
    endpoint.fake.script({ json: { n: 3 } });
    const response = await endpoint.provider.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'n?' }], responseFormat: { type: 'json_schema', name: 'n', schema } });
    expect(JSON.parse(response.text)).toEqual({ n: 3 });
    expect(endpoint.fake.requests[0].body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('answers json_object through a forced json_response tool, returned as text (also streamed)', async () => {
    endpoint.fake.script({ toolCalls: [{ name: 'json_response', arguments: { ok: true } }] });
    const response = await endpoint.provider.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'json please' }], responseFormat: { type: 'json_object' } });
    expect(response).toMatchObject({ text: '{"ok":true}', toolCalls: [], finishReason: 'stop' });
    expect(endpoint.fake.requests[0].body.tool_choice).toEqual({ type: 'tool', name: 'json_response' });

    endpoint.fake.script({ toolCalls: [{ name: 'json_response', arguments: { ok: false } }] });
    const events = await collect(endpoint.provider.streamChat({ model: 'claude-fake', messages: [{ role: 'user', content: 'json' }], responseFormat: { type: 'json_object' } }));
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(JSON.parse(text)).toEqual({ ok: false });
    expect(events.some((e) => e.type === 'tool-call-delta')).toBe(false);
    expect(events.at(-1)).toMatchObject({ finishReason: 'stop' });
  });

  it('sends images as base64 and url sources', async () => {
    await endpoint.provider.chat({
      model: 'claude-fake',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
            { type: 'image', url: 'https://example.com/a.png' },
            { type: 'text', text: 'Compare.' },
          ],
        },
      ],
    });
    expect(endpoint.fake.requests[0].body.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'text', text: 'Compare.' },
    ]);
  });

  it('has no embeddings: invalid_request', async () => {
    const thrown = await failure(endpoint.provider.embed({ model: 'x', input: ['a'] }));
    expect(thrown.failure).toBe('invalid_request');
  });

  it('maps 529 overloaded with its status and 429 with Retry-After to retryAfterMs', async () => {
    endpoint.fake.script({ error: 'overloaded' });
    expect(await failure(endpoint.provider.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({ failure: 'server', status: 529 });
    endpoint.fake.script({ retryAfter: 7 });
    expect(await failure(endpoint.provider.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({
      failure: 'rate_limited',
      status: 429,
      retryAfterMs: 7_000,
    });
  });

  it('times out a hung provider, and rethrows the caller abort as an abort', async () => {
    const quick = createModelProvider({ ...endpoint.config, timeoutMs: 300 });
    endpoint.fake.script({ hang: true });
    expect((await failure(quick.chat({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }))).failure).toBe('timeout');

    endpoint.fake.script({ chunks: ['a', 'b', 'c'], chunkDelayMs: 300 });
    const controller = new AbortController();
    const events: ChatStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of endpoint.provider.streamChat({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }], signal: controller.signal })) {
        events.push(event);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).name).toBe('AbortError');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  itMapsProviderErrors(endpoint, 'claude-fake', [
    [{ status: 400 }, 'invalid_request'],
    [{ status: 401 }, 'auth'],
    [{ status: 403 }, 'auth'],
    [{ status: 500 }, 'server'],
    ['overloaded', 'server'],
    ['context_overflow', 'context_overflow'],
  ]);

  // message_start, ping, content_block_start and two deltas precede the reset
  itReportsADroppedStreamAsNetworkFailure(endpoint, 'claude-fake', 5);

  itTimesOutAStalledStream(endpoint, 'claude-fake');

  itKeepsSecretsOutOfErrors(endpoint, {
    title: 'never puts the API key or the prompt in an error',
    model: 'claude-fake',
    secret: API_KEY,
    prompt: 'confidential merger plan',
    status: 400,
    message: (prompt) => `invalid x-api-key ${API_KEY} for: ${prompt}`,
  });

  describe('passthrough', () => {
    it('accepts only the Anthropic Messages format', () => {
      expect(endpoint.provider.supportsPassthrough('anthropic-messages')).toBe(true);
      expect(endpoint.provider.supportsPassthrough('openai-chat')).toBe(false);
    });

    it('forwards the body and the answer bytes unchanged', async () => {
      const body = { model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content: 'pass' }] };
      const response = await passthrough(endpoint.provider)({ format: 'anthropic-messages', body, stream: false });
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      expect(response.status).toBe(200);
      expect(endpoint.fake.requests[0].body).toEqual(body);
      expect(Buffer.concat(chunks).equals(endpoint.fake.requests[0].response.body)).toBe(true);
    });

    it('streams SSE through unbuffered', async () => {
      endpoint.fake.script({ chunks: ['a', 'b', 'c'], chunkDelayMs: 100 });
      const started = Date.now();
      const response = await passthrough(endpoint.provider)({
        format: 'anthropic-messages',
        body: { model: 'claude-fake', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'pass' }] },
        stream: true,
      });
      const chunks: Buffer[] = [];
      let firstAt = 0;
      for await (const chunk of response.body) {
        firstAt ||= Date.now() - started;
        chunks.push(Buffer.from(chunk));
      }
      expect(firstAt).toBeLessThan(Date.now() - started - 500); // ten event gaps of 100 ms follow the first
      const text = Buffer.concat(chunks).toString();
      expect(text).toContain('event: message_start');
      expect(text.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
      expect(Buffer.concat(chunks).equals(endpoint.fake.requests[0].response.body)).toBe(true);
    });

    it('throws a non-2xx answer as ProviderError', async () => {
      endpoint.fake.script({ error: 'overloaded' });
      const thrown = await failure(passthrough(endpoint.provider)({ format: 'anthropic-messages', body: { model: 'm', max_tokens: 1, messages: [] }, stream: false }));
      expect(thrown).toMatchObject({ failure: 'server', status: 529 });
    });
  });
});
