import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/provider-error';
import { CircuitOpenError, EndpointResilience, type ResilienceOptions } from './endpoint-resilience';

const options: ResilienceOptions = { retries: 2, backoffInitialMs: 10, backoffMaxMs: 1_000, breakerThreshold: 3, breakerHalfOpenMs: 150 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scripted endpoint: each call takes the next outcome (an error to throw, or a value). */
function scripted(...outcomes: Array<ProviderError | string>) {
  const calls: number[] = [];
  const fn = async () => {
    calls.push(performance.now());
    const next = outcomes.shift() ?? 'ok';
    if (next instanceof ProviderError) throw next;
    return next;
  };
  return { fn, calls };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('EndpointResilience', () => {
  it('retries 429, 5xx, timeouts and network errors with backoff, then succeeds', async () => {
    const resilience = new EndpointResilience(options);
    const endpoint = scripted(new ProviderError('server', '502', { status: 502 }), new ProviderError('network', 'reset'), 'answer');
    await expect(resilience.run('e1', 1_000, undefined, endpoint.fn)).resolves.toBe('answer');
    expect(endpoint.calls).toHaveLength(3);
  });

  it('honours Retry-After (waits exactly that long) and does not retry a longer one than the cap', async () => {
    const resilience = new EndpointResilience(options);
    const honoured = scripted(new ProviderError('rate_limited', '429', { status: 429, retryAfterMs: 300 }), 'answer');
    await expect(resilience.run('e2', 1_000, undefined, honoured.fn)).resolves.toBe('answer');
    expect(honoured.calls[1] - honoured.calls[0]).toBeGreaterThanOrEqual(290);

    const tooLong = scripted(new ProviderError('rate_limited', '429', { status: 429, retryAfterMs: 60_000 }), 'answer');
    const error = await failure(resilience.run('e3', 1_000, undefined, tooLong.fn));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryAfterMs).toBe(60_000);
    expect(tooLong.calls).toHaveLength(1);
  });

  it('gives up at once on failures another attempt cannot fix', async () => {
    const resilience = new EndpointResilience(options);
    for (const failure of ['invalid_request', 'auth', 'content_filter', 'context_overflow'] as const) {
      const endpoint = scripted(new ProviderError(failure, failure));
      await expect(resilience.run(`e-${failure}`, 1_000, undefined, endpoint.fn)).rejects.toMatchObject({ failure });
      expect(endpoint.calls).toHaveLength(1);
    }
  });

  it('bounds each attempt with the timeout (as a retryable timeout failure)', async () => {
    const resilience = new EndpointResilience({ ...options, retries: 1 });
    let calls = 0;
    const started = performance.now();
    const error = await failure(
      resilience.run('e4', 100, undefined, (signal) => {
        calls++;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }),
    );
    expect(error).toMatchObject({ failure: 'timeout' });
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('opens the circuit after consecutive failures, skips the endpoint, then lets one probe through (half-open)', async () => {
    const resilience = new EndpointResilience({ ...options, retries: 0 });
    const down = scripted(...Array.from({ length: 3 }, () => new ProviderError('server', '500', { status: 500 })));
    for (let i = 0; i < 3; i++) await failure(resilience.run('e5', 1_000, undefined, down.fn));
    expect(resilience.circuitState('e5')).toBe('open');
    // Open: not called at all.
    const skipped = scripted('never');
    expect(await failure(resilience.run('e5', 1_000, undefined, skipped.fn))).toBeInstanceOf(CircuitOpenError);
    expect(skipped.calls).toHaveLength(0);
    // Other endpoints are unaffected.
    await expect(resilience.run('e6', 1_000, undefined, scripted('fine').fn)).resolves.toBe('fine');

    await sleep(170);
    // Half-open: a failing probe re-opens it…
    const probe = scripted(new ProviderError('server', 'still down', { status: 503 }));
    expect(await failure(resilience.run('e5', 1_000, undefined, probe.fn))).toMatchObject({ failure: 'server' });
    expect(probe.calls).toHaveLength(1);
    expect(resilience.circuitState('e5')).toBe('open');
    expect(await failure(resilience.run('e5', 1_000, undefined, scripted('never').fn))).toBeInstanceOf(CircuitOpenError);

    await sleep(170);
    // …a succeeding probe closes it.
    await expect(resilience.run('e5', 1_000, undefined, scripted('back').fn)).resolves.toBe('back');
    expect(resilience.circuitState('e5')).toBe('closed');
  });

  it('does not count request-specific failures (invalid request) towards the breaker', async () => {
    const resilience = new EndpointResilience({ ...options, retries: 0 });
    for (let i = 0; i < 5; i++) await failure(resilience.run('e7', 1_000, undefined, scripted(new ProviderError('invalid_request', 'bad')).fn));
    expect(resilience.circuitState('e7')).toBe('closed');
  });

  it('stops on the caller\'s abort without retrying or blaming the endpoint', async () => {
    const resilience = new EndpointResilience(options);
    const controller = new AbortController();
    let calls = 0;
    const pending = resilience.run('e8', 5_000, controller.signal, (signal) => {
      calls++;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new ProviderError('network', 'aborted'))));
    });
    setTimeout(() => controller.abort(), 20);
    const error = await failure(pending);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(calls).toBe(1);
    expect(resilience.circuitState('e8')).toBe('closed');
  });
});
