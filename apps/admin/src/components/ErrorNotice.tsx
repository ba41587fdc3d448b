import { Link } from 'react-router';
import { ApiError } from '../api/api-client';

/** An API failure, with what to do next and the request id to quote in a bug report. */
export function ErrorNotice({ error, title }: { error: Error; title?: string }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const heading =
    title ??
    (apiError?.code === 'network'
      ? 'The API is unreachable.'
      : apiError?.status === 403
        ? 'Not allowed.'
        : apiError?.status === 401
          ? 'Your session is no longer valid.'
          : 'The API answered with an error.');
  return (
    <div className="notice notice-error" role="alert">
      <strong>{heading}</strong>
      <div>{error.message}</div>
      {apiError?.status === 403 ? <div className="muted">Your roles do not allow this. Ask an owner or admin of the tenant.</div> : null}
      {apiError?.status === 401 ? (
        <div>
          <Link to="/sign-in">Sign in again</Link> with a valid API key.
        </div>
      ) : null}
      {apiError?.requestId ? <div className="muted">Request id: {apiError.requestId}</div> : null}
    </div>
  );
}
