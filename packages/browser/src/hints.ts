import { LatchkeyError } from './latchkey-error.ts';

/**
 * WebAuthn L3 `hints`: which kind of authenticator the browser should offer first. Advice to the
 * browser's UI only; the server never relies on them.
 */
export const PASSKEY_HINTS = ['security-key', 'client-device', 'hybrid'] as const;
export type PasskeyHint = (typeof PASSKEY_HINTS)[number];

/**
 * The `hints` field of a start request, checked here so that a typo fails before any request
 * (the server checks it again).
 *
 * @example
 * hintsField(['security-key']) // { hints: ['security-key'] }
 */
export function hintsField(hints: readonly PasskeyHint[] | undefined): {
  hints?: PasskeyHint[];
} {
  if (hints === undefined) return {};
  const known = PASSKEY_HINTS as readonly string[];
  if (
    !Array.isArray(hints) ||
    hints.some((hint) => !known.includes(hint)) ||
    new Set(hints).size !== hints.length
  ) {
    throw new LatchkeyError(
      'invalid_request',
      `hints must be distinct values of ${PASSKEY_HINTS.join(', ')}`,
    );
  }
  return { hints: [...hints] };
}
