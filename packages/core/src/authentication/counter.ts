/**
 * WebAuthn L3 §7.2 step 22: when either the stored or the received signature counter is non-zero,
 * the received one must be greater; otherwise the authenticator may have been cloned. Authenticators
 * without a counter (synced passkeys) send 0 every time, and 0 after 0 is fine.
 *
 * @example
 * isCounterRegression(10, 5) // true
 * isCounterRegression(0, 0)  // false
 */
export function isCounterRegression(stored: number, received: number): boolean {
  return (stored > 0 || received > 0) && received <= stored;
}
