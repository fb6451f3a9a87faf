/**
 * The page's `@latchkey/browser` client, set up from the `<meta>` tags the server rendered.
 */
import { Latchkey } from '@latchkey/browser';

/**
 * A setting the server rendered into a `<meta>` tag.
 *
 * @example
 * meta('latchkey-app-id');
 */
export function meta(name: string): string {
  const value = document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content;
  if (!value) throw new Error(`missing <meta name="${name}">`);
  return value;
}

/**
 * The latchkey client for this page.
 *
 * @example
 * const nonce = await latchkey().passkey.authenticate({});
 */
export function latchkey(): Latchkey {
  return new Latchkey(meta('latchkey-app-id'), { baseUrl: meta('latchkey-url') });
}
