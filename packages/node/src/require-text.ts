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
