import type { AttemptDeadline } from './attempt-deadline';
import { ProviderError, type ProviderFailure } from './provider-error';

/** What an adapter knows about a failed provider answer. `providerMessage` is read, never repeated. */
export interface ProviderErrorDetails {
  status?: number;
  /** The provider's error type (`rate_limit_error`, `ThrottlingException`, `RESOURCE_EXHAUSTED`). */
  type?: string;
  /** The provider's error code (`context_length_exceeded`). */
  code?: string | number | null;
  param?: string | null;
  /** Only used to recognise context-window overflow; it may echo the prompt, so it never reaches our message. */
  providerMessage?: string;
  headers?: HeaderSource;
  /** A provider's own retry hint when it has no header (Gemini's RetryInfo). */
  retryAfterMs?: number;
}

export type HeaderSource = Headers | Record<string, string | string[] | number | undefined> | undefined;

const contextOverflowPattern =
  /context[_ ]length|context window|maximum context|prompt is too long|input is too long|too long for requested model|input token count .* exceeds|exceeds the maximum number of tokens|too many input tokens|input length .* exceeds|reduce the length of the messages/i;

const typeFailures: Record<string, ProviderFailure> = {
  // Anthropic (also inside SSE `error` events, which carry no status)
  overloaded_error: 'server',
  api_error: 'server',
  rate_limit_error: 'rate_limited',
  authentication_error: 'auth',
  permission_error: 'auth',
  invalid_request_error: 'invalid_request',
  request_too_large: 'invalid_request',
  timeout_error: 'timeout',
  // OpenAI
  server_error: 'server',
  // Bedrock
  ThrottlingException: 'rate_limited',
  ServiceUnavailableException: 'server',
  InternalServerException: 'server',
  ModelNotReadyException: 'server',
  ModelTimeoutException: 'timeout',
  ModelStreamErrorException: 'server',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  ValidationException: 'invalid_request',
  // Gemini (google.rpc status names)
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'server',
  INTERNAL: 'server',
  DEADLINE_EXCEEDED: 'timeout',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  INVALID_ARGUMENT: 'invalid_request',
};

const descriptions: Record<ProviderFailure, string> = {
  rate_limited: 'rate limited',
  server: 'provider error',
  timeout: 'timed out',
  network: 'network error',
  context_overflow: 'context window exceeded',
  invalid_request: 'request rejected',
  auth: 'authentication failed',
  content_filter: 'blocked by the content filter',
};

function classify(details: ProviderErrorDetails): ProviderFailure {
  const { status, type } = details;
  const code = details.code === null || details.code === undefined ? undefined : String(details.code);
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') return 'context_overflow';
  if (code === 'content_filter' || code === 'content_policy_violation') return 'content_filter';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && status >= 500) return 'server';
  const byType = type ? typeFailures[type] : undefined;
  const isBadRequest = (status !== undefined && status >= 400) || byType === 'invalid_request';
  if (isBadRequest && details.providerMessage && contextOverflowPattern.test(details.providerMessage)) return 'context_overflow';
  if (byType) return byType;
  if (status === undefined) return 'server';
  return 'invalid_request';
}

/** Keeps only identifier-like provider fields (types, codes, params), which cannot carry content. */
function safeToken(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return /^[\w.:/[\]-]{1,80}$/.test(text) ? text : undefined;
}

export function providerErrorFromDetails(provider: string, details: ProviderErrorDetails): ProviderError {
  const failure = classify(details);
  const facts = [
    details.status !== undefined ? `HTTP ${details.status}` : undefined,
    safeToken(details.type),
    safeToken(details.code) ? `code ${safeToken(details.code)}` : undefined,
    safeToken(details.param) ? `param ${safeToken(details.param)}` : undefined,
  ].filter(Boolean);
  const retryAfterMs = failure === 'rate_limited' || failure === 'server' ? (retryAfterMsFromHeaders(details.headers) ?? details.retryAfterMs) : undefined;
  return new ProviderError(failure, `${provider}: ${descriptions[failure]}${facts.length ? ` (${facts.join(', ')})` : ''}`, {
    status: details.status,
    retryAfterMs,
  });
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
  return value === undefined ? undefined : String(value);
}

/** `retry-after-ms` (OpenAI, Anthropic), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMsFromHeaders(headers: HeaderSource, now = Date.now()): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Google's `"2.5s"` duration strings (RetryInfo.retryDelay). */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** Whether an error (or one of its causes) is a transport failure: refused, reset, DNS, socket closed. */
export function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.has(code)) return true;
    if (current instanceof TypeError && /fetch failed|terminated|network/i.test(current.message)) return true;
  }
  return false;
}

/**
 * The outcome of a thrown SDK error: the caller's abort is rethrown as such (not a provider
 * failure), the deadline becomes `timeout`, and everything else goes through `describe`, which
 * knows the SDK's error shape. Unrecognised errors become a generic `server` failure whose message
 * names only the error's class, never its text.
 */
export function toProviderError(
  provider: string,
  error: unknown,
  deadline: AttemptDeadline | undefined,
  describe: (error: unknown) => ProviderErrorDetails | 'network' | 'timeout' | undefined,
): unknown {
  if (error instanceof ProviderError) return error;
  if (deadline?.callerAborted) return deadline.callerAbortReason();
  if (deadline?.timedOut) return new ProviderError('timeout', `${provider}: ${descriptions.timeout} (no answer within ${deadline.timeoutMs} ms)`);
  const details = describe(error);
  if (details === 'timeout') return new ProviderError('timeout', `${provider}: ${descriptions.timeout}`);
  if (details === 'network' || (details === undefined && isNetworkError(error))) return new ProviderError('network', `${provider}: ${descriptions.network}`);
  if (details) return providerErrorFromDetails(provider, details);
  const kind = error instanceof Error ? error.constructor.name : typeof error;
  return new ProviderError('server', `${provider}: unexpected ${kind}`);
}
