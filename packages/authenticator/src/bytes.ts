import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';

/** A byte array backed by a plain ArrayBuffer, which the SimpleWebAuthn helpers require. */
export type Bytes = Uint8Array<ArrayBuffer>;

/**
 * Copies any Uint8Array (a Buffer, a view on a SharedArrayBuffer…) into a plain-ArrayBuffer one,
 * so callers can pass whatever byte array they have.
 */
export function ownBytes(data: Uint8Array): Bytes {
  return new Uint8Array(data);
}

/** Concatenates byte arrays of any backing. */
export function concatBytes(parts: Uint8Array[]): Bytes {
  return isoUint8Array.concat(parts.map(ownBytes));
}

/** Base64url without padding, as WebAuthn JSON uses. */
export function toBase64URL(data: Uint8Array): string {
  return isoBase64URL.fromBuffer(ownBytes(data));
}
