/**
 * The PRF extension (WebAuthn L3 §10.1.4) as far as the server sees it. The salts and the results
 * are the page's secrets (keys it derives for its own encryption): the server neither sends the
 * salts nor keeps the results, and learns only whether the credential has PRF enabled.
 */

/**
 * Whether a registration's client extension results say PRF is enabled. Client-reported: the
 * browser's statement, not covered by the attestation.
 *
 * @example
 * prfEnabled(response.clientExtensionResults) // true for { prf: { enabled: true } }
 */
export function prfEnabled(results: unknown): boolean {
  if (typeof results !== 'object' || results === null) return false;
  const prf = (results as { prf?: unknown }).prf;
  return typeof prf === 'object' && prf !== null && (prf as { enabled?: unknown }).enabled === true;
}

/**
 * The client extension results without any PRF output, so that a client which sends the page's
 * secrets along by mistake does not get them into a log, an error or the store. Only `enabled`
 * stays.
 *
 * @example
 * withoutPrfResults({ prf: { enabled: true, results: { first: '…' } } }) // { prf: { enabled: true } }
 */
export function withoutPrfResults<T>(results: T): T {
  if (typeof results !== 'object' || results === null || !('prf' in results)) return results;
  const { prf, ...rest } = results as { prf?: unknown } & Record<string, unknown>;
  return (prfEnabled(results) ? { ...rest, prf: { enabled: true } } : rest) as T;
}
