import type { KeyObject } from 'node:crypto';
import { cose, isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import type { Bytes } from './bytes.ts';
import { type AlgorithmName, COSE_ALGORITHM_IDS } from './keys.ts';

/**
 * Encodes a public key as a CBOR COSE_Key map, as it appears in the attested credential data.
 * `claimedAlgorithm` lets a test announce a different `alg` than the key really uses, so a
 * server's algorithm policy can be exercised without a real key of that kind.
 *
 * @example
 * const coseKey = encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' });
 */
export function encodeCOSEPublicKey(options: {
  publicKey: KeyObject;
  algorithm: AlgorithmName;
  claimedAlgorithm?: number;
}): Bytes {
  const { publicKey, algorithm } = options;
  const alg = options.claimedAlgorithm ?? COSE_ALGORITHM_IDS[algorithm];
  const jwk = publicKey.export({ format: 'jwk' });
  const bytes = (value: string | undefined, name: string): Uint8Array => {
    if (value === undefined) throw new TypeError(`Public key JWK has no "${name}"`);
    return isoBase64URL.toBuffer(value);
  };
  // Integer keys in insertion order kty, alg, then the type-specific parameters, which is the
  // canonical order real authenticators emit.
  const map = new Map<number, number | Uint8Array>();
  switch (algorithm) {
    case 'ES256':
      map.set(cose.COSEKEYS.kty, cose.COSEKTY.EC2);
      map.set(cose.COSEKEYS.alg, alg);
      map.set(cose.COSEKEYS.crv, cose.COSECRV.P256);
      map.set(cose.COSEKEYS.x, bytes(jwk.x, 'x'));
      map.set(cose.COSEKEYS.y, bytes(jwk.y, 'y'));
      break;
    case 'EdDSA':
      map.set(cose.COSEKEYS.kty, cose.COSEKTY.OKP);
      map.set(cose.COSEKEYS.alg, alg);
      map.set(cose.COSEKEYS.crv, cose.COSECRV.ED25519);
      map.set(cose.COSEKEYS.x, bytes(jwk.x, 'x'));
      break;
    case 'RS256':
      map.set(cose.COSEKEYS.kty, cose.COSEKTY.RSA);
      map.set(cose.COSEKEYS.alg, alg);
      map.set(cose.COSEKEYS.n, bytes(jwk.n, 'n'));
      map.set(cose.COSEKEYS.e, bytes(jwk.e, 'e'));
      break;
  }
  return isoCBOR.encode(map);
}
