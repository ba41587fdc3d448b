/**
 * The error code of a call its caller gave up on (usage outcome `cancelled`): the code the /v1 API
 * answers such a request with (HTTP 499, nginx's "client closed request"), so a record and an access
 * log line say the same thing.
 */
export const CLIENT_CLOSED_REQUEST = 'http.client_closed_request';

/**
 * Whether a call that failed was cancelled by its caller: the caller's own signal (the /v1 routes
 * abort it when the client disconnects) is aborted at the time of the failure. Decided by the
 * signal, never by the error's shape: an adapter, an SDK or fetch may surface the same abort as
 * an AbortError, a ProviderError or a plain Error, while a timeout of the gateway's own attempt
 * deadline aborts only the attempt's signal and so stays an error.
 */
export function cancelledByCaller(callerSignal: AbortSignal | undefined): boolean {
  return callerSignal?.aborted === true;
}
