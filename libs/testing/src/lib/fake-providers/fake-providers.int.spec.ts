import { EventStreamCodec } from '@smithy/core/event-streams';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from './fake-provider-server';
import type { WireBody } from './fake-reply';
import { startFakeProvider } from './start-fake-provider';

/**
 * The fakes' own wire behaviour, through plain fetch (the adapters' suites in model-gateway drive
 * them through the official SDKs).
 */
describe('fake provider servers', () => {
  let fake: FakeProvider | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  // The fakes' answers are read loosely, as a test of wire shapes.
  const json = (response: Response): Promise<WireBody> => response.json();
  const post = (path: string, body: unknown) =>
    fetch(`${fake?.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('openai: echoes the last user message by default, with usage, and records the exchange', async () => {
    fake = await startFakeProvider('openai');
    const response = await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'ping pong' }] });
    const body = await json(response);
    expect(body.choices[0].message.content).toBe('echo: ping pong');
    expect(body.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'm' } });
    expect(fake.requests[0].response.status).toBe(200);
  });

  it('openai: SSE ends with [DONE] and carries a usage chunk only when include_usage is asked', async () => {
    fake = await startFakeProvider('openai');
    const withUsage = await (await post('/v1/chat/completions', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'a b' }] })).text();
    const lines = withUsage.split('\n\n').filter(Boolean);
    expect(lines.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(lines[lines.length - 2].slice(6))).toMatchObject({ choices: [], usage: { prompt_tokens: 2 } });
    const without = await (await post('/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'a b' }] })).text();
    expect(without).not.toContain('"usage"');
  });

  it('openai: base64 embeddings decode to the float vectors, and /v1/models lists models', async () => {
    fake = await startFakeProvider('openai');
    const floats = await json(await post('/v1/embeddings', { model: 'e', input: 'hello', dimensions: 4 }));
    const base64 = await json(await post('/v1/embeddings', { model: 'e', input: 'hello', dimensions: 4, encoding_format: 'base64' }));
    const decoded = Array.from(new Float32Array(Uint8Array.from(Buffer.from(base64.data[0].embedding, 'base64')).buffer));
    expect(decoded).toHaveLength(4);
    decoded.forEach((x, i) => expect(x).toBeCloseTo(floats.data[0].embedding[i], 5));
    const models = await json(await fetch(`${fake.url}/v1/models`));
    expect(models.data.length).toBeGreaterThan(0);
  });

  it('scripts errors in each envelope, with Retry-After', async () => {
    fake = await startFakeProvider('anthropic');
    fake.script({ retryAfter: 3 }, { error: 'overloaded' });
    const limited = await post('/v1/messages', { model: 'c', max_tokens: 5, messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await json(limited)).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'fake error 429' } });
    const overloaded = await post('/v1/messages', { model: 'c', max_tokens: 5, messages: [] });
    expect(overloaded.status).toBe(529);
    expect((await json(overloaded)).error.type).toBe('overloaded_error');
  });

  it('bedrock: converse-stream answers binary event-stream frames the AWS codec decodes', async () => {
    fake = await startFakeProvider('bedrock');
    fake.script({ chunks: ['x', 'y'] });
    const response = await post('/model/m1/converse-stream', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const codec = new EventStreamCodec(
      (b) => new TextDecoder().decode(b),
      (s) => new TextEncoder().encode(s),
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    const events: unknown[] = [];
    // Each frame starts with its total length (big-endian uint32), as the SDK's chunked reader splits them.
    for (let offset = 0; offset < bytes.length; ) {
      const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
      events.push(codec.decode(bytes.subarray(offset, offset + length)).headers[':event-type'].value);
      offset += length;
    }
    expect(events).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
  });

  it('gemini: streamGenerateContent answers SSE GenerateContentResponses', async () => {
    fake = await startFakeProvider('gemini');
    const text = await (await post('/v1beta/models/g:streamGenerateContent?alt=sse', { contents: [{ role: 'user', parts: [{ text: 'one two' }] }] })).text();
    const chunks = text.split('\r\n\r\n').filter(Boolean).map((line) => JSON.parse(line.slice(6)));
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join('')).toBe('echo: one two');
    expect(chunks.at(-1).candidates[0].finishReason).toBe('STOP');
  });

  it('delays headers, and close() cuts a hanging request', async () => {
    fake = await startFakeProvider('openai');
    fake.script({ delayMs: 200 }, { hang: true });
    const started = Date.now();
    await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const hanging = post('/v1/chat/completions', { model: 'm', messages: [] }).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fake.close();
    fake = undefined;
    expect(await hanging).toBe('cut');
  });
});
