import { useState } from 'preact/hooks';
import { ApiError, type Session, signIn } from '../api.ts';
import { Notice } from '../components/notice.tsx';

/** Sign in with an operator token (from `npx latchkey admin create-token`). */
export function SignIn(props: { message: string | null; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="container sign-in">
      <article>
        <header>
          <div class="brand brand-large">
            <LogoMark />
            <span>latchkey</span>
          </div>
          <p class="muted">Operator console</p>
        </header>
        {props.message && <Notice kind="info">{props.message}</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            setBusy(true);
            setError(null);
            try {
              props.onSignedIn(await signIn(token.trim()));
            } catch (e) {
              setError(
                e instanceof ApiError && e.status === 401
                  ? 'That token was not accepted. Check it, or create a new one.'
                  : String((e as Error).message),
              );
            } finally {
              setBusy(false);
            }
          }}
        >
          <label for="token">
            Operator token
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="off"
              required
              autofocus
              placeholder="lko_…"
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
            <small>
              Create one with <code>npx latchkey admin create-token</code>, or use{' '}
              <code>LATCHKEY_ADMIN_TOKEN</code>. App API keys are not accepted here.
            </small>
          </label>
          <button type="submit" aria-busy={busy}>
            Sign in
          </button>
        </form>
        <footer>
          <small class="muted">
            The token is exchanged for a session that ends after 30 idle minutes, or when this tab
            closes.
          </small>
        </footer>
      </article>
    </main>
  );
}

export function LogoMark() {
  return (
    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#1e6fd9" />
      <circle cx="13" cy="16" r="6" fill="none" stroke="#fff" stroke-width="3" />
      <path d="M19 16h9M25 16v4" stroke="#fff" stroke-width="3" stroke-linecap="round" />
    </svg>
  );
}
