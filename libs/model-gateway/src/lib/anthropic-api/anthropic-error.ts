import { retryAfterHeaders, type ApiFailure } from '../openai-api/gateway-error-status';
import { shouldRetry } from '../openai-api/openai-error';

/** Anthropic's `error.type` for a status, as its API documents them. */
function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 409:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * `{"type":"error","error":{"type","message"}}`. Anthropic's envelope has no field for the Strata
 * code or the failing parameter, so the code leads the message (`model-gateway.unknown_model: ...`)
 * and the parameter is in it.
 */
export function toAnthropicErrorBody(failure: ApiFailure) {
  return { type: 'error' as const, error: { type: anthropicErrorType(failure.status), message: `${failure.code}: ${failure.message}` } };
}

export function toAnthropicErrorResponse(failure: ApiFailure) {
  return {
    status: failure.status,
    headers: { ...retryAfterHeaders(failure.retryAfterMs), 'x-should-retry': String(shouldRetry(failure)) },
    body: toAnthropicErrorBody(failure),
  };
}
