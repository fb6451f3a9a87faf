/**
 * The bank opened at an address other than its origin (`http://127.0.0.1:3000` for
 * `http://localhost:3000`): passkeys are bound to the origin's host and latchkey allows only that
 * origin, so nothing passkey-related can work there. Instead of failing later with "the passkey
 * service could not be reached", every page says which URL to open.
 */
import { type Html, html } from './views/html.ts';

/** Host names that are IP addresses: a browser never creates or uses a passkey on one. */
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * What to tell someone who asked for `host`, when it is not the host of `origin`; null when it is.
 *
 * @example
 * wrongAddressAdvice('127.0.0.1:3000', 'http://localhost:3000', '/sign-in')
 * // { url: 'http://localhost:3000/sign-in', reason: 'Passkeys never work at an IP address …' }
 */
export function wrongAddressAdvice(
  host: string | undefined,
  origin: string,
  path: string,
): { url: string; reason: string } | null {
  const expected = new URL(origin);
  if (host !== undefined && host.toLowerCase() === expected.host.toLowerCase()) return null;
  const hostname = (host ?? '').replace(/:\d+$/, '');
  const reason = IP_HOST.test(hostname)
    ? `Passkeys never work at an IP address such as ${hostname}: this bank's passkeys belong to ${expected.hostname}.`
    : `This bank's passkeys belong to ${expected.hostname}, and the passkey service accepts only ${expected.origin}.`;
  return { url: new URL(path, expected).href, reason };
}

/**
 * The page shown instead: the reason and the exact URL to open, as a link.
 *
 * @example
 * reply.code(421).type('text/html; charset=utf-8').send(wrongAddressPage(advice).value);
 */
export function wrongAddressPage(advice: { url: string; reason: string }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Open the bank at ${advice.url} · Latchkey Bank</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/bank.css">
</head>
<body>
<main>
<section class="card">
<h1>Open <a id="bank-url" href="${advice.url}">${advice.url}</a></h1>
<p>${advice.reason}</p>
<p>Open <a href="${advice.url}">${advice.url}</a> instead; everything works there.</p>
</section>
</main>
</body>
</html>`;
}
