import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Bytes } from './bytes.ts';

/** Signature algorithms the software authenticator can create credentials with. */
export type AlgorithmName = 'ES256' | 'EdDSA' | 'RS256';

/** COSE algorithm identifiers (IANA) for each supported algorithm. */
export const COSE_ALGORITHM_IDS: Readonly<Record<AlgorithmName, number>> = {
  ES256: -7,
  EdDSA: -8,
  RS256: -257,
};

/** A freshly generated credential key pair. */
export interface CredentialKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Maps a COSE algorithm identifier to a supported algorithm name, or `undefined` when the
 * authenticator cannot make keys for it (the browser then tries the next pubKeyCredParams entry).
 *
 * @example
 * algorithmFromCOSE(-7); // 'ES256'
 */
export function algorithmFromCOSE(alg: number): AlgorithmName | undefined {
  const entry = Object.entries(COSE_ALGORITHM_IDS).find(([, id]) => id === alg);
  return entry?.[0] as AlgorithmName | undefined;
}

/**
 * Generates a key pair for the given algorithm.
 *
 * @example
 * const { privateKey } = generateCredentialKeyPair('EdDSA');
 */
export function generateCredentialKeyPair(algorithm: AlgorithmName): CredentialKeyPair {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  }
}

/**
 * Signs `data` the way a WebAuthn authenticator does for the algorithm: ES256 gives a DER ECDSA
 * signature over SHA-256 (WebAuthn wants DER, not the raw r||s of WebCrypto), EdDSA signs the
 * message itself, RS256 is RSASSA-PKCS1-v1_5 with SHA-256.
 *
 * @example
 * const signature = signData({ algorithm: 'ES256', privateKey, data: bytes });
 */
export function signData(options: {
  algorithm: AlgorithmName;
  privateKey: KeyObject;
  data: Uint8Array;
}): Bytes {
  const { algorithm, privateKey, data } = options;
  const signature =
    algorithm === 'EdDSA'
      ? sign(null, data, privateKey)
      : sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
  return new Uint8Array(signature);
}

/** Exports a public key as SPKI DER, the form browsers give in `response.publicKey`. */
export function exportSpki(publicKey: KeyObject): Bytes {
  return new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
}

/** Infers the algorithm of an imported private key from its key type. */
export function algorithmOfKey(privateKey: KeyObject): AlgorithmName {
  switch (privateKey.asymmetricKeyType) {
    case 'ec':
      return 'ES256';
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      return 'RS256';
    default:
      throw new TypeError(`Unsupported key type: ${String(privateKey.asymmetricKeyType)}`);
  }
}
