import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { encodeCOSEPublicKey } from './cose-key.ts';
import { type AlgorithmName, algorithmOfKey, COSE_ALGORITHM_IDS } from './keys.ts';

/** A credential held by a {@link SoftwareAuthenticator}. */
export interface StoredCredential {
  /** Credential id, base64url. */
  id: string;
  rpId: string;
  /** `user.id` from the creation options, base64url. */
  userHandle: string;
  userName?: string;
  signCount: number;
  algorithm: AlgorithmName;
  /** COSE algorithm identifier of the real key. */
  coseAlgorithm: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** CBOR COSE_Key of the real key, as a server stores it. */
  cosePublicKey: Uint8Array;
  transports: string[];
}

/** JSON-safe form of a stored credential, for moving or cloning it between authenticators. */
export interface ExportedCredential {
  id: string;
  rpId: string;
  userHandle: string;
  userName?: string;
  signCount: number;
  algorithm: AlgorithmName;
  /** PKCS#8 DER private key, base64url. */
  privateKey: string;
  transports?: string[];
}

/**
 * Serializes a stored credential to plain JSON (private key as PKCS#8).
 *
 * @example
 * const json = JSON.stringify(exportStoredCredential(credential));
 */
export function exportStoredCredential(credential: StoredCredential): ExportedCredential {
  const der = credential.privateKey.export({ format: 'der', type: 'pkcs8' });
  const exported: ExportedCredential = {
    id: credential.id,
    rpId: credential.rpId,
    userHandle: credential.userHandle,
    signCount: credential.signCount,
    algorithm: credential.algorithm,
    privateKey: isoBase64URL.fromBuffer(new Uint8Array(der)),
    transports: [...credential.transports],
  };
  if (credential.userName !== undefined) exported.userName = credential.userName;
  return exported;
}

/**
 * Rebuilds a stored credential from its exported JSON, deriving the public key.
 *
 * @example
 * const credential = importStoredCredential(JSON.parse(json));
 */
export function importStoredCredential(exported: ExportedCredential): StoredCredential {
  const privateKey = createPrivateKey({
    key: Buffer.from(isoBase64URL.toBuffer(exported.privateKey)),
    format: 'der',
    type: 'pkcs8',
  });
  const algorithm = exported.algorithm ?? algorithmOfKey(privateKey);
  if (algorithmOfKey(privateKey) !== algorithm) {
    throw new TypeError(`Private key does not match algorithm ${algorithm}`);
  }
  const publicKey = createPublicKey(privateKey);
  const credential: StoredCredential = {
    id: exported.id,
    rpId: exported.rpId,
    userHandle: exported.userHandle,
    signCount: exported.signCount ?? 0,
    algorithm,
    coseAlgorithm: COSE_ALGORITHM_IDS[algorithm],
    privateKey,
    publicKey,
    cosePublicKey: encodeCOSEPublicKey({ publicKey, algorithm }),
    transports: [...(exported.transports ?? [])],
  };
  if (exported.userName !== undefined) credential.userName = exported.userName;
  return credential;
}

/** A shallow copy, so callers cannot change the authenticator's state by mutating results. */
export function copyStoredCredential(credential: StoredCredential): StoredCredential {
  return { ...credential, transports: [...credential.transports] };
}
