import { describe, expect, it } from 'vitest';
import { AttemptDeadline } from './attempt-deadline';
import { ProviderError } from './provider-error';
import { durationToMs, providerErrorFromDetails, retryAfterMsFromHeaders, toProviderError } from './provider-error-classifier';

describe('retryAfterMsFromHeaders', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('prefers retry-after-ms, then retry-after seconds or HTTP date', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1_500);
    expect(retryAfterMsFromHeaders({ 'Retry-After': '2' }, now)).toBe(2_000);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(undefined, now)).toBeUndefined();
  });
  it('reads Google durations', () => {
    expect(durationToMs('2s')).toBe(2_000);
    expect(durationToMs('0.25s')).toBe(250);
    expect(durationToMs(3)).toBeUndefined();
  });
});

describe('providerErrorFromDetails', () => {
  it.each([
    [{ status: 429 }, 'rate_limited'],
    [{ status: 529, type: 'overloaded_error' }, 'server'],
    [{ type: 'overloaded_error' }, 'server'],
    [{ status: 502 }, 'server'],
    [{ status: 408 }, 'timeout'],
    [{ status: 401 }, 'auth'],
    [{ status: 403, type: 'AccessDeniedException' }, 'auth'],
    [{ status: 400, code: 'context_length_exceeded' }, 'context_overflow'],
    [{ status: 400, type: 'invalid_request_error', providerMessage: 'prompt is too long: 250000 tokens > 200000 maximum' }, 'context_overflow'],
    [{ status: 400, type: 'ValidationException', providerMessage: 'Input is too long for requested model.' }, 'context_overflow'],
    [{ status: 400, type: 'INVALID_ARGUMENT', providerMessage: 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).' }, 'context_overflow'],
    [{ status: 400, code: 'content_filter' }, 'content_filter'],
    [{ status: 400, providerMessage: 'Invalid value for temperature' }, 'invalid_request'],
    [{ status: 404 }, 'invalid_request'],
  ] as const)('%j → %s', (details, failure) => {
    expect(providerErrorFromDetails('p', details).failure).toBe(failure);
  });

  it('names status, type and code but never the provider message; drops non-identifier fields', () => {
    const error = providerErrorFromDetails('openai', {
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
      providerMessage: 'your prompt "secret" is too long',
    });
    expect(error.message).toBe('openai: context window exceeded (HTTP 400, invalid_request_error, code context_length_exceeded, param messages)');
    expect(providerErrorFromDetails('x', { status: 400, type: 'has spaces and "quotes"' }).message).toBe('x: request rejected (HTTP 400)');
  });

  it('keeps retryAfterMs for rate limits and overloads only', () => {
    expect(providerErrorFromDetails('p', { status: 429, headers: { 'retry-after': '3' } }).retryAfterMs).toBe(3_000);
    expect(providerErrorFromDetails('p', { status: 503, headers: { 'retry-after': '1' } }).retryAfterMs).toBe(1_000);
    expect(providerErrorFromDetails('p', { status: 400, headers: { 'retry-after': '1' } }).retryAfterMs).toBeUndefined();
  });
});

describe('toProviderError', () => {
  it('classifies deadline expiry as timeout and a caller abort as the abort itself', async () => {
    const deadline = new AttemptDeadline(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.timedOut).toBe(true);
    expect(toProviderError('p', new Error('aborted'), deadline, () => undefined)).toMatchObject({ failure: 'timeout' });

    const controller = new AbortController();
    const callerDeadline = new AttemptDeadline(10_000, controller.signal);
    controller.abort();
    const result = toProviderError('p', new Error('aborted'), callerDeadline, () => undefined);
    expect(result).not.toBeInstanceOf(ProviderError);
    expect((result as Error).name).toBe('AbortError');
    callerDeadline.dispose();
  });

  it('recognises transport failures as network, and hides the text of unknown errors', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(toProviderError('p', refused, undefined, () => undefined)).toMatchObject({ failure: 'network' });
    const unknown = toProviderError('p', new RangeError('sk-secret in text'), undefined, () => undefined) as ProviderError;
    expect(unknown.failure).toBe('server');
    expect(unknown.message).toBe('p: unexpected RangeError');
  });
});
