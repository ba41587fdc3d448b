import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from './model-provider';
import { ProviderError } from './provider-error';
import { createModelProvider } from './provider-factory';
import { collect, failure, itMapsProviderErrors, itReportsADroppedStreamAsNetworkFailure, itTimesOutAStalledStream, itKeepsSecretsOutOfErrors, useFakeProviderEndpoint, WEATHER_TOOL } from './testing/provider-spec-fixture';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYcanary01';
const MODEL = 'anthropic.claude-fake-v1:0';

describe('BedrockProvider against the fake Bedrock Runtime server', () => {
  const endpoint = useFakeProviderEndpoint('bedrock', (fakeUrl) => ({
    kind: 'bedrock',
    baseUrl: fakeUrl,
    credentials: { type: 'aws', accessKeyId: 'AKIAFAKEKEY', secretAccessKey: SECRET_KEY },
    options: { region: 'eu-west-1' },
    timeoutMs: 2_000,
  }));

  it('conversesː SigV4-signed Converse request with system, inference config; parses text, usage, stop reason', async () => {
    endpoint.fake.script({ text: 'Hej.', usage: { inputTokens: 12, outputTokens: 2 } });
    const response = await endpoint.provider.chat({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be Swedish.' },
        { role: 'user', content: 'Say hello' },
      ],
      maxOutputTokens: 64,
      temperature: 0.1,
    });
    expect(response).toMatchObject({ model: MODEL, text: 'Hej.', finishReason: 'stop', usage: { inputTokens: 12, outputTokens: 2 } });
    expect(response.id).toMatch(/^fake-request-/);
    const [request] = endpoint.fake.requests;
    expect(request.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(String(request.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEKEY\/\d+\/eu-west-1\/bedrock\/aws4_request/);
    expect(request.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Say hello' }] }],
      system: [{ text: 'Be Swedish.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0.1 },
    });
  });

  it('streams ConverseStream event-stream frames as ordered deltas and a finish with usage', async () => {
    endpoint.fake.script({ chunks: ['Hej', ' då', '!'], usage: { inputTokens: 5, outputTokens: 3 } });
    const events = await collect(endpoint.provider.streamChat({ model: MODEL, messages: [{ role: 'user', content: 'bye' }] }));
    expect(events[0]).toMatchObject({ type: 'start', model: MODEL });
    expect(events.slice(1, -1)).toEqual([
      { type: 'text-delta', text: 'Hej' },
      { type: 'text-delta', text: ' då' },
      { type: 'text-delta', text: '!' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 5, outputTokens: 3 } });
    expect(endpoint.fake.requests[0].path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
  });

  it('sends toolConfig and toolChoice, parses toolUse, round-trips toolResult; streams tool deltas', async () => {
    endpoint.fake.script({ toolCalls: [{ id: 'tu_1', name: 'get_weather', arguments: { city: 'Lima' } }] });
    const first = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'Lima?' }], tools: [WEATHER_TOOL], toolChoice: { name: 'get_weather' } });
    expect(first).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'tu_1', name: 'get_weather', arguments: '{"city":"Lima"}' }] });
    expect(endpoint.fake.requests[0].body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: WEATHER_TOOL.parameters } } }],
      toolChoice: { tool: { name: 'get_weather' } },
    });

    await endpoint.provider.chat({
      model: MODEL,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Lima?' },
        { role: 'assistant', content: null, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'tu_1', content: 'warm' },
      ],
    });
    expect(endpoint.fake.requests[1].body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Lima' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tu_1', content: [{ text: 'warm' }] } }] },
    ]);

    endpoint.fake.script({ toolCalls: [{ id: 'tu_2', name: 'get_weather', arguments: { city: 'Quito' } }] });
    const events = await collect(endpoint.provider.streamChat({ model: MODEL, messages: [{ role: 'user', content: 'Quito?' }], tools: [WEATHER_TOOL], toolChoice: 'required' }));
    const deltas = events.filter((e) => e.type === 'tool-call-delta') as Array<Extract<ChatStreamEvent, { type: 'tool-call-delta' }>>;
    expect(deltas[0]).toMatchObject({ index: 0, id: 'tu_2', name: 'get_weather' });
    expect(deltas.map((d) => d.argumentsDelta).join('')).toBe('{"city":"Quito"}');
    expect(events.at(-1)).toMatchObject({ finishReason: 'tool_calls' });
    expect(endpoint.fake.requests[2].body.toolConfig.toolChoice).toEqual({ any: {} });
  });

  it('asks for json_schema output through outputConfig.textFormat, and json_object through a forced tool', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    endpoint.fake.script({ json: { ok: true } });
    const structured = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'ok?' }], responseFormat: { type: 'json_schema', name: 'ok', schema } });
    expect(JSON.parse(structured.text)).toEqual({ ok: true });
    expect(endpoint.fake.requests[0].body.outputConfig).toEqual({ textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'ok' } } } });

    endpoint.fake.script({ toolCalls: [{ name: 'json_response', arguments: { any: 1 } }] });
    const json = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'json' }], responseFormat: { type: 'json_object' } });
    expect(json).toMatchObject({ text: '{"any":1}', toolCalls: [], finishReason: 'stop' });
    expect(endpoint.fake.requests[1].body.toolConfig.toolChoice).toEqual({ tool: { name: 'json_response' } });
  });

  it('sends images as bytes; rejects image URLs as invalid_request', async () => {
    await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' }, { type: 'text', text: 'what?' }] }] });
    expect(endpoint.fake.requests[0].body.messages[0].content).toEqual([{ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }, { text: 'what?' }]);
    const thrown = await failure(endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/x.png' }] }] }));
    expect(thrown.failure).toBe('invalid_request');
  });

  it('embeds with Titan (one InvokeModel per text) and Cohere (one batch)', async () => {
    const titan = await endpoint.provider.embed({ model: 'amazon.titan-embed-text-v2:0', input: ['alpha beta', 'gamma'], dimensions: 16 });
    expect(titan.embeddings.map((e) => e.length)).toEqual([16, 16]);
    expect(titan.usage.inputTokens).toBe(3);
    expect(endpoint.fake.requests.map((r) => r.body.inputText).sort()).toEqual(['alpha beta', 'gamma']);
    endpoint.fake.reset();
    const cohere = await endpoint.provider.embed({ model: 'cohere.embed-english-v3', input: ['a', 'b', 'c'] });
    expect(cohere.embeddings).toHaveLength(3);
    expect(endpoint.fake.requests).toHaveLength(1);
    expect(endpoint.fake.requests[0].body).toMatchObject({ texts: ['a', 'b', 'c'], input_type: 'search_document' });
    expect((await failure(endpoint.provider.embed({ model: 'meta.llama3', input: ['a'] }))).failure).toBe('invalid_request');
  });

  it('maps ThrottlingException 429 with Retry-After to rate_limited with retryAfterMs', async () => {
    endpoint.fake.script({ retryAfter: 3 });
    expect(await failure(endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({ failure: 'rate_limited', status: 429, retryAfterMs: 3_000 });
  });

  it('times out a hung provider; rethrows the caller abort', async () => {
    const quick = createModelProvider({ ...endpoint.config, timeoutMs: 300 });
    endpoint.fake.script({ hang: true });
    expect((await failure(quick.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }))).failure).toBe('timeout');
    endpoint.fake.script({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }], signal: controller.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).name).toBe('AbortError');
  });

  it('authenticates with a Bedrock API key as a bearer token', async () => {
    const keyed = createModelProvider({ ...endpoint.config, credentials: { type: 'api-key', apiKey: 'bedrock-api-key-1' } });
    await keyed.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(endpoint.fake.requests[0].headers.authorization).toBe('Bearer bedrock-api-key-1');
  });

  it('does not pass through (no same-format clients)', () => {
    expect(endpoint.provider.supportsPassthrough('openai-chat')).toBe(false);
    expect(endpoint.provider.supportsPassthrough('anthropic-messages')).toBe(false);
  });

  itMapsProviderErrors(endpoint, MODEL, [
    [{ status: 400 }, 'invalid_request'],
    [{ status: 403 }, 'auth'],
    [{ status: 500 }, 'server'],
    [{ status: 503 }, 'server'],
    ['context_overflow', 'context_overflow'],
  ]);

  itReportsADroppedStreamAsNetworkFailure(endpoint, MODEL, 3);

  itTimesOutAStalledStream(endpoint, MODEL);

  itKeepsSecretsOutOfErrors(endpoint, {
    title: 'never puts the secret key or the prompt in an error',
    model: MODEL,
    secret: SECRET_KEY,
    prompt: 'the launch codes are 0000',
    status: 400,
    message: (prompt) => `Bad input ${prompt} signed with ${SECRET_KEY}`,
  });
});
