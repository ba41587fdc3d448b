import { useCallback, useEffect, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { ApiError } from '../api/api-client';
import { governanceApi, type WhoAmI } from '../api/governance';
import { session } from '../api/session';
import { MeProvider } from '../app/me-context';
import { navigationSections } from '../app/navigation';
import { STRATA_VERSION } from '../app/version';

/** Layout of every signed-in page: header, sidebar navigation, content. */
export function Shell() {
  const navigate = useNavigate();
  const signedIn = session.apiKey() !== null;
  const [me, setMe] = useState<WhoAmI>();

  const loadMe = useCallback(() => {
    if (!signedIn) return;
    governanceApi.me().then(setMe, (error: unknown) => {
      // A key revoked or expired since sign-in: back to the sign-in page. (Other failures, such
      // as the API being down, are shown by the page itself; the key stays.)
      if (error instanceof ApiError && error.status === 401) {
        session.signOut();
        navigate('/sign-in');
      }
    });
  }, [signedIn, navigate]);

  useEffect(loadMe, [loadMe]);

  return (
    <div className="shell">
      <header className="shell-header">
        <a className="brand" href="/admin/">
          <span className="brand-mark" aria-hidden="true" />
          Strata
        </a>
        <span className="version" data-testid="shell-version">
          v{STRATA_VERSION}
        </span>
        <div className="header-actions">
          {me ? (
            <span className="whoami" data-testid="whoami">
              {me.tenant.name} · {me.actor.type === 'service_account' ? 'service account' : 'user'} ({me.actor.roles.join(', ')})
            </span>
          ) : null}
          <a href="/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
          {signedIn ? (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                session.signOut();
                navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          ) : (
            <NavLink to="/sign-in">Sign in</NavLink>
          )}
        </div>
      </header>
      <nav className="shell-nav" aria-label="Main">
        {navigationSections().map(([section, items]) => (
          <div key={section} className="nav-section">
            <div className="nav-section-title">{section}</div>
            {items.map((item) => (
              <NavLink key={item.path} to={item.path} end={item.path === '/'} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                {item.label}
              </NavLink>
            ))}
          </div>
        ))}
      </nav>
      <main className="shell-main">
        <MeProvider me={me} refresh={loadMe}>
          <Outlet />
        </MeProvider>
      </main>
    </div>
  );
}
