/**
 * Verifies a sign-in assertion: what `verifyAuthenticationResponse` of `@simplewebauthn/server`
 * checks, then the canonical-DER re-verification of {@link strictEcdsaSignature}. It accepts
 * exactly when both would.
 *
 * For ECDSA keys whose COSE `alg` matches their curve (ES256 on P-256, ES384 on P-384, ES512 on
 * P-521: every passkey in practice) it does the library's checks itself and verifies once through
 * `node:crypto` with an imported key kept in a bounded cache. The library imports the COSE key
 * through WebCrypto on every call and the strict check imports it a second time, which costs more
 * than the verification itself. Every other key goes through the library, then the strict check.
 * The two paths are compared on the same valid and forged inputs in `verify-assertion.test.ts`.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import {
  cose,
  decodeClientDataJSON,
  decodeCredentialPublicKey,
  isoBase64URL,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import { strictEcdsaSignature } from './strict-ecdsa-signature.ts';

/** What {@link verifyAssertion} checks an assertion against. */
export interface AssertionExpectations {
  response: AuthenticationResponseJSON;
  challenge: string;
  origins: string[];
  rpId: string;
  /** The credential's COSE public key, base64url, as stored. */
  publicKey: string;
  requireUserVerification: boolean;
}

/** ECDSA COSE algorithms with the curve and hash they name; a key pairing them otherwise is slow-pathed. */
const ECDSA = [
  { alg: cose.COSEALG.ES256, crv: cose.COSECRV.P256, curve: 'P-256', hash: 'sha256' },
  { alg: cose.COSEALG.ES384, crv: cose.COSECRV.P384, curve: 'P-384', hash: 'sha384' },
  { alg: cose.COSEALG.ES512, crv: cose.COSECRV.P521, curve: 'P-521', hash: 'sha512' },
] as const;

/** An imported key ready for `crypto.verify`, or `null` when the key takes the library's path. */
type CachedKey = { key: KeyObject; hash: string } | null;

/**
 * How many imported keys one process keeps. A key is derived from the stored COSE bytes alone, so
 * an entry can never be stale: revoking a credential deletes its row, and the lookup fails first.
 */
const KEY_CACHE_SIZE = 10_000;
const keyCache = new Map<string, CachedKey>();

function importKey(publicKey: string): CachedKey {
  const cached = keyCache.get(publicKey);
  if (cached !== undefined) {
    // Refresh its place so that the least recently used key is the one dropped.
    keyCache.delete(publicKey);
    keyCache.set(publicKey, cached);
    return cached;
  }
  let imported: CachedKey = null;
  try {
    const decoded = decodeCredentialPublicKey(isoBase64URL.toBuffer(publicKey));
    if (cose.isCOSEPublicKeyEC2(decoded)) {
      const alg = decoded.get(cose.COSEKEYS.alg);
      const crv = decoded.get(cose.COSEKEYS.crv);
      const x = decoded.get(cose.COSEKEYS.x);
      const y = decoded.get(cose.COSEKEYS.y);
      const known = ECDSA.find((entry) => entry.alg === alg && entry.crv === crv);
      if (known && x && y) {
        const key = createPublicKey({
          key: {
            kty: 'EC',
            crv: known.curve,
            x: Buffer.from(x).toString('base64url'),
            y: Buffer.from(y).toString('base64url'),
          },
          format: 'jwk',
        });
        imported = { key, hash: known.hash };
      }
    }
  } catch {
    // A key that does not decode or import is left to the library, which refuses it with a reason.
    imported = null;
  }
  if (keyCache.size >= KEY_CACHE_SIZE) {
    const oldest = keyCache.keys().next().value;
    if (oldest !== undefined) keyCache.delete(oldest);
  }
  keyCache.set(publicKey, imported);
  return imported;
}

const TOKEN_BINDING_STATUSES: readonly unknown[] = ['present', 'supported', 'notSupported'];

/** The library's checks, in its order, for the expectations latchkey always passes. */
function passesLibraryChecks(expected: AssertionExpectations): {
  authData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
} | null {
  const { id, rawId, type, response } = expected.response;
  if (!id || id !== rawId || type !== 'public-key' || !response) return null;
  if (typeof response.clientDataJSON !== 'string') return null;
  const clientData = decodeClientDataJSON(response.clientDataJSON);
  if (clientData.type !== 'webauthn.get') return null;
  if (clientData.challenge !== expected.challenge) return null;
  // No expected top origin is ever given, so a top origin is refused, cross-origin or not.
  if (clientData.topOrigin) return null;
  if (!expected.origins.includes(clientData.origin)) return null;
  if (!isoBase64URL.isBase64URL(response.authenticatorData)) return null;
  if (!isoBase64URL.isBase64URL(response.signature)) return null;
  if (response.userHandle && typeof response.userHandle !== 'string') return null;
  const { tokenBinding } = clientData;
  if (tokenBinding) {
    if (typeof tokenBinding !== 'object') return null;
    if (!TOKEN_BINDING_STATUSES.includes(tokenBinding.status)) return null;
  }
  const authData = isoBase64URL.toBuffer(response.authenticatorData);
  const parsed = parseAuthenticatorData(authData);
  const rpIdHash = createHash('sha256').update(expected.rpId).digest();
  if (!parsed.rpIdHash || !rpIdHash.equals(parsed.rpIdHash)) return null;
  if (!parsed.flags.up) return null;
  if (expected.requireUserVerification && !parsed.flags.uv) return null;
  return {
    authData,
    clientDataJSON: isoBase64URL.toBuffer(response.clientDataJSON),
    signature: isoBase64URL.toBuffer(response.signature),
  };
}

/** The general path: the library, then the canonical-DER check. */
async function verifyThroughLibrary(expected: AssertionExpectations): Promise<boolean> {
  const { response } = expected;
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: expected.challenge,
    expectedOrigin: expected.origins,
    expectedRPID: expected.rpId,
    // The counter is judged by the app's policy afterwards; the library would refuse every regression.
    credential: {
      id: response.id,
      publicKey: isoBase64URL.toBuffer(expected.publicKey),
      counter: 0,
    },
    requireUserVerification: expected.requireUserVerification,
  });
  if (!result.verified) return false;
  const canonical = strictEcdsaSignature({
    publicKey: isoBase64URL.toBuffer(expected.publicKey),
    authenticatorData: isoBase64URL.toBuffer(response.response.authenticatorData),
    clientDataJSON: isoBase64URL.toBuffer(response.response.clientDataJSON),
    signature: isoBase64URL.toBuffer(response.response.signature),
  });
  return canonical !== false;
}

/**
 * Whether the assertion verifies: client data, authenticator data, flags and a canonical signature
 * by the credential's key. Throws where the library throws (malformed input); both mean refusal.
 *
 * @example
 * if (!(await verifyAssertion({ response, challenge, origins, rpId, publicKey, requireUserVerification: true }))) refuse();
 */
export async function verifyAssertion(expected: AssertionExpectations): Promise<boolean> {
  const imported = importKey(expected.publicKey);
  if (imported === null) return verifyThroughLibrary(expected);
  const signed = passesLibraryChecks(expected);
  if (signed === null) return false;
  const clientDataHash = createHash('sha256').update(signed.clientDataJSON).digest();
  const data = Buffer.concat([signed.authData, clientDataHash]);
  try {
    // OpenSSL accepts only the canonical DER encoding, as the strict check requires.
    return verify(imported.hash, data, { key: imported.key, dsaEncoding: 'der' }, signed.signature);
  } catch {
    return false;
  }
}
