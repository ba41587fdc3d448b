import { useRef, useState } from 'react';

/**
 * A secret shown exactly once (a new API key): readable, copyable, with a plain warning that it
 * cannot be shown again, until the user dismisses it.
 */
export function SecretReveal({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed'>();

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // No clipboard permission (or an insecure context): select the text for a manual copy.
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <section className="secret" role="region" aria-labelledby="secret-title">
      <h3 id="secret-title">{title}</h3>
      <p className="secret-warning">
        <strong>Copy this key now. You will not see it again:</strong> Strata keeps only its hash. If it is lost, revoke it and create a new one.
      </p>
      <div className="secret-row">
        <label htmlFor="secret-value" className="visually-hidden">
          New API key
        </label>
        <input id="secret-value" ref={input} className="mono secret-value" readOnly value={secret} onFocus={(event) => event.target.select()} />
        <button type="button" className="button" onClick={copy}>
          Copy key
        </button>
      </div>
      <div role="status" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser refused the clipboard: the key is selected, copy it with Ctrl+C.' : ''}
      </div>
      <button type="button" className="button button-primary" onClick={onDone}>
        I have stored the key
      </button>
    </section>
  );
}
