/**
 * WebAuthn §6.5.6: an ES256/ES384/ES512 assertion signature is an ASN.1 DER `Ecdsa-Sig-Value`.
 * The library's ASN.1 reader is lenient about the outer tag, so a signature with a flipped tag
 * byte decodes to the same r and s and verifies. This check verifies the signature again through
 * OpenSSL, which accepts only the canonical DER encoding, so that exactly one byte string is a
 * valid signature. It never accepts what the library refused: it runs only after the library.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';

const CURVES: Partial<Record<number, { crv: string; hash: string }>> = {
  [cose.COSECRV.P256]: { crv: 'P-256', hash: 'sha256' },
  [cose.COSECRV.P384]: { crv: 'P-384', hash: 'sha384' },
  [cose.COSECRV.P521]: { crv: 'P-521', hash: 'sha512' },
};

/**
 * Whether an EC2 credential's assertion signature is canonical DER and verifies; `null` for keys
 * of other types (their signatures have a single encoding).
 *
 * @example
 * if (strictEcdsaSignature({ publicKey, authenticatorData, clientDataJSON, signature }) === false) refuse();
 */
export function strictEcdsaSignature(input: {
  publicKey: Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
}): boolean | null {
  const key = decodeCredentialPublicKey(new Uint8Array(input.publicKey));
  if (!cose.isCOSEPublicKeyEC2(key)) return null;
  const curve = CURVES[key.get(cose.COSEKEYS.crv) ?? -1];
  const x = key.get(cose.COSEKEYS.x);
  const y = key.get(cose.COSEKEYS.y);
  if (!curve || !x || !y) return false;
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: curve.crv,
      x: Buffer.from(x).toString('base64url'),
      y: Buffer.from(y).toString('base64url'),
    },
    format: 'jwk',
  });
  const clientDataHash = createHash('sha256').update(input.clientDataJSON).digest();
  const signed = Buffer.concat([input.authenticatorData, clientDataHash]);
  try {
    return verify(curve.hash, signed, { key: publicKey, dsaEncoding: 'der' }, input.signature);
  } catch {
    return false;
  }
}
