/** The encodings other software writes binary values in, turned into latchkey's base64url. */

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * Standard base64 (with or without padding) or base64url as unpadded base64url; the value itself
 * when it is neither, so that the check that follows names it as malformed.
 *
 * @example
 * toBase64UrlText('+/8='); // '-_8'
 */
export function toBase64UrlText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (URL_SAFE.test(value)) return value;
  if (!STANDARD.test(value) || value.replace(/=+$/, '').length % 4 === 1) return value;
  return Buffer.from(value, 'base64').toString('base64url');
}
