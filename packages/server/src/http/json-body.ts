/**
 * Request bodies are JSON whatever their Content-Type says (passage-flex-js 0.1.x sends JSON as
 * `text/plain`), and an empty body is `{}`. Nesting is bounded before parsing, so a body of ten
 * thousand `[` cannot make the parser recurse deeply.
 */

/** How deep objects and arrays may nest. WebAuthn JSON needs 4; 32 leaves room for extensions. */
export const MAX_JSON_DEPTH = 32;

/** Thrown for a body that is not acceptable JSON; surfaces turn it into their 400 shape. */
export class BodyParseError extends Error {
  override readonly name = 'BodyParseError';
}

/**
 * Whether `text` holds at most `max` opening brackets, in strings or not: then it cannot nest deeper
 * than that. Searched with `indexOf` (native), where the exact scan below walks every character in
 * JavaScript: for the bodies latchkey takes (a handful of objects) this is all that runs.
 */
function fewOpeners(text: string, max: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    if (++count > max) return false;
  }
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) {
    if (++count > max) return false;
  }
  return true;
}

function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses a request body as JSON: empty is `{}`, nesting is bounded, and only an object is a body.
 *
 * @example
 * parseJsonBody('') // {}
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  if (!fewOpeners(text, MAX_JSON_DEPTH) && exceedsDepth(text, MAX_JSON_DEPTH)) {
    throw new BodyParseError(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyParseError('body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BodyParseError('body must be a JSON object');
  }
  return value;
}
