import { HINTS } from '@latchkey/core';
import { Type } from '@sinclair/typebox';

/**
 * WebAuthn L3 `hints` at the edge: a list of the closed vocabulary, no repeats, in order of
 * preference. One schema for every surface, so that the routes and the OpenAPI document agree.
 *
 * @example
 * const Body = Type.Object({ hints: Type.Optional(hintsSchema()) });
 */
export function hintsSchema() {
  return Type.Array(Type.Union(HINTS.map((hint) => Type.Literal(hint))), {
    maxItems: HINTS.length,
    uniqueItems: true,
    description:
      'WebAuthn hints (security-key, client-device, hybrid), most preferred first: advice to the browser only',
  });
}
