import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { session } from '../api/session';

/**
 * Sign-in with an API key. The key is kept for this tab and sent with every API call; the API
 * decides what it may do (keys are verified by governance).
 */
export function SignInPage() {
  const navigate = useNavigate();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    if (key.length < 8 || /\s/.test(key)) {
      setProblem('Paste the whole API key: it has no spaces and is longer than 8 characters.');
      return;
    }
    session.signIn(key);
    navigate('/');
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
            The first start of Strata prints an admin key once. It stays in this tab only.
          </div>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
