import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';

/** The collected client data a browser serializes into `clientDataJSON`. */
export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
  [extra: string]: unknown;
}

/**
 * Serializes client data the way Chrome does: `type`, `challenge`, `origin`, `crossOrigin` first
 * (servers must not depend on the order, but some do, so we mimic the common one), then
 * `topOrigin` and any extra members. Returns the JSON text; hash or base64url-encode it yourself
 * or use {@link clientDataToBase64URL}.
 *
 * @example
 * encodeClientData({ type: 'webauthn.get', challenge: 'abc', origin: 'https://example.com' });
 * // '{"type":"webauthn.get","challenge":"abc","origin":"https://example.com"}'
 */
export function encodeClientData(data: ClientData): string {
  const { type, challenge, origin, crossOrigin, topOrigin, ...extra } = data;
  const ordered: Record<string, unknown> = { type, challenge, origin };
  if (crossOrigin !== undefined) ordered.crossOrigin = crossOrigin;
  if (topOrigin !== undefined) ordered.topOrigin = topOrigin;
  return JSON.stringify({ ...ordered, ...extra });
}

/**
 * Base64url-encodes (no padding) a clientDataJSON string, as it travels in the response JSON.
 *
 * @example
 * clientDataToBase64URL('{"type":"webauthn.get"}');
 */
export function clientDataToBase64URL(json: string): string {
  return isoBase64URL.fromBuffer(isoUint8Array.fromUTF8String(json));
}
