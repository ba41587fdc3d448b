import { retryAfterHeaders, type ApiFailure } from './gateway-error-status';

/** OpenAI's `error.type` for a status, as its API uses them (the official clients branch on the status). */
function openAiErrorType(failure: ApiFailure): string {
  if (failure.status === 401) return 'authentication_error';
  if (failure.status === 403) return 'permission_error';
  if (failure.status === 404) return 'not_found_error';
  if (failure.status === 429) return failure.code === 'model-gateway.budget_exceeded' ? 'insufficient_quota' : 'rate_limit_error';
  if (failure.status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Whether the official clients should retry on their own (`x-should-retry`, honoured by both SDKs). */
export function shouldRetry(failure: ApiFailure): boolean {
  if (failure.status === 429) return failure.code !== 'model-gateway.budget_exceeded' && (failure.retryAfterMs ?? 0) <= 60_000;
  return failure.status >= 500;
}

/** `{"error":{"message","type","param","code"}}` with the status and headers to send it with. */
export function toOpenAiErrorResponse(failure: ApiFailure) {
  return {
    status: failure.status,
    headers: { ...retryAfterHeaders(failure.retryAfterMs), 'x-should-retry': String(shouldRetry(failure)) },
    body: { error: { message: failure.message, type: openAiErrorType(failure), param: failure.param, code: failure.code } },
  };
}
