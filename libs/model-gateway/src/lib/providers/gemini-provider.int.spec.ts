import { describe, expect, it } from 'vitest';
import { ProviderError } from './provider-error';
import { createModelProvider } from './provider-factory';
import { collect, failure, itMapsProviderErrors, itReportsADroppedStreamAsNetworkFailure, itTimesOutAStalledStream, itKeepsSecretsOutOfErrors, useFakeProviderEndpoint, WEATHER_TOOL } from './testing/provider-spec-fixture';

const API_KEY = 'AIzaCanaryGemini55aa';
const MODEL = 'gemini-fake-flash';

describe('GeminiProvider against the fake Gemini API server', () => {
  const endpoint = useFakeProviderEndpoint('gemini', (fakeUrl) => ({ kind: 'gemini', baseUrl: fakeUrl, credentials: { type: 'api-key', apiKey: API_KEY }, timeoutMs: 2_000 }));

  it('generates content: systemInstruction, generationConfig, key header; parses text, usage, finish', async () => {
    endpoint.fake.script({ text: 'Ciao.', usage: { inputTokens: 8, outputTokens: 2 } });
    const response = await endpoint.provider.chat({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Answer in Italian.' },
        { role: 'user', content: 'Say hello' },
      ],
      maxOutputTokens: 30,
      topP: 0.9,
    });
    expect(response).toMatchObject({ model: MODEL, text: 'Ciao.', finishReason: 'stop', usage: { inputTokens: 8, outputTokens: 2 } });
    const [request] = endpoint.fake.requests;
    expect(request.path).toBe(`/v1/models/${MODEL}:generateContent`); // the SDK's default API version
    expect(request.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'Answer in Italian.' }] },
      generationConfig: { maxOutputTokens: 30, topP: 0.9 },
    });
  });

  it('streams streamGenerateContent SSE as ordered deltas and a finish with usage', async () => {
    endpoint.fake.script({ chunks: ['Ci', 'ao', '!'], usage: { inputTokens: 3, outputTokens: 3 } });
    const events = await collect(endpoint.provider.streamChat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    expect(events[0]).toMatchObject({ type: 'start', model: MODEL });
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual(['Ci', 'ao', '!']);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 3 } });
    expect(endpoint.fake.requests[0].path).toBe(`/v1/models/${MODEL}:streamGenerateContent`);
    expect(endpoint.fake.requests[0].query.get('alt')).toBe('sse');
  });

  it('sends function declarations and calling config, parses function calls, round-trips function responses', async () => {
    endpoint.fake.script({ toolCalls: [{ id: 'fc_1', name: 'get_weather', arguments: { city: 'Turin' } }] });
    const first = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'Turin?' }], tools: [WEATHER_TOOL], toolChoice: { name: 'get_weather' } });
    expect(first).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'fc_1', name: 'get_weather', arguments: '{"city":"Turin"}' }] });
    expect(endpoint.fake.requests[0].body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: WEATHER_TOOL.parameters }] }]);
    expect(endpoint.fake.requests[0].body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });

    await endpoint.provider.chat({
      model: MODEL,
      tools: [WEATHER_TOOL],
      toolChoice: 'none',
      messages: [
        { role: 'user', content: 'Turin?' },
        { role: 'assistant', content: null, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'fc_1', content: '{"sky":"fog"}' },
      ],
    });
    expect(endpoint.fake.requests[1].body.toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(endpoint.fake.requests[1].body.contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { id: 'fc_1', name: 'get_weather', args: { city: 'Turin' } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'fc_1', name: 'get_weather', response: { sky: 'fog' } } }] },
    ]);

    endpoint.fake.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Bari' } }] });
    const events = await collect(endpoint.provider.streamChat({ model: MODEL, messages: [{ role: 'user', content: 'Bari?' }], tools: [WEATHER_TOOL] }));
    const delta = events.find((e) => e.type === 'tool-call-delta');
    expect(delta).toMatchObject({ index: 0, name: 'get_weather', argumentsDelta: '{"city":"Bari"}' });
    expect((delta as { id: string }).id).toBeTruthy();
    expect(events.at(-1)).toMatchObject({ finishReason: 'tool_calls' });
  });

  it('asks for structured output with responseMimeType and responseJsonSchema', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    endpoint.fake.script({ json: { n: 5 } });
    const response = await endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'n?' }], responseFormat: { type: 'json_schema', name: 'n', schema } });
    expect(JSON.parse(response.text)).toEqual({ n: 5 });
    expect(endpoint.fake.requests[0].body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it('sends images as inlineData and fileData', async () => {
    await endpoint.provider.chat({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', mediaType: 'image/webp', data: 'UklGRg==' },
            { type: 'image', url: 'https://example.com/photo.png', mediaType: 'image/png' },
            { type: 'text', text: 'Describe.' },
          ],
        },
      ],
    });
    expect(endpoint.fake.requests[0].body.contents[0].parts).toEqual([
      { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
      { fileData: { fileUri: 'https://example.com/photo.png', mimeType: 'image/png' } },
      { text: 'Describe.' },
    ]);
  });

  it('embeds through batchEmbedContents with outputDimensionality', async () => {
    const result = await endpoint.provider.embed({ model: 'gemini-embedding-fake', input: ['first text', 'second'], dimensions: 12 });
    expect(result.embeddings.map((e) => e.length)).toEqual([12, 12]);
    expect(endpoint.fake.requests[0].path).toBe('/v1/models/gemini-embedding-fake:batchEmbedContents');
    expect(endpoint.fake.requests[0].body.requests).toHaveLength(2);
    expect(endpoint.fake.requests[0].body.requests[0]).toMatchObject({ outputDimensionality: 12 });
  });

  it('uses options.apiVersion (v1beta) when set', async () => {
    const beta = createModelProvider({ ...endpoint.config, options: { apiVersion: 'v1beta' } });
    await beta.chat({ model: MODEL, messages: [{ role: 'user', content: 'beta' }] });
    expect(endpoint.fake.requests[0].path).toBe(`/v1beta/models/${MODEL}:generateContent`);
  });

  it('maps 429 RESOURCE_EXHAUSTED with Retry-After to rate_limited, also for streams', async () => {
    endpoint.fake.script({ retryAfter: 4 });
    expect(await failure(endpoint.provider.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({ failure: 'rate_limited', status: 429, retryAfterMs: 4_000 });
    endpoint.fake.script({ error: { status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }] } } } });
    expect(await failure(collect(endpoint.provider.streamChat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })))).toMatchObject({ failure: 'rate_limited', retryAfterMs: 1_500 });
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

  itMapsProviderErrors(endpoint, MODEL, [
    [{ status: 400 }, 'invalid_request'],
    [{ status: 401 }, 'auth'],
    [{ status: 403 }, 'auth'],
    [{ status: 500 }, 'server'],
    ['overloaded', 'server'],
    ['context_overflow', 'context_overflow'],
  ]);

  itReportsADroppedStreamAsNetworkFailure(endpoint, MODEL, 3);

  itTimesOutAStalledStream(endpoint, MODEL);

  itKeepsSecretsOutOfErrors(endpoint, {
    title: 'never puts the API key or the prompt in an error',
    model: MODEL,
    secret: API_KEY,
    prompt: 'patient record 12345',
    status: 400,
    message: (prompt) => `API key ${API_KEY} not valid for ${prompt}`,
  });
});
