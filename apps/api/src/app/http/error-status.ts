/** Codes for failures that happen before our code runs (routing, body parsing). */
export const HTTP_CODE_BY_STATUS: Record<number, string> = {
  400: 'http.bad_request',
  401: 'http.unauthenticated',
  403: 'http.forbidden',
  404: 'http.not_found',
  405: 'http.method_not_allowed',
  406: 'http.not_acceptable',
  408: 'http.request_timeout',
  409: 'http.conflict',
  413: 'http.payload_too_large',
  415: 'http.unsupported_media_type',
  429: 'http.rate_limited',
  503: 'http.unavailable',
};
