import { createHash, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { toBase64Url } from '../runtime.ts';

/** Bytes of randomness at the front of every step-up challenge. */
export const CHALLENGE_RANDOM_BYTES = 32;

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of an action's custom attributes: the same
 * attributes give the same hash whatever the order of their keys or the spelling of their numbers.
 *
 * @example
 * attributesHash({ amount: 7500, recipient: 'ACME' }) === attributesHash({ recipient: 'ACME', amount: 7.5e3 })
 */
export function attributesHash(custom: Record<string, unknown>): string {
  const canonical = canonicalize(custom) ?? '{}';
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * A step-up challenge: 32 random bytes, followed, where the action was tracked with custom
 * attributes, by the 32-byte SHA-256 of their canonical JSON. The authenticator signs
 * clientDataJSON, which carries the challenge, so a verified assertion proves the user approved an
 * action with exactly those attributes.
 *
 * @example
 * const challenge = stepUpChallenge(runtime.randomBytes(32), action.attributesHash);
 */
export function stepUpChallenge(random: Uint8Array, hashHex: string | null): string {
  const parts = [Buffer.from(random)];
  if (hashHex !== null) parts.push(Buffer.from(hashHex, 'hex'));
  return toBase64Url(Buffer.concat(parts));
}

/**
 * Whether a challenge commits to these attributes: its tail equals the hash of their canonical
 * form now, or, for an action tracked without attributes, it has no tail.
 */
export function challengeCommitsTo(challenge: string, hashHex: string | null): boolean {
  const bytes = Buffer.from(challenge, 'base64url');
  const tail = bytes.subarray(CHALLENGE_RANDOM_BYTES);
  if (hashHex === null) return tail.length === 0;
  const expected = Buffer.from(hashHex, 'hex');
  return tail.length === expected.length && timingSafeEqual(tail, expected);
}
