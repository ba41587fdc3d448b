import { Agent, request } from 'undici';
import { isDomainError } from '@strata/kernel';
import { ContextError } from '../context.errors';
import { TOOL_LIMITS } from './tool-limits';
import { HttpTargetBlockedError, pinnedLookup, systemResolver, vetTarget, type HostResolver, type HttpTargetPolicy } from './ssrf-guard';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SafeHttpRequest {
  url: string;
  method: HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  /** Sent as `Idempotency-Key` on every method but GET and HEAD. */
  idempotencyKey?: string;
}

export interface SafeHttpPolicy extends HttpTargetPolicy {
  methods: readonly HttpMethod[];
}

export interface SafeHttpResponse {
  status: number;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: number;
  contentType: string | null;
  /** Body as text (UTF-8), cut at the size cap. */
  body: string;
  bytes: number;
  truncated: boolean;
}

export interface SafeHttpFetcherOptions {
  resolve?: HostResolver;
  maxResponseBytes?: number;
  maxRedirects?: number;
  timeoutMs?: number;
  /**
   * Maps a vetted address to the one actually dialled. Production: the identity. Tests only, to
   * stand in for the internet with a local server (the guard has already passed the address).
   */
  dial?: (address: string) => string;
}

/** Request headers the model may not set: connection control, routing, credentials and cookies. */
const FORBIDDEN_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'authorization',
  'cookie',
  'idempotency-key',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-real-ip',
]);
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Request headers kept when a redirect leads to another origin. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'content-type']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class HttpRequestRefusedError extends HttpTargetBlockedError {}

/** The target did not answer in time, or the connection failed: the model may try again later. */
export class HttpRequestFailedError extends ContextError {
  constructor(code: 'context.http_timeout' | 'context.http_request_failed', message: string) {
    super(code, 'unavailable', message.slice(0, 2000));
  }
}

/**
 * HTTP for agents: every hop vetted by the SSRF guard and dialled at the vetted address (undici
 * Agent with a pinned `connect.lookup`), redirects followed by hand (each re-checked, at most
 * {@link TOOL_LIMITS.httpRedirectsMax}), the response cut at a size cap and marked, one deadline
 * for the whole call. undici is used rather than global fetch because fetch offers no per-request
 * lookup, which is what makes DNS rebinding impossible here.
 */
export class SafeHttpFetcher {
  private readonly resolve: HostResolver;
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly dial: ((address: string) => string) | undefined;

  constructor(options: SafeHttpFetcherOptions = {}) {
    this.resolve = options.resolve ?? systemResolver;
    this.maxResponseBytes = options.maxResponseBytes ?? TOOL_LIMITS.httpResponseBytes;
    this.maxRedirects = options.maxRedirects ?? TOOL_LIMITS.httpRedirectsMax;
    this.timeoutMs = options.timeoutMs ?? TOOL_LIMITS.httpTimeoutMs;
    this.dial = options.dial;
  }

  async fetch(input: SafeHttpRequest, policy: SafeHttpPolicy, signal?: AbortSignal): Promise<SafeHttpResponse> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let method: HttpMethod = input.method;
    let body = input.body;
    if (!policy.methods.includes(method)) throw new HttpRequestRefusedError(`method ${method} is not allowed (allowed: ${policy.methods.join(', ')})`);
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw new HttpRequestRefusedError(`a ${method} request has no body`);
    if (body !== undefined && Buffer.byteLength(body) > TOOL_LIMITS.httpRequestBodyBytes) throw new HttpRequestRefusedError(`the request body is larger than ${TOOL_LIMITS.httpRequestBodyBytes} bytes`);
    const headers = requestHeaders(input.headers ?? {});
    let url = input.url;
    for (let redirects = 0; ; redirects += 1) {
      const target = await vetTarget(url, policy, this.resolve);
      const sent: Record<string, string> = { ...headers, 'user-agent': 'strata-agent-http/1', 'accept-encoding': 'identity' };
      if (method !== 'GET' && method !== 'HEAD' && input.idempotencyKey) sent['idempotency-key'] = input.idempotencyKey;
      const agent = new Agent({ connect: { lookup: pinnedLookup(target, this.dial), timeout: Math.min(this.timeoutMs, 10_000) }, allowH2: false });
      try {
        const response = await request(target.url, { method, headers: sent, body, dispatcher: agent, signal: abort }).catch((error: unknown) => {
          if (deadline.aborted) throw new HttpRequestFailedError('context.http_timeout', `No answer from ${target.hostname} within ${this.timeoutMs} ms.`);
          if (signal?.aborted || isDomainError(error)) throw error;
          throw new HttpRequestFailedError('context.http_request_failed', `The request to ${target.hostname} failed: ${(error as Error).message}`);
        });
        const location = response.headers['location'];
        if (REDIRECT_STATUSES.has(response.statusCode) && typeof location === 'string') {
          await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          if (redirects >= this.maxRedirects) throw new HttpRequestRefusedError(`more than ${this.maxRedirects} redirects`);
          const next = new URL(location, target.url);
          // 303 always, 301/302 for POST, become GET without a body (as browsers and fetch do).
          if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
            method = method === 'HEAD' ? 'HEAD' : 'GET';
            body = undefined;
            delete headers['content-type'];
          }
          if (!policy.methods.includes(method)) throw new HttpRequestRefusedError(`the redirect needs method ${method}, which is not allowed`);
          // Headers the model set for one origin (tokens in custom headers) do not travel to another.
          if (next.origin !== target.url.origin) {
            for (const name of Object.keys(headers)) if (!CROSS_ORIGIN_HEADERS.has(name)) delete headers[name];
          }
          url = next.href;
          continue;
        }
        const { text, bytes, truncated } = await readCapped(response.body, this.maxResponseBytes).catch((error: unknown) => {
          if (deadline.aborted) throw new HttpRequestFailedError('context.http_timeout', `The response from ${target.hostname} did not complete within ${this.timeoutMs} ms.`);
          throw error;
        });
        const contentType = response.headers['content-type'];
        return {
          status: response.statusCode,
          url: target.url.href,
          redirects,
          contentType: typeof contentType === 'string' ? contentType : null,
          body: text,
          bytes,
          truncated,
        };
      } finally {
        void agent.close().catch(() => undefined);
      }
    }
  }
}

function requestHeaders(input: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) throw new HttpRequestRefusedError(`header name ${name.slice(0, 64)} is not valid`);
    if (FORBIDDEN_REQUEST_HEADERS.has(lower)) throw new HttpRequestRefusedError(`header ${lower} may not be set by a tool call`);
    if (typeof value !== 'string' || value.length > 4096 || /[\r\n\0]/.test(value)) throw new HttpRequestRefusedError(`header ${lower} has an invalid value`);
    out[lower] = value;
  }
  return out;
}

/** Reads at most `max` bytes; stops the transfer beyond that. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown }, max: number): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of body) {
    const room = max - bytes;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      bytes += Math.max(room, 0);
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, truncated };
}
