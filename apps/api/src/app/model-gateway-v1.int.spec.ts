import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchedUsageRecorder } from '@strata/model-gateway';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

type OpenAiApiError = InstanceType<typeof OpenAI.APIError>;
type AnthropicApiError = InstanceType<typeof Anthropic.APIError>;

/**
 * The /v1 API with the official `openai` and `@anthropic-ai/sdk` clients, unmodified, against fake
 * OpenAI and Anthropic servers configured through the gateway's REST API. Same-format requests go
 * through untouched (OpenAI client → `fast`, an OpenAI model; Anthropic client → `claude`); the
 * other pairings are translated.
 */
describe('model gateway /v1 with the official clients', () => {
  let api: ApiHarness;
  let owner: string;
  let openaiFake: FakeProvider;
  let anthropicFake: FakeProvider;
  let builderKey: string;
  let builderKeyId: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  const openaiFor = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${api.base}/v1`, maxRetries: 0 });
  const anthropicFor = (apiKey: string) => new Anthropic({ apiKey, baseURL: api.base, maxRetries: 0 });

  async function post<T = { id: string }>(path: string, body: unknown): Promise<T> {
    const response = await api.call<T>(owner, 'POST', path, body);
    if (response.status !== 201 && response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async function keyFor(name: string, roles: string[]): Promise<{ token: string; id: string; serviceAccountId: string }> {
    const account = await post('/governance/service-accounts', { name, roles });
    const key = await post<{ token: string; apiKey: { id: string } }>('/governance/api-keys', { name: `${name} key`, serviceAccountId: account.id, roles });
    return { token: key.token, id: key.apiKey.id, serviceAccountId: account.id };
  }

  type UsageRecordView = { outcome: string; errorCode: string | null; alias: string | null; streamed: boolean; latencyMs: number };

  /** The builder key's newest `cancelled` record that `matches` (records are written in batches: polled). */
  async function cancelledRecord(matches: (record: UsageRecordView) => boolean): Promise<UsageRecordView | undefined> {
    let record: UsageRecordView | undefined;
    for (let i = 0; i < 30 && !record; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const records = (await api.call<{ items?: UsageRecordView[] }>(owner, 'GET', `/model-gateway/usage/records?apiKeyId=${builderKeyId}&outcome=cancelled`)).body.items ?? [];
      record = records.find(matches);
    }
    return record;
  }

  /** Writes the queued usage records, so that a summary sees every call made so far. */
  async function flushUsage(): Promise<void> {
    await api.app.get(BatchedUsageRecorder).flush();
  }

  async function usageTotals(): Promise<{ requests: number; errors: number; cancelled: number }> {
    const summary = await api.call<{ totals: { requests: number; errors: number; cancelled: number } }>(owner, 'GET', '/model-gateway/usage/summary?groupBy=day');
    return summary.body.totals;
  }

  async function caught(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  }

  beforeAll(async () => {
    [openaiFake, anthropicFake] = await Promise.all([startFakeProvider('openai'), startFakeProvider('anthropic')]);
    api = await startApiHarness({ env: { STRATA_MODEL_RETRIES: '0' } });
    owner = (await api.provision('acme')).token;

    const oa = await post('/model-gateway/providers', { name: 'oa', kind: 'openai', baseUrl: `${openaiFake.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-fake-openai' } });
    const an = await post('/model-gateway/providers', { name: 'an', kind: 'anthropic', baseUrl: anthropicFake.url, credentials: { type: 'api-key', apiKey: 'sk-ant-fake' } });
    const all = { tools: true, vision: true, structuredOutput: true, streaming: true };
    await post('/model-gateway/models', { providerId: oa.id, providerModelId: 'gpt-test', operation: 'chat', capabilities: all, contextWindow: 128_000, inputPricePerMTok: '1', outputPricePerMTok: '2' });
    await post('/model-gateway/models', { providerId: oa.id, providerModelId: 'embed-test', operation: 'embeddings', dimensions: 8 });
    await post('/model-gateway/models', { providerId: an.id, providerModelId: 'claude-test', operation: 'chat', capabilities: all, contextWindow: 200_000, maxOutputTokens: 1024 });
    await post('/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'oa/gpt-test' }] });
    await post('/model-gateway/aliases', { name: 'claude', operation: 'chat', targets: [{ model: 'an/claude-test' }] });
    await post('/model-gateway/aliases', { name: 'embed', operation: 'embeddings', targets: [{ model: 'oa/embed-test' }] });

    const builder = await keyFor('builder-bot', ['builder']);
    builderKey = builder.token;
    builderKeyId = builder.id;
    openai = openaiFor(builderKey);
    anthropic = anthropicFor(builderKey);
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all([openaiFake?.close(), anthropicFake?.close()]);
  });
  beforeEach(() => {
    openaiFake.reset();
    anthropicFake.reset();
  });

  describe('openai client', () => {
    it('chats (passed through to the OpenAI endpoint) and is accounted to its API key', async () => {
      openaiFake.script({ text: 'Hello there.', usage: { inputTokens: 11, outputTokens: 3 } });
      const completion = await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] });
      expect(completion.choices[0]?.message.content).toBe('Hello there.');
      expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
      expect(openaiFake.requests).toHaveLength(1);
      expect(openaiFake.requests[0]?.body).toMatchObject({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
      expect(openaiFake.requests[0]?.headers['authorization']).toBe('Bearer sk-fake-openai');

      // The usage writer batches; wait for the record of this call.
      let records: Array<{ apiKeyId: string | null; inputTokens: number; outcome: string }> = [];
      for (let i = 0; i < 40 && !records.length; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        records = (await api.call<{ items: typeof records }>(owner, 'GET', `/model-gateway/usage/records?apiKeyId=${builderKeyId}`)).body.items ?? [];
      }
      expect(records[0]).toMatchObject({ apiKeyId: builderKeyId, inputTokens: 11, outcome: 'success' });
    });

    it('chats with an Anthropic model (translated) with tools, round trip', async () => {
      anthropicFake.script({ toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] }, { text: 'It is sunny in Paris.' });
      const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
        { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
      ];
      const first = await openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, tool_choice: 'auto' });
      const call = first.choices[0]?.message.tool_calls?.[0];
      expect(first.choices[0]?.finish_reason).toBe('tool_calls');
      expect(call).toMatchObject({ id: 'toolu_1', type: 'function', function: { name: 'get_weather' } });
      expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ city: 'Paris' });

      const second = await openai.chat.completions.create({
        model: 'claude',
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls },
          { role: 'tool', tool_call_id: 'toolu_1', content: '{"sky":"clear"}' },
        ],
      });
      expect(second.choices[0]?.message.content).toBe('It is sunny in Paris.');
      const sent = anthropicFake.requests[1]?.body as { model: string; messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
      expect(sent.model).toBe('claude-test');
      expect(JSON.stringify(sent.messages)).toContain('"tool_use_id":"toolu_1"');
    });

    it('keeps escaped keys exactly, whatever earlier requests taught the engine’s JSON parser (nodejs/node#63785)', async () => {
      // A backslash key after `q` makes V8 misread a later `"` or newline key after `q` as `\\`.
      const sent: string[][] = [];
      for (const key of ['\\', '"', '\n', 'caf\u00e9"']) {
        anthropicFake.script({ text: 'ok' });
        const properties = { q: { type: 'string' }, [key]: { type: 'string' } };
        await openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties } } }] });
        const body = anthropicFake.requests.at(-1)?.body as { tools: Array<{ input_schema: { properties: Record<string, unknown> } }> };
        sent.push(Object.keys(body.tools[0]?.input_schema.properties ?? {}));
      }
      expect(sent).toEqual([['q', '\\'], ['q', '"'], ['q', '\n'], ['q', 'caf\u00e9"']]);
    });

    it('streams with usage, passed through and translated, ending with [DONE]', async () => {
      for (const model of ['fast', 'claude']) {
        const fake = model === 'fast' ? openaiFake : anthropicFake;
        fake.script({ text: 'one two three', usage: { inputTokens: 5, outputTokens: 3 } });
        const stream = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Count' }], stream: true, stream_options: { include_usage: true } });
        let text = '';
        let usage: OpenAI.CompletionUsage | null | undefined;
        let finish: string | null | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
          if (chunk.usage) usage = chunk.usage;
        }
        expect(text, model).toBe('one two three');
        expect(finish, model).toBe('stop');
        expect(usage, model).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });
      }
      const raw = await fetch(`${api.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${builderKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'x' }], stream: true }),
      });
      expect(raw.headers.get('content-type')).toContain('text/event-stream');
      expect((await raw.text()).trimEnd().endsWith('data: [DONE]')).toBe(true);
    });

    it('never buffers a stream, and stops the upstream call when the client leaves', async () => {
      for (const model of ['fast', 'claude']) {
        const fake = model === 'fast' ? openaiFake : anthropicFake;
        fake.script({ text: 'a b c d e', chunkDelayMs: 250 });
        const started = performance.now();
        const stream = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Go' }], stream: true });
        let firstAt = 0;
        for await (const chunk of stream) if (!firstAt && chunk.choices[0]?.delta.content) firstAt = performance.now() - started;
        const total = performance.now() - started;
        // Five deltas 250 ms apart: the first must reach the client long before the last.
        expect(total - firstAt, model).toBeGreaterThan(700);
      }

      await flushUsage();
      const before = await usageTotals();
      openaiFake.script({ text: 'one two three four five six seven eight', chunkDelayMs: 300 });
      const aborter = new AbortController();
      const response = await fetch(`${api.base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${builderKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Go' }], stream: true, user: 'leaver' }),
        signal: aborter.signal,
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      aborter.abort();
      // The call is accounted as cancelled by its client (not as an error), well before the upstream stream would have ended.
      const record = await cancelledRecord((entry) => entry.streamed && entry.alias === 'fast' && entry.latencyMs < 2000);
      expect(record).toMatchObject({ outcome: 'cancelled', errorCode: 'http.client_closed_request' });
      await flushUsage();
      const after = await usageTotals();
      expect(after.cancelled - before.cancelled).toBe(1);
      expect(after.errors).toBe(before.errors);
    });

    it('accounts a plain call whose client leaves while the provider is still answering as cancelled; a provider failure stays an error', async () => {
      await flushUsage();
      const before = await usageTotals();
      // `fast` is passed through to the OpenAI fake, `claude` translated for the Anthropic one.
      for (const model of ['fast', 'claude']) {
        const fake = model === 'fast' ? openaiFake : anthropicFake;
        fake.script({ delayMs: 3_000 });
        const aborter = new AbortController();
        const pending = fetch(`${api.base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${builderKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Think long' }] }),
          signal: aborter.signal,
        }).catch((error: unknown) => error);
        await expect.poll(() => fake.requests.length, { interval: 20 }).toBe(1);
        aborter.abort();
        expect(await pending).toBeInstanceOf(Error);
        // Cancelled when the client left, not when the provider would have answered.
        const record = await cancelledRecord((entry) => !entry.streamed && entry.alias === model);
        expect(record, model).toMatchObject({ outcome: 'cancelled', errorCode: 'http.client_closed_request' });
        expect(record?.latencyMs, model).toBeLessThan(2_500);
      }

      openaiFake.script({ error: { status: 500 } });
      const failed = await caught(openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }));
      expect((failed as OpenAiApiError).status).toBe(502);
      await flushUsage();
      const after = await usageTotals();
      expect(after.cancelled - before.cancelled).toBe(2);
      expect(after.errors - before.errors).toBe(1);
      const errors = (await api.call<{ items: Array<{ errorCode: string }> }>(owner, 'GET', `/model-gateway/usage/records?apiKeyId=${builderKeyId}&outcome=error`)).body.items;
      expect(errors.map((entry) => entry.errorCode)).toContain('model-gateway.all_routes_failed');
    });

    it('asks for structured output (json_schema) both ways', async () => {
      for (const model of ['fast', 'claude']) {
        const fake = model === 'fast' ? openaiFake : anthropicFake;
        fake.script({ json: { answer: 42 } });
        const completion = await openai.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'The answer?' }],
          response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false } } },
        });
        expect(JSON.parse(completion.choices[0]?.message.content ?? 'null'), model).toEqual({ answer: 42 });
      }
      expect(openaiFake.requests[0]?.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer' } });
    });

    it('sends images in content parts', async () => {
      anthropicFake.script({ text: 'A red pixel.' });
      const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
      const completion = await openai.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: pixel } }] }],
      });
      expect(completion.choices[0]?.message.content).toBe('A red pixel.');
      expect(JSON.stringify(anthropicFake.requests[0]?.body.messages)).toContain('"media_type":"image/png"');
    });

    it('embeds (base64 by default, as the client asks) and lists models', async () => {
      const result = await openai.embeddings.create({ model: 'embed', input: ['alpha', 'beta'] });
      expect(result.data).toHaveLength(2);
      expect(result.data[0]?.embedding).toHaveLength(8);
      const floats = await openai.embeddings.create({ model: 'embed', input: 'alpha', encoding_format: 'float' });
      expect(floats.data[0]?.embedding.map((x) => Math.fround(x))).toEqual(result.data[0]?.embedding.map((x) => Math.fround(x)));

      const models = [];
      for await (const model of openai.models.list()) models.push(model.id);
      expect(models).toEqual(expect.arrayContaining(['fast', 'claude', 'embed', 'oa/gpt-test', 'an/claude-test']));
      expect((await openai.models.retrieve('fast')).owned_by).toBe('strata');
    });

    it('raises the typed errors: not found naming models, bad request with param, auth, permission, 502', async () => {
      const notFound = await caught(openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }));
      expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
      expect((notFound as OpenAiApiError).message).toContain('fast');
      expect((notFound as OpenAiApiError).code).toBe('model-gateway.unknown_model');

      const badMessage = await caught(openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user' } as never] }));
      expect(badMessage).toBeInstanceOf(OpenAI.BadRequestError);
      expect((badMessage as OpenAiApiError).param).toBe('messages[0].content');

      const badTool = await caught(
        openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'array' } } }] }),
      );
      expect(badTool).toBeInstanceOf(OpenAI.BadRequestError);
      expect((badTool as OpenAiApiError).param).toBe('tools[0].function.parameters.type');

      const unauthenticated = await caught(openaiFor('strata_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb').models.list());
      expect(unauthenticated).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((unauthenticated as OpenAiApiError).error).toMatchObject({ type: 'authentication_error' });

      const viewer = await keyFor('viewer-bot', ['viewer']);
      expect(await caught(openaiFor(viewer.token).chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }))).toBeInstanceOf(
        OpenAI.PermissionDeniedError,
      );

      openaiFake.script({ error: { status: 500, message: 'upstream broke' } });
      const failed = await caught(openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }));
      expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
      expect((failed as OpenAiApiError).status).toBe(502);
      expect((failed as OpenAiApiError).message).toContain('oa/gpt-test');

      openaiFake.script({ error: { status: 500, message: 'upstream broke' } });
      const failedStream = await caught(openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }], stream: true }));
      expect((failedStream as OpenAiApiError).status).toBe(502);
    });

    it('answers 429 with Retry-After when a per-key rate limit is reached', async () => {
      const limited = await keyFor('limited-bot', ['builder']);
      await post('/model-gateway/budgets', { name: 'one a minute', scope: 'api_key', scopeId: limited.id, period: 'day', requestsPerMinute: 1 });
      const client = openaiFor(limited.token);
      await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] });
      const error = await caught(client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }));
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(Number((error as OpenAiApiError).headers?.get('retry-after'))).toBeGreaterThan(0);
      expect((error as OpenAiApiError).code).toMatch(/^model-gateway\./);
    });

    it('refuses a key right after it is revoked or its service account disabled (no stale cache)', async () => {
      const bot = await keyFor('short-lived-bot', ['builder']);
      const client = openaiFor(bot.token);
      await client.models.list();
      expect((await api.call(owner, 'POST', `/governance/api-keys/${bot.id}/revoke`)).status).toBe(200);
      expect(await caught(client.models.list())).toBeInstanceOf(OpenAI.AuthenticationError);

      const other = await keyFor('disabled-bot', ['builder']);
      await openaiFor(other.token).models.list();
      expect((await api.call(owner, 'PATCH', `/governance/service-accounts/${other.serviceAccountId}`, { disabled: true })).status).toBe(200);
      expect(await caught(openaiFor(other.token).models.list())).toBeInstanceOf(OpenAI.AuthenticationError);
    });
  });

  describe('anthropic client', () => {
    it('sends messages (passed through to Anthropic, and translated to OpenAI)', async () => {
      anthropicFake.script({ text: 'Bonjour.', usage: { inputTokens: 4, outputTokens: 1 } });
      const passed = await anthropic.messages.create({ model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
      expect(passed.content).toEqual([expect.objectContaining({ type: 'text', text: 'Bonjour.' })]);
      expect(passed.usage).toMatchObject({ input_tokens: 4, output_tokens: 1 });
      expect(anthropicFake.requests[0]?.body).toMatchObject({ model: 'claude-test', max_tokens: 64 });
      // @anthropic-ai/sdk 1.x sends its API key as a bearer token; older versions and curl use x-api-key.
      const upstream = anthropicFake.requests[0]?.headers;
      expect([upstream?.['authorization'], upstream?.['x-api-key']]).toContain(upstream?.['x-api-key'] ? 'sk-ant-fake' : 'Bearer sk-ant-fake');

      openaiFake.script({ toolCalls: [{ id: 'call_9', name: 'lookup', arguments: { q: 'x' } }] });
      const translated = await anthropic.messages.create({
        model: 'fast',
        max_tokens: 64,
        system: 'Be brief.',
        tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'Look it up' }],
      });
      expect(translated.stop_reason).toBe('tool_use');
      expect(translated.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'lookup', input: { q: 'x' } }]);
      expect(openaiFake.requests[0]?.body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    });

    it('accepts the key in x-api-key, as Anthropic documents for plain HTTP', async () => {
      anthropicFake.script({ text: 'Hi.' });
      const call = (key: string) =>
        fetch(`${api.base}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }),
        });
      const ok = await call(builderKey);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'Hi.' }] });
      const refused = await call('strata_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    });

    it('streams messages both ways', async () => {
      for (const model of ['claude', 'fast']) {
        const fake = model === 'claude' ? anthropicFake : openaiFake;
        fake.script({ text: 'one two three', usage: { inputTokens: 6, outputTokens: 3 } });
        const stream = anthropic.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Count' }] });
        const deltas: string[] = [];
        stream.on('text', (text) => deltas.push(text));
        const message = await stream.finalMessage();
        expect(deltas.join(''), model).toBe('one two three');
        expect(message.content, model).toEqual([expect.objectContaining({ type: 'text', text: 'one two three' })]);
        expect(message.stop_reason, model).toBe('end_turn');
        expect(message.usage, model).toMatchObject({ output_tokens: 3 });
      }
    });

    it('raises the typed errors in Anthropic’s envelope', async () => {
      const notFound = await caught(anthropic.messages.create({ model: 'nope', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }));
      expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
      expect((notFound as AnthropicApiError).error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('claude') } });

      const bad = await caught(anthropic.messages.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] } as never));
      expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
      expect((bad as AnthropicApiError).message).toContain('max_tokens');

      const unauthenticated = await caught(anthropicFor('not-a-key').messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }));
      expect(unauthenticated).toBeInstanceOf(Anthropic.AuthenticationError);

      anthropicFake.script({ error: { status: 500 } });
      const failed = await caught(anthropic.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }));
      expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
      expect((failed as AnthropicApiError).status).toBe(502);
    });
  });
});
