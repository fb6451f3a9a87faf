import { createHash } from 'node:crypto';
import type {
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialParameters,
  UserVerificationRequirement,
} from '@simplewebauthn/server';
import { hashRpId } from './authenticator-data.ts';
import type { Bytes } from './bytes.ts';
import { encodeClientData } from './client-data.ts';
import { webAuthnError } from './errors.ts';
import { type AlgorithmName, algorithmFromCOSE } from './keys.ts';
import type { CommonOverrides } from './overrides.ts';
import type { StoredCredential } from './stored-credential.ts';

/** The serialized client data of one ceremony and its SHA-256 (what the authenticator signs). */
export interface CeremonyClientData {
  json: string;
  hash: Bytes;
}

/** Builds clientDataJSON for a ceremony, applying the client-data overrides. */
export function buildCeremonyClientData(options: {
  type: string;
  challenge: string;
  origin: string;
  overrides: CommonOverrides | undefined;
}): CeremonyClientData {
  const o = options.overrides ?? {};
  const json =
    o.clientDataJSON ??
    encodeClientData({
      type: o.type ?? options.type,
      challenge: o.challenge ?? options.challenge,
      origin: o.origin ?? options.origin,
      crossOrigin: o.crossOrigin ?? false,
      ...(o.topOrigin === undefined ? {} : { topOrigin: o.topOrigin }),
      ...o.extraClientData,
    });
  return { json, hash: new Uint8Array(createHash('sha256').update(json, 'utf8').digest()) };
}

/** The rpIdHash to write: the forged bytes, the forged RP ID's hash, or the real one. */
export function resolveRpIdHash(rpId: string, overrides: CommonOverrides | undefined): Uint8Array {
  return overrides?.rpIdHash ?? hashRpId(overrides?.rpId ?? rpId);
}

/** The RP ID a browser uses when the options omit it: the origin's effective domain. */
export function defaultRpId(origin: string): string {
  return new URL(origin).hostname;
}

/**
 * Whether the authenticator performs user verification. It does when the RP asks for it
 * (required/preferred, the spec default being preferred) and it can; `required` on an
 * authenticator without UV fails like a browser would, unless the test forges the UV bit anyway.
 */
export function decideUserVerification(options: {
  requirement: UserVerificationRequirement | undefined;
  capable: boolean;
  overrides: CommonOverrides | undefined;
}): boolean {
  const requirement = options.requirement ?? 'preferred';
  if (
    requirement === 'required' &&
    !options.capable &&
    options.overrides?.flags?.uv === undefined
  ) {
    throw webAuthnError('NotAllowedError', 'User verification required but not available');
  }
  return options.capable && requirement !== 'discouraged';
}

/** Sets `key` to `value`, or removes it when `value` is undefined (so JSON omits it). */
export function setOrDrop(target: object, key: string, value: unknown): void {
  const record = target as Record<string, unknown>;
  if (value === undefined) delete record[key];
  else record[key] = value;
}

/**
 * Picks the algorithm like a browser: the first pubKeyCredParams entry the authenticator
 * supports; an empty list means the spec default (ES256, then RS256).
 */
export function selectAlgorithm(params: PublicKeyCredentialParameters[]): AlgorithmName {
  if (params.length === 0) return 'ES256';
  for (const param of params) {
    const name = param.type === 'public-key' ? algorithmFromCOSE(param.alg) : undefined;
    if (name) return name;
  }
  throw webAuthnError('NotSupportedError', 'No supported algorithm in pubKeyCredParams');
}

/**
 * Picks the credential for an assertion: `credentialId` when given (even for another RP, so a
 * test can forge), else the first stored for the RP ID that `allowCredentials` allows (any of
 * the RP's when it is empty: discoverable login). Throws `NotAllowedError` when none matches.
 */
export function selectCredential(options: {
  credentials: ReadonlyMap<string, StoredCredential>;
  rpId: string;
  allowCredentials: PublicKeyCredentialDescriptorJSON[] | undefined;
  credentialId: string | undefined;
}): StoredCredential {
  const { credentials, rpId, credentialId } = options;
  if (credentialId !== undefined) {
    const chosen = credentials.get(credentialId);
    if (!chosen) throw webAuthnError('NotAllowedError', `Unknown credential ${credentialId}`);
    return chosen;
  }
  const allowed = new Set((options.allowCredentials ?? []).map((d) => d.id));
  for (const credential of credentials.values()) {
    if (credential.rpId !== rpId) continue;
    if (allowed.size === 0 || allowed.has(credential.id)) return credential;
  }
  throw webAuthnError('NotAllowedError', `No credential for ${rpId} matches allowCredentials`);
}
