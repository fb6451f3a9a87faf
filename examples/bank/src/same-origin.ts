/**
 * Cross-site request forgery defence, in two layers: the session cookie is SameSite=Lax (a
 * cross-site POST carries no cookie), and every state-changing request must say it comes from the
 * bank's own origin. Browsers send `Origin` on every POST, form or fetch; where a privacy setting
 * strips it, `Referer` is used; a request with neither is refused.
 */

/** Methods that never change state and so need no check. */
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/**
 * Whether a request may change state: safe methods always; others only from `origin`.
 *
 * @example
 * isSameOriginRequest({ method: 'POST', origin: 'http://localhost:3000' }, 'http://localhost:3000'); // true
 */
export function isSameOriginRequest(
  request: { method: string; origin?: string | undefined; referer?: string | undefined },
  origin: string,
): boolean {
  if ((SAFE_METHODS as readonly string[]).includes(request.method)) return true;
  if (request.origin !== undefined) return request.origin === origin;
  if (request.referer === undefined) return false;
  try {
    return new URL(request.referer).origin === origin;
  } catch {
    return false;
  }
}
