/**
 * Admin API paths as the console builds them. Parts of a path come from the URL fragment (an app
 * id, a user id, an action code), which anyone can put in a link they send an operator: each part
 * is one path segment, percent-encoded, so `x/../../keys` or `x?y` cannot reach another route.
 */

/** A segment the URL parser would resolve (`.`, `..`, `%2e%2e`) rather than send as it is. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** A path segment that cannot be encoded to mean only itself. */
export class UnsafePathSegmentError extends Error {
  override readonly name = 'UnsafePathSegmentError';
}

/** Whether a string can be one path segment of {@link apiPath}. */
export function isPathSegment(segment: string): boolean {
  return segment !== '' && !DOT_SEGMENT.test(segment);
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * `/seg/seg…` with every segment percent-encoded, and an optional query. An empty, `.` or `..`
 * segment is refused: encoding cannot stop the URL parser from resolving a dot segment, and no
 * id latchkey issues is one.
 *
 * @example
 * apiPath(['apps', appId, 'users', userId]); // '/apps/a1/users/u%2F..'
 */
export function apiPath(
  segments: readonly string[],
  params: Record<string, string | number | undefined | null> = {},
): string {
  for (const segment of segments) {
    if (!isPathSegment(segment)) {
      throw new UnsafePathSegmentError(`not a path segment: ${JSON.stringify(segment)}`);
    }
  }
  return `/${segments.map(encodeURIComponent).join('/')}${query(params)}`;
}
