/**
 * When a request is tried again, and after how long. The rule: a retry must never be able to do
 * twice what the caller asked for once.
 *
 * - GET reads; repeating it changes nothing. Retried after a network failure and after 502, 503 or
 *   504 (a gateway or an instance that is restarting).
 * - DELETE of a device: removing a removed device changes nothing either, so it is retried on the
 *   same conditions. (The request layer then reads a `device_not_found` that follows an attempt
 *   which may have acted as the device being gone: what the caller asked for.)
 * - POST creates a transaction or redeems a nonce. Once the request may have reached latchkey it
 *   is never repeated: a second transaction is harmless but a second redeem of a nonce fails and
 *   would hide the first one's success. It is retried only when the connection was refused, that
 *   is, nothing was sent.
 * - A timeout is never retried: `timeoutMs` bounds the whole request.
 */

/** What one attempt came to, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter: string | null }
  | { kind: 'failure'; connectionRefused: boolean };

/** The methods this SDK sends. */
export type Method = 'GET' | 'POST' | 'DELETE';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/**
 * Whether an attempt may be repeated without risk of doing its effect twice.
 *
 * @example
 * shouldRetry('GET', { kind: 'response', status: 503, retryAfter: null }); // true
 * shouldRetry('POST', { kind: 'response', status: 503, retryAfter: null }); // false
 * shouldRetry('POST', { kind: 'failure', connectionRefused: true }); // true: nothing was sent
 */
export function shouldRetry(method: Method, outcome: AttemptOutcome): boolean {
  const repeatable = method === 'GET' || method === 'DELETE';
  if (outcome.kind === 'failure') return repeatable || outcome.connectionRefused;
  return repeatable && RETRYABLE_STATUSES.has(outcome.status);
}

/**
 * Whether an attempt may have reached latchkey and acted. A refused connection did not; a
 * network failure mid-request or a gateway error may have.
 *
 * @example
 * mayHaveActed({ kind: 'failure', connectionRefused: false }); // true
 */
export function mayHaveActed(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'response' || !outcome.connectionRefused;
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first): exponential from 100 ms,
 * at most 2 s, with jitter so that many clients do not retry in step. A `Retry-After` in seconds
 * is honoured up to the same cap.
 *
 * @example
 * backoffDelay(0, null); // between 50 and 100
 * backoffDelay(3, '1'); // 1000
 */
export function backoffDelay(
  retry: number,
  retryAfter: string | null,
  random: () => number = Math.random,
): number {
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) {
    return Math.min(Number(retryAfter.trim()) * 1000, MAX_DELAY_MS);
  }
  const ceiling = Math.min(BASE_DELAY_MS * 2 ** retry, MAX_DELAY_MS);
  return ceiling / 2 + (random() * ceiling) / 2;
}
