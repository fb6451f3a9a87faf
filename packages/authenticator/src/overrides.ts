import type { AuthenticationExtensionsClientOutputs } from '@simplewebauthn/server';
import type { AuthenticatorFlags } from './authenticator-data.ts';

/** Forgeable fields shared by registration and assertion. Every field is optional. */
export interface CommonOverrides {
  /** clientData `type` (default `webauthn.create` / `webauthn.get`). */
  type?: string;
  /** clientData `challenge` instead of the options' challenge. */
  challenge?: string;
  /** clientData `origin` instead of the `origin` argument. */
  origin?: string;
  /** clientData `crossOrigin` (default `false`, as Chrome sends it). */
  crossOrigin?: boolean;
  /** clientData `topOrigin` (omitted by default). */
  topOrigin?: string;
  /** Compute rpIdHash from this RP ID instead of the options'. */
  rpId?: string;
  /** Raw rpIdHash bytes; wins over `rpId`. */
  rpIdHash?: Uint8Array;
  /** Force individual flag bits; unset ones keep their computed value. */
  flags?: AuthenticatorFlags;
  /** Signature counter written into authenticator data. */
  signCount?: number;
  /** Flip a byte of the signature (assertion signature, or the packed attestation signature). */
  corruptSignature?: boolean;
  /** Raw clientDataJSON text replacing the generated one (it is still hashed and signed). */
  clientDataJSON?: string;
  /** Extra members merged into the client data. */
  extraClientData?: Record<string, unknown>;
  /** Replaces `clientExtensionResults`. */
  clientExtensionResults?: AuthenticationExtensionsClientOutputs | Record<string, unknown>;
  /** Replaces `authenticatorAttachment`; `null` sends JSON null, `undefined` drops the key. */
  authenticatorAttachment?: string | null;
}

/** Forgeable fields of a registration response. */
export interface RegistrationOverrides extends CommonOverrides {
  /** Force the credential id (base64url). */
  credentialId?: string;
  /** Raw base64url attestation object replacing the generated one. */
  attestationObject?: string;
  /** Bytes appended after the generated attestation object's CBOR map (trailing garbage). */
  attestationObjectSuffix?: Uint8Array;
  /** Where `transports` appears: top level, in `response`, or both (default). */
  transportsPlacement?: 'top' | 'response' | 'both';
  /** Transports to report instead of the authenticator's. */
  transports?: string[];
  /** COSE `alg` to claim in the public key (e.g. -257) regardless of the real key type. */
  algorithmOverride?: number;
}

/** Forgeable fields of an assertion response. */
export interface AssertionOverrides extends CommonOverrides {
  /**
   * Replaces `response.userHandle` as given (e.g. a raw iOS-style string or `''`); `null` sends
   * JSON null, `undefined` drops the key.
   */
  userHandle?: string | null;
}

/** True when the caller wrote the key, even with the value `undefined` (so it means "drop"). */
export function hasOverride<T extends object>(overrides: T | undefined, key: keyof T): boolean {
  return overrides !== undefined && Object.hasOwn(overrides, key);
}
