import { NavLink, Outlet, useNavigate } from 'react-router';
import { session } from '../api/session';
import { navigationSections } from '../app/navigation';
import { STRATA_VERSION } from '../app/version';

/** Layout of every signed-in page: header, sidebar navigation, content. */
export function Shell() {
  const navigate = useNavigate();
  const signedIn = session.apiKey() !== null;

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
              <NavLink key={item.path} to={item.path} end className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                {item.label}
              </NavLink>
            ))}
          </div>
        ))}
      </nav>
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
