/** The guard every method runs on its arguments before anything is sent. */
import { PassageError } from './errors.ts';

/**
 * Returns `value` when it is a non-empty string; otherwise throws `PassageError` with errorCode
 * `invalid_argument`. An empty external id must never reach `users?identifier=`, where it would
 * mean "any user".
 *
 * @example
 * const externalId = requireText(input, 'externalId');
 */
export function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PassageError({
      errorCode: 'invalid_argument',
      message: `${name} is required and must be a non-empty string`,
    });
  }
  return value;
}

/**
 * The longest external id latchkey accepts, in Unicode code points: the server's own limit, copied
 * here (this package depends on nothing) and checked against the server's by a test.
 */
export const EXTERNAL_ID_MAX_LENGTH = 256;

// In Unicode mode a surrogate pair is one code point, so \p{Cs} matches only a lone surrogate.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

/**
 * Returns `value` when latchkey would accept it as an external id: a non-empty string of at most
 * {@link EXTERNAL_ID_MAX_LENGTH} code points of well-formed Unicode without control characters.
 * Otherwise throws `PassageError` with errorCode `invalid_argument`, before anything is sent: a lone
 * surrogate cannot be encoded as UTF-8, and JSON.stringify would send it as an escape the server
 * refuses (or an encoder would silently replace it with U+FFFD, which is another id).
 *
 * @example
 * const externalId = requireExternalId(input, 'externalId');
 */
export function requireExternalId(value: unknown, name: string): string {
  const text = requireText(value, name);
  const problem =
    text.length > EXTERNAL_ID_MAX_LENGTH && [...text].length > EXTERNAL_ID_MAX_LENGTH
      ? `must be at most ${EXTERNAL_ID_MAX_LENGTH} characters`
      : LONE_SURROGATE.test(text)
        ? 'must be well-formed Unicode (it contains a lone surrogate)'
        : CONTROL.test(text)
          ? 'must not contain control characters'
          : null;
  if (problem !== null) {
    throw new PassageError({ errorCode: 'invalid_argument', message: `${name} ${problem}` });
  }
  return text;
}
