import { ApiError } from '../api/api-client';

/** An API failure, with what to do next and the request id to quote in a bug report. */
export function ErrorNotice({ error }: { error: Error }) {
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{apiError?.code === 'network' ? 'The API is unreachable.' : 'The API answered with an error.'}</strong>
      <div>{error.message}</div>
      {apiError?.requestId ? <div className="muted">Request id: {apiError.requestId}</div> : null}
    </div>
  );
}
