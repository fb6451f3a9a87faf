/**
 * Whether an imported COSE public key is one latchkey can verify with: it must decode (through
 * `@simplewebauthn/server`'s COSE decoder), name an algorithm latchkey supports, have the key type
 * and curve that algorithm needs, and import as a real public key (`node:crypto` refuses, among
 * others, an EC point that is not on its curve). Nothing from a file reaches a sign-in unchecked.
 */
import { createPublicKey, ECDH, type JsonWebKey } from 'node:crypto';
import { cose, decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { ALGORITHMS } from '../apps/policy.ts';
import type { ImportProblem } from './import-problems.ts';

const SUPPORTED: readonly number[] = Object.values(ALGORITHMS);

/** The JWK a COSE key of a supported algorithm stands for, or null when its parts do not fit. */
function toJwk(key: cose.COSEPublicKey, alg: number): JsonWebKey | null {
  const b64 = (bytes: Uint8Array | undefined) =>
    bytes ? Buffer.from(bytes).toString('base64url') : undefined;
  if (alg === cose.COSEALG.ES256 && cose.isCOSEPublicKeyEC2(key)) {
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.P256) return null;
    return {
      kty: 'EC',
      crv: 'P-256',
      x: b64(key.get(cose.COSEKEYS.x)),
      y: b64(key.get(cose.COSEKEYS.y)),
    };
  }
  if (alg === cose.COSEALG.EdDSA && cose.isCOSEPublicKeyOKP(key)) {
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.ED25519) return null;
    return { kty: 'OKP', crv: 'Ed25519', x: b64(key.get(cose.COSEKEYS.x)) };
  }
  if (alg === cose.COSEALG.RS256 && cose.isCOSEPublicKeyRSA(key)) {
    return { kty: 'RSA', n: b64(key.get(cose.COSEKEYS.n)), e: b64(key.get(cose.COSEKEYS.e)) };
  }
  return null;
}

/**
 * The COSE algorithm of a base64url COSE public key, or the problem that keeps it out.
 *
 * @example
 * const checked = checkPublicKey(passkey.publicKey);
 * if ('problem' in checked) skip(checked.problem);
 */
export function checkPublicKey(
  publicKey: string,
): { algorithm: number } | { problem: ImportProblem } {
  let key: cose.COSEPublicKey;
  try {
    if (!isoBase64URL.isBase64URL(publicKey)) return { problem: 'public_key_malformed' };
    key = decodeCredentialPublicKey(isoBase64URL.toBuffer(publicKey));
  } catch {
    return { problem: 'public_key_malformed' };
  }
  if (!(key instanceof Map)) return { problem: 'public_key_malformed' };
  const alg = key.get(cose.COSEKEYS.alg);
  if (typeof alg !== 'number') return { problem: 'public_key_malformed' };
  if (!SUPPORTED.includes(alg)) return { problem: 'algorithm_unsupported' };
  const jwk = toJwk(key, alg);
  if (jwk === null) return { problem: 'public_key_malformed' };
  try {
    if (jwk.kty === 'EC') {
      // The same on-curve check as a JWK import, several times faster: imports run by the million.
      const point = [
        Buffer.from([4]),
        Buffer.from(jwk.x ?? '', 'base64url'),
        Buffer.from(jwk.y ?? '', 'base64url'),
      ];
      if (point[1]?.length !== 32 || point[2]?.length !== 32)
        return { problem: 'public_key_malformed' };
      ECDH.convertKey(Buffer.concat(point), 'prime256v1');
    } else {
      createPublicKey({ key: jwk, format: 'jwk' });
    }
  } catch {
    return { problem: 'public_key_malformed' };
  }
  return { algorithm: alg };
}
