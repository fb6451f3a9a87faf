/**
 * The schema of an app's own user id, shared by every surface so that the limit and the character
 * rule are one: the core's (`EXTERNAL_ID_MAX_LENGTH`, `EXTERNAL_ID_PATTERN`).
 */
import { EXTERNAL_ID_MAX_LENGTH, EXTERNAL_ID_PATTERN } from '@latchkey/core';
import { type TString, Type } from '@sinclair/typebox';

const DESCRIPTION = `The app's own id of the user: 1 to ${EXTERNAL_ID_MAX_LENGTH} characters of well-formed Unicode without control characters, compared exactly (never normalized)`;

/**
 * An external id field. `minLength: 0` for a filter where an empty string means "no filter".
 *
 * @example
 * const Body = Type.Object({ external_id: externalIdSchema() });
 */
export function externalIdSchema(
  options: { minLength?: number; description?: string } = {},
): TString {
  return Type.String({
    minLength: options.minLength ?? 1,
    maxLength: EXTERNAL_ID_MAX_LENGTH,
    pattern: EXTERNAL_ID_PATTERN,
    description: options.description ?? DESCRIPTION,
  });
}
