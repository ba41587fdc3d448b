import { Navigate, Outlet, useLocation } from 'react-router';
import { session } from '../api/session';

/** Pages that need an API key: without one in the session, to the sign-in page, then back here. */
export function RequireSignIn() {
  const location = useLocation();
  if (session.apiKey() === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Where to go after signing in: a path inside the admin app, never another site. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return next;
}
