/**
 * Shared fixture of the provider adapters' int specs: each adapter runs against its fake server
 * (real wire format over HTTP), and the behaviours all adapters promise alike (stream faults,
 * secret hygiene, error mapping) are written once here and registered by each spec.
 */
import { inspect } from 'node:util';
import { startFakeProvider, type FakeProvider, type FakeProviderKind, type FakeReply } from '@strata/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ChatStreamEvent, ModelProvider, ProviderEndpointConfig } from '../model-provider';
import { ProviderError, type ProviderFailure } from '../provider-error';
import { createModelProvider } from '../provider-factory';

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

export async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The ProviderError a call rejects with (fails the test if it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

export function passthrough(provider: ModelProvider): NonNullable<ModelProvider['passthrough']> {
  if (!provider.passthrough) throw new Error('this adapter has no passthrough');
  return provider.passthrough.bind(provider);
}

/** One suite's fake server, the adapter's config pointing at it, and the adapter; valid inside tests. */
export interface FakeProviderEndpoint {
  readonly fake: FakeProvider;
  readonly config: ProviderEndpointConfig;
  readonly provider: ModelProvider;
}

/**
 * Call inside a `describe`: starts the fake server once for the suite, builds the adapter from
 * `configFor(fake.url)`, resets the fake's script before each test and closes it afterwards.
 */
export function useFakeProviderEndpoint(kind: FakeProviderKind, configFor: (fakeUrl: string) => ProviderEndpointConfig): FakeProviderEndpoint {
  let state: FakeProviderEndpoint | undefined;
  beforeAll(async () => {
    const fake = await startFakeProvider(kind);
    const config = configFor(fake.url);
    state = { fake, config, provider: createModelProvider(config) };
  });
  afterAll(() => state?.fake.close());
  beforeEach(() => state?.fake.reset());
  const current = (): FakeProviderEndpoint => {
    if (!state) throw new Error('the fake provider endpoint is only available inside a test');
    return state;
  };
  return {
    get fake() {
      return current().fake;
    },
    get config() {
      return current().config;
    },
    get provider() {
      return current().provider;
    },
  };
}

/** Maps each scripted error reply to the failure the adapter must classify it as. */
export function itMapsProviderErrors(endpoint: FakeProviderEndpoint, model: string, cases: ReadonlyArray<readonly [NonNullable<FakeReply['error']>, ProviderFailure]>): void {
  it.each(cases)('maps error %j to %s', async (error, expected) => {
    endpoint.fake.script({ error });
    const thrown = await failure(endpoint.provider.chat({ model, messages: [{ role: 'user', content: 'x' }] }));
    expect(thrown.failure).toBe(expected);
  });
}

/**
 * A connection reset mid-stream is a network failure, raised after the events already given and
 * without a finish. `cutAfterChunks` counts the wire chunks before the reset (dialects differ in how
 * many precede the first text).
 */
export function itReportsADroppedStreamAsNetworkFailure(endpoint: FakeProviderEndpoint, model: string, cutAfterChunks: number): void {
  it('reports a connection dropped mid-stream as a network failure, after the events already given and without a finish', async () => {
    // paced, so the client reads the chunks before the reset (a TCP reset drops unread data)
    endpoint.fake.script({ chunks: ['a ', 'b ', 'c ', 'd'], cutAfterChunks, chunkDelayMs: 40 });
    const events: ChatStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of endpoint.provider.streamChat({ model, messages: [{ role: 'user', content: 'x' }] })) events.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).failure).toBe('network');
    expect(events.some((e) => e.type === 'text-delta')).toBe(true);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });
}

export function itTimesOutAStalledStream(endpoint: FakeProviderEndpoint, model: string): void {
  it('times out a stream that stalls between chunks', async () => {
    const quick = createModelProvider({ ...endpoint.config, timeoutMs: 300 });
    endpoint.fake.script({ chunks: ['a', 'b'], chunkDelayMs: 900 });
    const thrown = await failure(collect(quick.streamChat({ model, messages: [{ role: 'user', content: 'x' }] })));
    expect(thrown.failure).toBe('timeout');
  });
}

/**
 * The provider echoes the secret and the prompt in its error body; neither may reach the error's
 * message, stack, JSON or inspected form (they end up in logs and traces).
 */
export function itKeepsSecretsOutOfErrors(
  endpoint: FakeProviderEndpoint,
  scenario: { title: string; model: string; secret: string; prompt: string; status: number; message: (prompt: string) => string },
): void {
  it(scenario.title, async () => {
    endpoint.fake.script({ error: { status: scenario.status, message: scenario.message(scenario.prompt) } });
    const thrown = await failure(endpoint.provider.chat({ model: scenario.model, messages: [{ role: 'user', content: scenario.prompt }] }));
    for (const text of [thrown.message, thrown.stack ?? '', JSON.stringify(thrown), String(thrown), inspect(thrown, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(scenario.secret);
      expect(text).not.toContain(scenario.prompt);
    }
  });
}
