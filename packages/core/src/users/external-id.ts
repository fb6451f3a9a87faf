/**
 * The one rule for an app's own id of a user (flex `external_id`, actions `userId`), applied by the
 * core wherever an id comes in so that no entry point can skip it.
 *
 * Policy: an id is stored and compared exactly as sent, byte for byte, and never normalized.
 * Normalizing (NFC, case folding, trimming) would itself map two of the app's distinct ids to one
 * latchkey user. What the core refuses instead is any id that cannot be stored exactly:
 * a lone UTF-16 surrogate has no UTF-8 form, so the database would store U+FFFD in its place and
 * `x\ud800` would become `x\ufffd`, which may be another user's id. Control characters (C0, DEL,
 * C1) are refused as well: no app id needs them, and they forge lines in logs and the console.
 */
import { LatchkeyError } from '../errors.ts';

/**
 * The longest external id, in Unicode code points (what JSON Schema's `maxLength` counts). Every
 * surface's schema uses this one figure.
 */
export const EXTERNAL_ID_MAX_LENGTH = 256;

/** What can be wrong with an external id, in the order they are checked. */
export const EXTERNAL_ID_PROBLEMS = [
  'empty',
  'too_long',
  'not_well_formed',
  'control_character',
] as const;
export type ExternalIdProblem = (typeof EXTERNAL_ID_PROBLEMS)[number];

/**
 * A JSON Schema `pattern` (Unicode mode, as Ajv compiles it) matching exactly the ids without
 * lone surrogates or control characters, so the edge refuses them before the core sees them.
 */
export const EXTERNAL_ID_PATTERN = '^[^\\p{Cc}\\p{Cs}]*$';

// In Unicode mode a surrogate pair is one code point, so \p{Cs} matches only a lone surrogate.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

const MESSAGES: Record<ExternalIdProblem, string> = {
  empty: 'must not be empty',
  too_long: `must be at most ${EXTERNAL_ID_MAX_LENGTH} characters`,
  not_well_formed: 'must be well-formed Unicode (it contains a lone surrogate)',
  control_character: 'must not contain control characters',
};

/**
 * What is wrong with an external id, or null when it is acceptable.
 *
 * @example
 * externalIdProblem('x\ud800'); // 'not_well_formed'
 */
export function externalIdProblem(externalId: string): ExternalIdProblem | null {
  if (externalId.length === 0) return 'empty';
  // Counted in code points, as JSON Schema counts; the cheap UTF-16 length bounds it first.
  if (externalId.length > EXTERNAL_ID_MAX_LENGTH && [...externalId].length > EXTERNAL_ID_MAX_LENGTH)
    return 'too_long';
  if (LONE_SURROGATE.test(externalId)) return 'not_well_formed';
  if (CONTROL.test(externalId)) return 'control_character';
  return null;
}

/**
 * Returns the external id unchanged, or throws `invalid_request` naming the field and the problem.
 *
 * @example
 * assertExternalId(request.body.external_id, 'external_id');
 */
export function assertExternalId(externalId: string, field = 'external id'): string {
  const problem = externalIdProblem(externalId);
  if (problem !== null) {
    throw new LatchkeyError('invalid_request', `${field} ${MESSAGES[problem]}`);
  }
  return externalId;
}
