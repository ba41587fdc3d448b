import { HTTP_STATUS_BY_KIND, isDomainError } from '@strata/kernel';
import { CLIENT_CLOSED_REQUEST } from '../gateway/call-cancellation';
import { ProviderError } from '../providers/provider-error';

/** A failure of a /v1 call, reduced to what both wire formats' envelopes need. */
export interface ApiFailure {
  status: number;
  /** The stable Strata code (`model-gateway.unknown_model`, `governance.unauthenticated`...). */
  code: string;
  message: string;
  /** The failing field of the body, when the request was invalid. */
  param: string | null;
  /** For 429s: when to retry, in milliseconds. */
  retryAfterMs?: number;
  /** An unexpected failure: log it, show nothing of it. */
  internal: boolean;
}

interface HttpLikeError {
  getStatus(): number;
  message: string;
  cause?: unknown;
}

/** Errors Express's body parser raises (malformed JSON, too large) carry a `type` and a `status`. */
interface BodyParserError {
  type: string;
  status: number;
  limit?: number;
}

/**
 * Classifies anything a /v1 route can throw: the gateway's and governance's domain errors, a
 * provider error that escaped the facade, body-parser and framework errors, and the unexpected.
 */
export function toApiFailure(exception: unknown): ApiFailure {
  if (isClientAbort(exception)) {
    // Nobody is listening any more; the status only reaches the access log (nginx's 499).
    return { status: 499, code: CLIENT_CLOSED_REQUEST, message: 'The client closed the request.', param: null, internal: false };
  }
  if (isDomainError(exception)) {
    const details = exception.details ?? {};
    const param = typeof details['param'] === 'string' ? details['param'] : null;
    const retryAfterMs = typeof details['retryAfterMs'] === 'number' ? details['retryAfterMs'] : undefined;
    const status = HTTP_STATUS_BY_KIND[exception.kind] ?? 500;
    return { status, code: exception.code, message: exception.message, param, retryAfterMs, internal: status === 500 };
  }
  if (exception instanceof ProviderError) return providerFailure(exception);

  const cause = (exception as { cause?: unknown } | null)?.cause;
  const parser = (isBodyParserError(cause) ? cause : exception) as unknown;
  if (isBodyParserError(parser)) {
    if (parser.type === 'entity.parse.failed') {
      return { status: 400, code: 'http.malformed_json', message: 'The request body is not valid JSON.', param: null, internal: false };
    }
    if (parser.type === 'entity.too.large') {
      const message = `The request body is larger than the limit of ${parser.limit ?? '?'} bytes.`;
      return { status: 413, code: 'http.payload_too_large', message, param: null, internal: false };
    }
    return { status: parser.status, code: `http.status_${parser.status}`, message: 'The request body could not be read.', param: null, internal: false };
  }
  if (isHttpLike(exception)) {
    const status = exception.getStatus();
    return { status, code: `http.status_${status}`, message: exception.message, param: null, internal: status >= 500 };
  }
  return {
    status: 500,
    code: 'internal',
    message: 'An unexpected error occurred. It has been logged with the request id.',
    param: null,
    internal: true,
  };
}

/** A provider error the facade did not wrap: the provider's fault is a 502, the caller's a 400. */
function providerFailure(error: ProviderError): ApiFailure {
  switch (error.failure) {
    case 'invalid_request':
    case 'content_filter':
    case 'context_overflow':
      return { status: 400, code: `model-gateway.provider_${error.failure}`, message: error.message, param: null, internal: false };
    case 'rate_limited':
      return { status: 429, code: 'model-gateway.provider_rate_limited', message: error.message, param: null, retryAfterMs: error.retryAfterMs, internal: false };
    default:
      return { status: 502, code: `model-gateway.provider_${error.failure}`, message: error.message, param: null, internal: false };
  }
}

/** The abort our own disconnect signal raised (SseResponse.abortOnDisconnect), as it surfaces through fetch. */
function isClientAbort(value: unknown): boolean {
  const error = value as { name?: string; message?: string; cause?: { message?: string } } | null;
  if (!error || typeof error !== 'object') return false;
  return error.message === 'client disconnected' || (error.name === 'AbortError' && error.cause?.message === 'client disconnected');
}

function isBodyParserError(value: unknown): value is BodyParserError {
  return typeof value === 'object' && value !== null && typeof (value as BodyParserError).type === 'string' && typeof (value as BodyParserError).status === 'number';
}

function isHttpLike(value: unknown): value is HttpLikeError {
  return typeof value === 'object' && value !== null && typeof (value as HttpLikeError).getStatus === 'function';
}

/** Retry-After (whole seconds, at least 1) and retry-after-ms, which the official SDKs both honour. */
export function retryAfterHeaders(retryAfterMs: number | undefined): Record<string, string> {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) return {};
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'retry-after-ms': String(Math.ceil(retryAfterMs)) };
}
