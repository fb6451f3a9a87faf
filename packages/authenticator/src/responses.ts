import type { KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorAttestationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { toBase64URL } from './bytes.ts';
import { setOrDrop } from './ceremony.ts';
import { clientDataToBase64URL } from './client-data.ts';
import { exportSpki } from './keys.ts';
import { type AssertionOverrides, hasOverride, type RegistrationOverrides } from './overrides.ts';
import type { StoredCredential } from './stored-credential.ts';

/** A registration response plus a non-enumerable handle to the credential it stored. */
export type RegistrationResult = RegistrationResponseJSON & {
  /** Non-standard top-level copy some clients send (see `transportsPlacement`). */
  transports?: string[];
  /** The stored credential (non-enumerable: JSON.stringify and spreads leave it out). */
  readonly credential: StoredCredential;
};

/**
 * Assembles the JSON a browser's `PublicKeyCredential.toJSON()` gives after create(), including
 * the L3 convenience members (authenticatorData, publicKey, publicKeyAlgorithm).
 */
export function assembleRegistrationResponse(options: {
  credentialId: string;
  clientDataJSON: string;
  attestationObject: Uint8Array;
  authData: Uint8Array;
  transports: string[];
  /** The COSE alg announced in the public key; browsers report that one. */
  claimedAlgorithm: number;
  publicKey: KeyObject;
  attachment: string;
  overrides: RegistrationOverrides | undefined;
  stored: StoredCredential;
}): RegistrationResult {
  const { credentialId, transports, overrides } = options;
  const placement = overrides?.transportsPlacement ?? 'both';
  const response: AuthenticatorAttestationResponseJSON = {
    clientDataJSON: clientDataToBase64URL(options.clientDataJSON),
    attestationObject:
      overrides?.attestationObject ??
      toBase64URL(
        overrides?.attestationObjectSuffix
          ? Buffer.concat([options.attestationObject, overrides.attestationObjectSuffix])
          : options.attestationObject,
      ),
    authenticatorData: toBase64URL(options.authData),
    ...(placement === 'top' ? {} : { transports: [...transports] }),
    publicKeyAlgorithm: options.claimedAlgorithm,
    publicKey: toBase64URL(exportSpki(options.publicKey)),
  };
  const result = {
    id: credentialId,
    rawId: credentialId,
    type: 'public-key',
    response,
    authenticatorAttachment: options.attachment,
    clientExtensionResults: overrides?.clientExtensionResults ?? { credProps: { rk: true } },
    ...(placement === 'response' ? {} : { transports: [...transports] }),
  };
  applyAttachmentOverride(result, overrides);
  // Non-enumerable so posting the response to a server never leaks the private key.
  Object.defineProperty(result, 'credential', { value: options.stored, enumerable: false });
  return result as RegistrationResult;
}

/** Assembles the JSON a browser's `PublicKeyCredential.toJSON()` gives after get(). */
export function assembleAssertionResponse(options: {
  credential: StoredCredential;
  clientDataJSON: string;
  authData: Uint8Array;
  signature: Uint8Array;
  attachment: 'platform' | 'cross-platform';
  overrides: AssertionOverrides | undefined;
}): AuthenticationResponseJSON {
  const { credential, overrides } = options;
  const result: AuthenticationResponseJSON = {
    id: credential.id,
    rawId: credential.id,
    type: 'public-key',
    response: {
      clientDataJSON: clientDataToBase64URL(options.clientDataJSON),
      authenticatorData: toBase64URL(options.authData),
      signature: toBase64URL(options.signature),
      userHandle: credential.userHandle,
    },
    authenticatorAttachment: options.attachment,
    clientExtensionResults: overrides?.clientExtensionResults ?? {},
  };
  if (hasOverride(overrides, 'userHandle')) {
    setOrDrop(result.response, 'userHandle', overrides?.userHandle);
  }
  applyAttachmentOverride(result, overrides);
  return result;
}

// `authenticatorAttachment: undefined` in overrides means "drop the key", so presence matters.
function applyAttachmentOverride(
  result: object,
  overrides: RegistrationOverrides | AssertionOverrides | undefined,
): void {
  if (hasOverride(overrides, 'authenticatorAttachment')) {
    setOrDrop(result, 'authenticatorAttachment', overrides?.authenticatorAttachment);
  }
}
