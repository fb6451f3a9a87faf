/**
 * Decoding an attestation object whole. `decodeAttestationObject` of @simplewebauthn/server reads
 * the first CBOR item and ignores whatever follows it, so bytes appended after the map would pass
 * unseen: a response is accepted only as the exact bytes the authenticator produced.
 */
import { decodeAttestationObject, isoCBOR } from '@simplewebauthn/server/helpers';

/** The decoded attestation object, as @simplewebauthn/server returns it. */
export type AttestationObject = ReturnType<typeof decodeAttestationObject>;

/** Why an attestation object is refused. */
export const ATTESTATION_OBJECT_PROBLEMS = ['malformed', 'not_a_map', 'trailing_bytes'] as const;
export type AttestationObjectProblem = (typeof ATTESTATION_OBJECT_PROBLEMS)[number];

/**
 * Decodes an attestation object and checks that the CBOR map spans every byte. The length of the
 * map is measured by encoding it again with the library's own encoder, which is length-preserving
 * by design (its pointer arithmetic over authenticator data relies on the same property); a
 * decoded map that re-encodes shorter than the input had bytes after it.
 *
 * @example
 * const decoded = decodeWholeAttestationObject(bytes);
 * if ('problem' in decoded) reject(decoded.problem);
 */
export function decodeWholeAttestationObject(
  bytes: Uint8Array<ArrayBuffer>,
): { attestation: AttestationObject } | { problem: AttestationObjectProblem } {
  let attestation: AttestationObject;
  try {
    attestation = decodeAttestationObject(bytes);
  } catch {
    return { problem: 'malformed' };
  }
  // Valid CBOR that is not a map (a bare integer, say) is not an attestation object either.
  if (!((attestation as unknown) instanceof Map)) return { problem: 'not_a_map' };
  let length: number;
  try {
    length = isoCBOR.encode(attestation as unknown as Parameters<typeof isoCBOR.encode>[0]).length;
  } catch {
    return { problem: 'malformed' };
  }
  if (length !== bytes.length) return { problem: 'trailing_bytes' };
  return { attestation };
}
