import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from './model-provider';
import { ProviderError } from './provider-error';
import { createModelProvider } from './provider-factory';
import { collect, failure, passthrough, itReportsADroppedStreamAsNetworkFailure, itKeepsSecretsOutOfErrors, useFakeProviderEndpoint, WEATHER_TOOL } from './testing/provider-spec-fixture';

const API_KEY = 'sk-canary-0penai-7f3e9d2c';

describe('OpenAiProvider against the fake OpenAI server', () => {
  const endpoint = useFakeProviderEndpoint('openai', (fakeUrl) => ({ kind: 'openai', baseUrl: `${fakeUrl}/v1`, credentials: { type: 'api-key', apiKey: API_KEY }, timeoutMs: 2_000 }));

  it('chats: sends the OpenAI body with the key, the retention opt-out and limits; parses text, usage and finish', async () => {
    endpoint.fake.script({ text: 'Hello there.', usage: { inputTokens: 11, outputTokens: 3 } });
    const response = await endpoint.provider.chat({
      model: 'gpt-fake-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      maxOutputTokens: 50,
      temperature: 0.2,
      stop: ['END'],
      zeroDataRetention: true,
    });
    expect(response).toMatchObject({ model: 'gpt-fake-mini', text: 'Hello there.', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 3 } });
    expect(response.id).toMatch(/^chatcmpl-fake-/);
    const [request] = endpoint.fake.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toMatchObject({
      model: 'gpt-fake-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_completion_tokens: 50,
      temperature: 0.2,
      stop: ['END'],
      store: false,
    });
    expect(request.body.stream).toBe(false);
  });

  it('reuses one adapter per config object', () => {
    expect(createModelProvider(endpoint.config)).toBe(endpoint.provider);
  });

  it('streams text deltas in order, then one finish with usage (stream_options.include_usage sent)', async () => {
    endpoint.fake.script({ chunks: ['Hel', 'lo ', 'world'], usage: { inputTokens: 4, outputTokens: 3 } });
    const events = await collect(endpoint.provider.streamChat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(events[0]).toMatchObject({ type: 'start', model: 'gpt-fake-mini' });
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual(['Hel', 'lo ', 'world']);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 4, outputTokens: 3 } });
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
    expect(endpoint.fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends tools and tool_choice in OpenAI form, parses tool calls, and round-trips tool results', async () => {
    endpoint.fake.script({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] });
    const first = await endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER_TOOL], toolChoice: { name: 'get_weather' } });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(endpoint.fake.requests[0].body.tools).toEqual([{ type: 'function', function: WEATHER_TOOL }]);
    expect(endpoint.fake.requests[0].body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });

    endpoint.fake.script({ text: 'It is sunny.' });
    const second = await endpoint.provider.chat({
      model: 'gpt-fake-mini',
      tools: [WEATHER_TOOL],
      toolChoice: 'auto',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_1', content: '{"sky":"sunny"}' },
      ],
    });
    expect(second.text).toBe('It is sunny.');
    expect(endpoint.fake.requests[1].body.tool_choice).toBe('auto');
    expect(endpoint.fake.requests[1].body.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' },
    ]);
  });

  it('streams tool-call deltas: id and name first, then argument pieces', async () => {
    endpoint.fake.script({ toolCalls: [{ id: 'call_9', name: 'lookup', arguments: { q: 'strata platform' } }] });
    const events = await collect(
      endpoint.provider.streamChat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'look it up' }], tools: [{ name: 'lookup', parameters: { type: 'object' } }], toolChoice: 'required' }),
    );
    const deltas = events.filter((e) => e.type === 'tool-call-delta') as Array<Extract<ChatStreamEvent, { type: 'tool-call-delta' }>>;
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_9', name: 'lookup' });
    expect(deltas.map((d) => d.argumentsDelta).join('')).toBe('{"q":"strata platform"}');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
    expect(endpoint.fake.requests[0].body.tool_choice).toBe('required');
  });

  it('asks for structured output with response_format json_schema and json_object', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false };
    endpoint.fake.script({ json: { answer: 42 } }, { json: { ok: true } });
    const structured = await endpoint.provider.chat({
      model: 'gpt-fake-mini',
      messages: [{ role: 'user', content: 'answer?' }],
      responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true },
    });
    expect(JSON.parse(structured.text)).toEqual({ answer: 42 });
    expect(endpoint.fake.requests[0].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } });
    await endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'json' }], responseFormat: { type: 'json_object' } });
    expect(endpoint.fake.requests[1].body.response_format).toEqual({ type: 'json_object' });
  });

  it('sends images as image_url parts (base64 as a data URL, URLs as they are)', async () => {
    await endpoint.provider.chat({
      model: 'gpt-fake-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'image', url: 'https://example.com/cat.jpg' },
          ],
        },
      ],
    });
    expect(endpoint.fake.requests[0].body.messages[0].content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('embeds, in input order, with dimensions and usage', async () => {
    const result = await endpoint.provider.embed({ model: 'text-embedding-fake', input: ['one two', 'three'], dimensions: 16 });
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings[0]).toHaveLength(16);
    expect(result.usage.inputTokens).toBe(3);
    expect(endpoint.fake.requests[0].body).toMatchObject({ model: 'text-embedding-fake', input: ['one two', 'three'], dimensions: 16, encoding_format: 'float' });
  });

  it.each([
    [{ status: 400, message: 'bad field' }, 'invalid_request', 400],
    [{ status: 401, message: 'Incorrect API key provided' }, 'auth', 401],
    [{ status: 403 }, 'auth', 403],
    [{ status: 500 }, 'server', 500],
    [{ status: 503 }, 'server', 503],
  ] as const)('maps error %j to %s', async (error, expected, status) => {
    endpoint.fake.script({ error });
    const thrown = await failure(endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(thrown.failure).toBe(expected);
    expect(thrown.status).toBe(status);
  });

  it('maps 429 with Retry-After (seconds, HTTP date) and retry-after-ms to rate_limited with retryAfterMs', async () => {
    endpoint.fake.script({ retryAfter: 2 });
    const seconds = await failure(endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(seconds).toMatchObject({ failure: 'rate_limited', status: 429, retryAfterMs: 2_000 });
    expect(seconds.retryable).toBe(true);

    endpoint.fake.script({ retryAfter: new Date(Date.now() + 5_000).toUTCString() });
    const date = await failure(endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(date.retryAfterMs).toBeGreaterThan(3_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(5_000);

    endpoint.fake.script({ retryAfterMs: 250 });
    const ms = await failure(endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(ms.retryAfterMs).toBe(250);
  });

  it('maps context_length_exceeded to context_overflow, which falls back', async () => {
    endpoint.fake.script({ error: 'context_overflow' });
    const thrown = await failure(endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(thrown.failure).toBe('context_overflow');
    expect(thrown.fallsBack).toBe(true);
    expect(thrown.message).toContain('context_length_exceeded');
  });

  it('maps errors inside a stream (before any event) the same way', async () => {
    endpoint.fake.script({ error: { status: 500 } });
    const thrown = await failure(collect(endpoint.provider.streamChat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] })));
    expect(thrown.failure).toBe('server');
  });

  it('times out a hung provider with a timeout failure', async () => {
    const quick = createModelProvider({ ...endpoint.config, timeoutMs: 300 });
    endpoint.fake.script({ hang: true });
    const started = Date.now();
    const thrown = await failure(quick.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(thrown.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('times out a stream that stalls between chunks, but not one that keeps flowing', async () => {
    const quick = createModelProvider({ ...endpoint.config, timeoutMs: 400 });
    endpoint.fake.script({ chunks: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 150 });
    const flowing = await collect(quick.streamChat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(flowing.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    endpoint.fake.script({ chunks: ['a', 'b'], chunkDelayMs: 1_000 });
    const thrown = await failure(collect(quick.streamChat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] })));
    expect(thrown.failure).toBe('timeout');
  });

  it("honours the caller's abort signal: rethrows the abort, not a provider failure", async () => {
    endpoint.fake.script({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await endpoint.provider.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }], signal: controller.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).name).toBe('AbortError');
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = await startFakeProvider('openai');
    await closed.close();
    const offline = createModelProvider({ ...endpoint.config, baseUrl: `${closed.url}/v1` });
    const thrown = await failure(offline.chat({ model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'x' }] }));
    expect(thrown.failure).toBe('network');
  });

  itReportsADroppedStreamAsNetworkFailure(endpoint, 'gpt-fake-mini', 3);

  itKeepsSecretsOutOfErrors(endpoint, {
    title: 'never puts the API key or the prompt in an error (message, stack, JSON, inspect)',
    model: 'gpt-fake-mini',
    secret: API_KEY,
    prompt: 'my secret prompt 4711',
    status: 401,
    message: (prompt) => `Incorrect API key provided: ${API_KEY}. You said: ${prompt}`,
  });

  describe('passthrough', () => {
    it('accepts only the OpenAI chat format', () => {
      expect(endpoint.provider.supportsPassthrough('openai-chat')).toBe(true);
      expect(endpoint.provider.supportsPassthrough('anthropic-messages')).toBe(false);
    });

    it('forwards a JSON answer byte for byte, adding store:false under zero data retention', async () => {
      const body = { model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'pass me' }], metadata_field_we_do_not_know: { keep: true } };
      const response = await passthrough(endpoint.provider)({ format: 'openai-chat', body, stream: false, zeroDataRetention: true });
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(Buffer.concat(chunks).equals(endpoint.fake.requests[0].response.body)).toBe(true);
      expect(endpoint.fake.requests[0].body).toEqual({ ...body, store: false });
      expect(endpoint.fake.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    });

    it('streams SSE through unbuffered: the first chunk arrives before the provider has finished', async () => {
      endpoint.fake.script({ chunks: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 150 });
      const started = Date.now();
      const response = await passthrough(endpoint.provider)({
        format: 'openai-chat',
        body: { model: 'gpt-fake-mini', messages: [{ role: 'user', content: 'stream' }], stream: true, stream_options: { include_usage: true } },
        stream: true,
      });
      expect(response.headers['content-type']).toContain('text/event-stream');
      const chunks: Buffer[] = [];
      let firstAt = 0;
      for await (const chunk of response.body) {
        if (!firstAt) firstAt = Date.now() - started;
        chunks.push(Buffer.from(chunk));
      }
      const total = Date.now() - started;
      expect(firstAt).toBeLessThan(total - 400); // four gaps of 150 ms come after the first chunk
      const text = Buffer.concat(chunks).toString();
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(Buffer.concat(chunks).equals(endpoint.fake.requests[0].response.body)).toBe(true);
    });

    it('throws non-2xx answers as ProviderError instead of returning them', async () => {
      endpoint.fake.script({ retryAfter: 1 });
      const thrown = await failure(passthrough(endpoint.provider)({ format: 'openai-chat', body: { model: 'm', messages: [] }, stream: false }));
      expect(thrown).toMatchObject({ failure: 'rate_limited', retryAfterMs: 1_000 });
    });
  });
});

describe('OpenAI-compatible endpoints', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider('openai');
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('talks to a keyless server (Ollama, vLLM, LM Studio) at its base URL, with max_tokens', async () => {
    const provider = createModelProvider({ kind: 'openai-compatible', baseUrl: `${fake.url}/v1`, credentials: { type: 'none' }, timeoutMs: 2_000 });
    expect(provider.kind).toBe('openai-compatible');
    const response = await provider.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi there' }], maxOutputTokens: 20 });
    expect(response.text).toBe('echo: hi there');
    expect(fake.requests[0].body).toMatchObject({ model: 'llama3.2', max_tokens: 20 });
    expect(fake.requests[0].body.max_completion_tokens).toBeUndefined();
  });

  it('reaches Azure OpenAI through AzureOpenAI: deployment path, api-version query, api-key header', async () => {
    const provider = createModelProvider({
      kind: 'openai-compatible',
      baseUrl: fake.url,
      credentials: { type: 'api-key', apiKey: 'azure-key-1' },
      options: { apiVersion: '2024-10-21' },
      timeoutMs: 2_000,
    });
    await provider.chat({ model: 'my-gpt4o-deployment', messages: [{ role: 'user', content: 'hi' }], zeroDataRetention: true });
    const [request] = fake.requests;
    expect(request.path).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions');
    expect(request.query.get('api-version')).toBe('2024-10-21');
    expect(request.headers['api-key']).toBe('azure-key-1');
    expect(request.body.store).toBe(false);
    const embedded = await provider.embed({ model: 'my-embedding-deployment', input: ['a'] });
    expect(embedded.embeddings).toHaveLength(1);
    expect(fake.requests[1].path).toBe('/openai/deployments/my-embedding-deployment/embeddings');
    await passthrough(provider)({ format: 'openai-chat', body: { model: 'other-deployment', messages: [] }, stream: false });
    expect(fake.requests[2].path).toBe('/openai/deployments/other-deployment/chat/completions');
    expect(fake.requests[2].query.get('api-version')).toBe('2024-10-21');
    expect(fake.requests[2].headers['api-key']).toBe('azure-key-1');
  });

  it('sends only store:false (no OpenRouter provider preferences) to other compatible servers under zero data retention', async () => {
    const provider = createModelProvider({ kind: 'openai-compatible', baseUrl: `${fake.url}/v1`, credentials: { type: 'api-key', apiKey: 'k' }, timeoutMs: 2_000 });
    await provider.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], zeroDataRetention: true });
    expect(fake.requests[0].body.store).toBe(false);
    expect(fake.requests[0].body.provider).toBeUndefined();
  });
});
