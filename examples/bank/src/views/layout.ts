/**
 * The frame every page shares: head, brand bar, and the settings the page scripts read.
 */
import type { User } from '../bank-store.ts';
import { type Html, html } from './html.ts';

/** What the browser code needs to reach latchkey: read from `<meta>` tags by the page scripts. */
export interface PasskeySettings {
  appId: string;
  latchkeyUrl: string;
}

/**
 * A whole page.
 *
 * @example
 * layout({ title: 'Sign in', body: html`…`, script: 'sign-in', passkeys });
 */
export function layout(options: {
  title: string;
  body: Html;
  passkeys: PasskeySettings;
  user?: User | null;
  script?: 'sign-in' | 'account' | 'recover';
}): Html {
  const { user } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Latchkey Bank</title>
<meta name="latchkey-app-id" content="${options.passkeys.appId}">
<meta name="latchkey-url" content="${options.passkeys.latchkeyUrl}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/bank.css">
${options.script ? html`<script type="module" src="/assets/${options.script}.js"></script>` : ''}
</head>
<body>
<header class="topbar">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">L</span>Latchkey Bank</a>
  ${
    user
      ? html`<div class="topbar-user">
    <span class="muted">${user.email}</span>
    <form method="post" action="/sign-out"><button class="button ghost small" type="submit">Sign out</button></form>
  </div>`
      : ''
  }
</header>
<main>
${options.body}
</main>
<footer class="footer">A demo of passkeys with latchkey. No real money moves.</footer>
</body>
</html>`;
}
