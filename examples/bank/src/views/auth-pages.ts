/**
 * The signed-out pages: sign in (password, passkey button, passkey autofill) and sign up.
 */
import { html } from './html.ts';
import { layout, type PasskeySettings } from './layout.ts';

function alert(kind: 'error' | 'notice', message: string | undefined) {
  if (!message) return '';
  return html`<div class="alert ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`;
}

/**
 * The sign-in page. The email field asks for `username webauthn` autofill, so a browser lists the
 * user's passkeys in it; the page script starts the conditional request on load.
 *
 * @example
 * signInPage({ passkeys, error: 'Wrong email or password.' });
 */
export function signInPage(options: {
  passkeys: PasskeySettings;
  email?: string;
  error?: string;
  notice?: string;
}) {
  return layout({
    title: 'Sign in',
    passkeys: options.passkeys,
    script: 'sign-in',
    body: html`<section class="card narrow">
  <h1>Welcome back</h1>
  <p class="muted">Sign in to your account.</p>
  ${alert('notice', options.notice)}
  ${alert('error', options.error)}
  <div id="passkey-message" class="alert error" role="alert" hidden></div>
  <form method="post" action="/sign-in" class="stack" id="password-form">
    <label>Email
      <input type="email" name="email" id="email" required autocomplete="username webauthn" value="${options.email ?? ''}" autofocus>
    </label>
    <label>Password
      <input type="password" name="password" id="password" required autocomplete="current-password">
    </label>
    <button class="button primary" type="submit">Sign in</button>
  </form>
  <div class="divider"><span>or</span></div>
  <button class="button secondary block" type="button" id="passkey-sign-in">
    <svg aria-hidden="true" viewBox="0 0 24 24" class="icon"><circle cx="9" cy="8" r="4"/><path d="M2 20c0-3.3 3.1-6 7-6 1.2 0 2.3.2 3.3.7"/><circle cx="18" cy="14" r="2.5"/><path d="M18 16.5V22m0-2h2"/></svg>
    Sign in with a passkey
  </button>
  <p class="muted center small"><a href="/recover">Lost your passkey?</a></p>
  <p class="muted center">New here? <a href="/sign-up">Open an account</a></p>
</section>`,
  });
}

/**
 * The sign-up page: email and password. A passkey is added afterwards, from the account page.
 *
 * @example
 * signUpPage({ passkeys, error: 'That email already has an account.' });
 */
export function signUpPage(options: { passkeys: PasskeySettings; email?: string; error?: string }) {
  return layout({
    title: 'Open an account',
    passkeys: options.passkeys,
    body: html`<section class="card narrow">
  <h1>Open an account</h1>
  <p class="muted">It takes a minute. New accounts start with $25,000.00 of play money.</p>
  ${alert('error', options.error)}
  <form method="post" action="/sign-up" class="stack">
    <label>Email
      <input type="email" name="email" required autocomplete="email" value="${options.email ?? ''}" autofocus>
    </label>
    <label>Password
      <input type="password" name="password" required minlength="8" autocomplete="new-password">
      <span class="hint">At least 8 characters.</span>
    </label>
    <button class="button primary" type="submit">Create account</button>
  </form>
  <p class="muted center">Already a customer? <a href="/sign-in">Sign in</a></p>
</section>`,
  });
}
