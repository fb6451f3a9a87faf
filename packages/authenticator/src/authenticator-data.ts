import { createHash } from 'node:crypto';
import { isoUint8Array } from '@simplewebauthn/server/helpers';
import { type Bytes, concatBytes } from './bytes.ts';

/** The authenticator data flag bits (WebAuthn §6.1). */
export const FLAG_BITS = {
  up: 0x01,
  uv: 0x04,
  be: 0x08,
  bs: 0x10,
  at: 0x40,
  ed: 0x80,
} as const;

/** Individual authenticator data flags; `at` and `ed` are normally derived from the content. */
export interface AuthenticatorFlags {
  up?: boolean;
  uv?: boolean;
  be?: boolean;
  bs?: boolean;
  at?: boolean;
  ed?: boolean;
}

/** The credential part of registration authenticator data. */
export interface AttestedCredentialData {
  /** 16 bytes. */
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** CBOR COSE_Key. */
  publicKey: Uint8Array;
}

/** SHA-256 of the RP ID, the first 32 bytes of authenticator data. */
export function hashRpId(rpId: string): Bytes {
  return new Uint8Array(createHash('sha256').update(rpId, 'utf8').digest());
}

/**
 * Converts a UUID string into the 16 AAGUID bytes.
 *
 * @example
 * aaguidToBytes('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4');
 */
export function aaguidToBytes(aaguid: string): Bytes {
  const hex = aaguid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`Invalid AAGUID: ${aaguid}`);
  return isoUint8Array.fromHex(hex.toLowerCase());
}

/** Packs flag booleans into the flags byte. */
export function encodeFlags(flags: AuthenticatorFlags): number {
  let byte = 0;
  for (const [name, bit] of Object.entries(FLAG_BITS)) {
    if (flags[name as keyof AuthenticatorFlags]) byte |= bit;
  }
  return byte;
}

/**
 * Builds authenticator data: rpIdHash(32) | flags(1) | signCount(4, big-endian) |
 * [aaguid(16) | credentialIdLength(2) | credentialId | COSE key] | [extensions CBOR].
 * The AT and ED flags follow the presence of attested credential data and extensions unless set
 * explicitly in `flags`, so forged inconsistencies stay possible.
 *
 * @example
 * const authData = buildAuthenticatorData({ rpId: 'example.com', flags: { up: true }, signCount: 1 });
 */
export function buildAuthenticatorData(options: {
  rpId?: string;
  /** Raw 32-byte hash; wins over `rpId`. */
  rpIdHash?: Uint8Array;
  flags: AuthenticatorFlags;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  /** Already CBOR-encoded extension outputs. */
  extensions?: Uint8Array;
}): Bytes {
  const { flags, signCount, attestedCredentialData: acd, extensions } = options;
  const rpIdHash =
    options.rpIdHash ?? (options.rpId === undefined ? undefined : hashRpId(options.rpId));
  if (!rpIdHash) throw new TypeError('buildAuthenticatorData needs rpId or rpIdHash');
  if (!Number.isInteger(signCount) || signCount < 0 || signCount > 0xffffffff) {
    throw new RangeError(`signCount must be a 32-bit unsigned integer, got ${signCount}`);
  }
  const header = new Uint8Array(5);
  const view = new DataView(header.buffer);
  view.setUint8(
    0,
    encodeFlags({
      at: acd !== undefined,
      ed: extensions !== undefined,
      ...withoutUndefined(flags),
    }),
  );
  view.setUint32(1, signCount, false);
  const parts: Uint8Array[] = [rpIdHash, header];
  if (acd) {
    if (acd.aaguid.length !== 16) throw new RangeError('AAGUID must be 16 bytes');
    const idLength = new Uint8Array(2);
    new DataView(idLength.buffer).setUint16(0, acd.credentialId.length, false);
    parts.push(acd.aaguid, idLength, acd.credentialId, acd.publicKey);
  }
  if (extensions) parts.push(extensions);
  return concatBytes(parts);
}

// `{ at: true, ...{ at: undefined } }` would clear the derived bit; only explicit booleans override.
function withoutUndefined(flags: AuthenticatorFlags): AuthenticatorFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}
