import type { KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { type Bytes, concatBytes } from './bytes.ts';
import { type AlgorithmName, COSE_ALGORITHM_IDS, signData } from './keys.ts';

type AttestationValue = number | Uint8Array | Uint8Array[];

/**
 * An attestation key with its certificate chain, as a security key's maker provisions it: the leaf
 * (FIDO's packed attestation certificate requirements: OU "Authenticator Attestation", CA false,
 * the id-fido-gen-ce-aaguid extension) first, up to but not including the root that the maker
 * lists in its FIDO metadata statement.
 */
export interface AttestationCertificate {
  privateKey: KeyObject;
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  algorithm: AlgorithmName;
}

/** Attestation statement formats this authenticator can produce. */
export type AttestationFormatName = 'none' | 'packed';

/**
 * Builds the CBOR attestation object `{ fmt, attStmt, authData }`. For `packed` it makes a self
 * attestation: no certificate, `alg` plus a signature by the credential key itself over
 * authData || clientDataHash, which is what most passkey providers that attest at all do.
 *
 * @example
 * const attObj = buildAttestationObject({ format: 'none', authData });
 */
export function buildAttestationObject(options: {
  format: AttestationFormatName;
  authData: Uint8Array;
  /** Needed for `packed`. */
  clientDataHash?: Uint8Array;
  privateKey?: KeyObject;
  algorithm?: AlgorithmName;
  /** The `alg` written into the statement (normally the credential's COSE alg). */
  coseAlgorithm?: number;
  /** Flip a byte of the packed signature. */
  corruptSignature?: boolean;
  /**
   * For a `packed` full (basic) attestation: the attestation key and its certificate chain (DER,
   * leaf first), written as `x5c`. Without it, `packed` is a self attestation.
   */
  certificate?: AttestationCertificate;
}): Bytes {
  const { format, authData } = options;
  const attStmt = new Map<string, AttestationValue>();
  if (format === 'packed') {
    const { clientDataHash, privateKey, algorithm, coseAlgorithm } = options;
    if (!clientDataHash || !privateKey || !algorithm || coseAlgorithm === undefined) {
      throw new TypeError('packed attestation needs clientDataHash, privateKey and algorithm');
    }
    const { certificate } = options;
    let sig = signData({
      algorithm: certificate ? certificate.algorithm : algorithm,
      privateKey: certificate ? certificate.privateKey : privateKey,
      data: concatBytes([authData, clientDataHash]),
    });
    if (options.corruptSignature) sig = corruptBytes(sig);
    attStmt.set('alg', certificate ? COSE_ALGORITHM_IDS[certificate.algorithm] : coseAlgorithm);
    attStmt.set('sig', sig);
    if (certificate)
      attStmt.set(
        'x5c',
        certificate.chain.map((der) => new Uint8Array(der)),
      );
  }
  const object = new Map<string, string | Uint8Array | Map<string, AttestationValue>>([
    ['fmt', format],
    ['attStmt', attStmt],
    ['authData', authData],
  ]);
  return isoCBOR.encode(object);
}

/**
 * Returns a copy with the last byte flipped. The last byte keeps DER structure intact (it is part
 * of ECDSA's `s`), so verifiers report a bad signature instead of a parse error.
 */
export function corruptBytes(bytes: Uint8Array): Bytes {
  const copy = new Uint8Array(bytes);
  const last = copy.length - 1;
  if (last >= 0) copy[last] = (copy[last] ?? 0) ^ 0xff;
  return copy;
}
