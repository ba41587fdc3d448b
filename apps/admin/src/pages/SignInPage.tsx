import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/api-client';
import { governanceApi } from '../api/governance';
import { session } from '../api/session';
import { safeNext } from '../components/RequireSignIn';

/**
 * Sign-in with an API key: checked against the API (GET /governance/me) before it is kept for this
 * tab and sent with every call.
 */
export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    if (key.length < 8 || /\s/.test(key)) {
      setProblem('Paste the whole API key: it has no spaces and is longer than 8 characters.');
      return;
    }
    setChecking(true);
    try {
      await governanceApi.verifyKey(key);
      session.signIn(key);
      navigate(safeNext(params.get('next')));
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 401
          ? `This key was not accepted: ${error.message}`
          : `Could not check the key: ${(error as Error).message}`,
      );
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate>
        <h1>Sign in to Strata</h1>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'api-key-problem' : 'api-key-help'}
        />
        {problem ? (
          <div id="api-key-problem" className="field-error" role="alert">
            {problem}
          </div>
        ) : (
          <div id="api-key-help" className="muted">
            The first start of Strata prints an owner key once. It stays in this tab only.
          </div>
        )}
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
