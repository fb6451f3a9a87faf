/**
 * The "Lost your passkey?" pages: ask for a code by email, then enter it and make a new passkey.
 * The second page also shows the demo's mailbox, since the demo sends no real email.
 */
import type { DemoEmail } from '../demo-mailbox.ts';
import { html } from './html.ts';
import { layout, type PasskeySettings } from './layout.ts';

function alert(kind: 'error' | 'notice', message: string | undefined) {
  if (!message) return '';
  return html`<div class="alert ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`;
}

const sentAt = new Intl.DateTimeFormat('en-US', { timeStyle: 'short' });

/**
 * The first step: the account's email address.
 *
 * @example
 * recoverPage({ passkeys, error: 'Enter a valid email address.' });
 */
export function recoverPage(options: {
  passkeys: PasskeySettings;
  email?: string;
  error?: string;
  notice?: string;
}) {
  return layout({
    title: 'Lost your passkey?',
    passkeys: options.passkeys,
    body: html`<section class="card narrow">
  <h1>Lost your passkey?</h1>
  <p class="muted">We will email you a code. With it you make a new passkey on this device, and
  your old passkeys stop working, wherever they are.</p>
  ${alert('notice', options.notice)}
  ${alert('error', options.error)}
  <form method="post" action="/recover" class="stack">
    <label>Email
      <input type="email" name="email" required autocomplete="username" value="${options.email ?? ''}" autofocus>
    </label>
    <button class="button primary" type="submit">Email me a code</button>
  </form>
  <p class="muted center"><a href="/sign-in">Back to sign in</a></p>
</section>`,
  });
}

function mailbox(to: string, emails: DemoEmail[]) {
  return html`<aside class="demo-mailbox" aria-labelledby="demo-mailbox-title">
  <p class="demo-mailbox-label" id="demo-mailbox-title">Demo mailbox</p>
  <p class="muted small">This demo sends no email. Here is what the bank sent to
  <strong>${to}</strong>; a real bank sends it to the address only.</p>
  ${
    emails.length === 0
      ? html`<p class="empty">Nothing arrived. The bank sends a code only to an address that has an account.</p>`
      : emails.map(
          (e) => html`<article class="demo-email">
    <header><strong>${e.subject}</strong><span class="muted small">${sentAt.format(e.sentAt)}</span></header>
    <p>${e.body}</p>
  </article>`,
        )
  }
</aside>`;
}

/**
 * The second step: the code, then the browser's passkey prompt. The page script does the rest.
 *
 * @example
 * recoverCodePage({ passkeys, email: 'ada@example.com', inbox: store.mailbox.inbox(email) });
 */
export function recoverCodePage(options: {
  passkeys: PasskeySettings;
  email: string;
  inbox: DemoEmail[];
}) {
  return layout({
    title: 'Enter your code',
    passkeys: options.passkeys,
    script: 'recover',
    body: html`<div class="recover-layout">
<section class="card narrow">
  <h1>Check your email</h1>
  <p class="muted">If <strong>${options.email}</strong> has an account here, we sent it a
  6-digit code. It works for 10 minutes.</p>
  <div id="recover-message" class="alert error" role="alert" hidden></div>
  <form class="stack" id="recover-form">
    <label>Code
      <input name="code" id="code" required inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" autofocus>
    </label>
    <button class="button primary" type="submit" id="recover-submit">Make a new passkey</button>
    <span class="hint">Your browser then asks you to create a passkey. Your old passkeys stop working once it is made.</span>
  </form>
  <p class="muted center"><a href="/recover">Ask for a new code</a></p>
</section>
${mailbox(options.email, options.inbox)}
</div>`,
  });
}
