/**
 * `@latchkey/authenticator`: a software WebAuthn authenticator plus the browser's client-data
 * part, producing standard response JSON from standard options JSON, with every field forgeable.
 *
 * @example
 * import { SoftwareAuthenticator } from '@latchkey/authenticator';
 * const authenticator = new SoftwareAuthenticator();
 * const registration = await authenticator.createCredential({ options, origin });
 */
export {
  type AttestationCertificate,
  type AttestationFormatName,
  buildAttestationObject,
} from './attestation.ts';
export * from './attestation-pki.ts';
export {
  type AttestedCredentialData,
  type AuthenticatorFlags,
  aaguidToBytes,
  buildAuthenticatorData,
  encodeFlags,
  FLAG_BITS,
  hashRpId,
} from './authenticator-data.ts';
export type { Bytes } from './bytes.ts';
export { type ClientData, clientDataToBase64URL, encodeClientData } from './client-data.ts';
export { encodeCOSEPublicKey } from './cose-key.ts';
export { type WebAuthnErrorName, webAuthnError } from './errors.ts';
export {
  type AlgorithmName,
  COSE_ALGORITHM_IDS,
  generateCredentialKeyPair,
  signData,
} from './keys.ts';
export type { AssertionOverrides, CommonOverrides, RegistrationOverrides } from './overrides.ts';
export type { RegistrationResult } from './responses.ts';
export {
  SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
} from './software-authenticator.ts';
export type { ExportedCredential, StoredCredential } from './stored-credential.ts';
