/**
 * What the passkey that meets an action's challenge must be, and the facts of a passkey that such
 * a requirement and the rules read. User verification is not among them: every step-up requires it
 * already (docs/security.md, row 4).
 */
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';

/** The requirement fields, in the order they are documented. */
export const PASSKEY_REQUIREMENT_FIELDS = ['deviceBound', 'attested'] as const;
export type PasskeyRequirementField = (typeof PASSKEY_REQUIREMENT_FIELDS)[number];

/**
 * `deviceBound`: the passkey cannot be synced (its backup-eligible flag, BE, was 0 at
 * registration). `attested`: its AAGUID was attested against FIDO metadata at registration.
 */
export type PasskeyRequirement = Record<PasskeyRequirementField, boolean>;

/** What latchkey knows of one passkey, as a requirement, a rule and `validate` see it. */
export interface PasskeyFacts {
  /** BE=0 at registration: the key never leaves its authenticator. */
  deviceBound: boolean;
  /** The AAGUID was attested against FIDO metadata (else only self-reported). */
  attested: boolean;
  /** BS at the latest use: the key is backed up (synced) now. */
  backedUp: boolean;
}

/**
 * The facts of a stored passkey.
 *
 * @example
 * passkeyFacts(credential).deviceBound // false for a synced passkey
 */
export function passkeyFacts(credential: CredentialRecord): PasskeyFacts {
  return {
    deviceBound: !credential.backupEligible,
    attested: credential.aaguidAttested === true,
    backedUp: credential.backupState,
  };
}

/**
 * Whether a passkey meets a requirement (a null requirement is met by every passkey).
 *
 * @example
 * meetsRequirement(credential, { deviceBound: true, attested: false })
 */
export function meetsRequirement(
  credential: CredentialRecord,
  requirement: PasskeyRequirement | null,
): boolean {
  if (requirement === null) return true;
  const facts = passkeyFacts(credential);
  return PASSKEY_REQUIREMENT_FIELDS.every((field) => !requirement[field] || facts[field]);
}

/**
 * Reads a requirement from untrusted input: an object of the known fields, each true or false
 * (absent is false). Returns null for null or undefined, and for a requirement that asks nothing.
 *
 * @example
 * parsePasskeyRequirement({ deviceBound: true }, 'passkeyRequirement') // { deviceBound: true, attested: false }
 */
export function parsePasskeyRequirement(value: unknown, field: string): PasskeyRequirement | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LatchkeyError('invalid_request', `${field} must be an object`);
  }
  const parsed = { deviceBound: false, attested: false } as PasskeyRequirement;
  for (const [key, flag] of Object.entries(value)) {
    if (!(PASSKEY_REQUIREMENT_FIELDS as readonly string[]).includes(key)) {
      throw new LatchkeyError(
        'invalid_request',
        `${field}.${key} is unknown: use ${PASSKEY_REQUIREMENT_FIELDS.join(', ')}`,
      );
    }
    if (typeof flag !== 'boolean') {
      throw new LatchkeyError('invalid_request', `${field}.${key} must be true or false`);
    }
    parsed[key as PasskeyRequirementField] = flag;
  }
  return PASSKEY_REQUIREMENT_FIELDS.some((f) => parsed[f]) ? parsed : null;
}

/**
 * Both requirements at once: a tracked action can add to its action code's requirement, never
 * take from it.
 *
 * @example
 * combineRequirements({ deviceBound: true, attested: false }, null) // { deviceBound: true, attested: false }
 */
export function combineRequirements(
  a: PasskeyRequirement | null,
  b: PasskeyRequirement | null,
): PasskeyRequirement | null {
  if (a === null) return b;
  if (b === null) return a;
  return { deviceBound: a.deviceBound || b.deviceBound, attested: a.attested || b.attested };
}
