import type { ErrorKind } from './domain-error';

/**
 * The one place where a domain error kind becomes an HTTP status. The kernel owns it because two
 * edges render errors: the API's own exception filter and the model gateway's OpenAI/Anthropic
 * compatible /v1 routes; both must agree.
 */
export const HTTP_STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  failed_precondition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  resource_exhausted: 429,
  unavailable: 503,
  bad_gateway: 502,
  internal: 500,
};
