/**
 * Every check an imported user and passkey passes before it is stored, whatever format it came
 * from. A passkey is checked as strictly as a registration is: its key must be usable and of an
 * algorithm the app allows, its backup flags consistent, its counter a real counter, so that the
 * sign-in checks that follow (counter regression, backup eligibility) start from sound values.
 */
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { AppRecord } from '../apps/app-port.ts';
import { ALGORITHMS } from '../apps/policy.ts';
import {
  CREDENTIAL_TYPES,
  type CredentialRecord,
  type CredentialType,
} from '../credentials/credential-port.ts';
import { credentialTypeOf, defaultFriendlyName } from '../providers/providers.ts';
import { MAX_CREDENTIAL_ID_BYTES } from '../registration/verify-registration.ts';
import { newId, type Runtime, toBase64Url } from '../runtime.ts';
import { externalIdProblem } from '../users/external-id.ts';
import type { UserRecord } from '../users/user-port.ts';
import { checkPublicKey } from './check-public-key.ts';
import type { RawEntry, RawPasskey } from './import-entry.ts';
import type { ImportProblem } from './import-problems.ts';

/** The WebAuthn transports (`AuthenticatorTransport`, L3 §5.8.4, with the older `cable`). */
export const TRANSPORTS = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
] as const;

const ATTACHMENTS: readonly unknown[] = ['platform', 'cross-platform'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CONTROL = /\p{Cc}/u;
/** The longest display name or passkey name kept, in UTF-16 code units. */
const MAX_NAME = 256;
/** The most passkeys one user may bring: more is a malformed file, not a person. */
const MAX_PASSKEYS_PER_USER = 100;
const MAX_COUNTER = 0xffff_ffff;
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/** A refusal: which check, and a sentence for the operator. */
export interface Refusal {
  problem: ImportProblem;
  message: string;
}

/** A passkey left out of an otherwise imported user. */
export interface RefusedPasskey extends Refusal {
  credentialId: string | null;
}

/** An entry that passed: the user to create (unless present) and the passkeys to add. */
export interface CheckedEntry {
  user: UserRecord;
  credentials: CredentialRecord[];
  refused: RefusedPasskey[];
}

class Refused extends Error {
  constructor(
    readonly problem: ImportProblem,
    message: string,
  ) {
    super(message);
  }
}

function refuse(problem: ImportProblem, message: string): never {
  throw new Refused(problem, message);
}

function isWholeNumber(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** A time as ISO 8601 text or epoch milliseconds; `fallback` when absent. */
function time(value: unknown, fallback: number | null, field: string): number | null {
  if (value === undefined || value === null) return fallback;
  if (isWholeNumber(value, Number.MAX_SAFE_INTEGER)) return value;
  const ms = typeof value === 'string' && ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) refuse('field_invalid', `${field} is not an ISO 8601 time`);
  return ms;
}

function name(value: unknown, problem: ImportProblem, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_NAME || CONTROL.test(value)) {
    refuse(
      problem,
      `${field} must be text of at most ${MAX_NAME} characters without control characters`,
    );
  }
  return value;
}

/** Decoded length of strict base64url text, or null when it is not base64url. */
function base64UrlBytes(value: unknown): number | null {
  if (typeof value !== 'string' || value.length === 0 || !isoBase64URL.isBase64URL(value))
    return null;
  if (value.includes('=')) return null;
  return isoBase64URL.toBuffer(value).byteLength;
}

function checkPasskey(
  runtime: Runtime,
  app: AppRecord,
  userId: string,
  raw: RawPasskey,
  now: number,
): CredentialRecord {
  const bytes = base64UrlBytes(raw.credentialId);
  if (bytes === null || bytes > MAX_CREDENTIAL_ID_BYTES) {
    refuse(
      'credential_id_invalid',
      `credential id must be base64url of 1 to ${MAX_CREDENTIAL_ID_BYTES} bytes`,
    );
  }
  const credentialId = raw.credentialId as string;
  if (raw.rpId !== undefined && raw.rpId !== app.rpId) {
    refuse(
      'rp_id_mismatch',
      `registered for RP ID ${JSON.stringify(raw.rpId)}, this app is ${app.rpId}`,
    );
  }
  if (raw.cloneWarning === true) {
    refuse('clone_flagged', 'the other server flagged this passkey as possibly cloned');
  }
  if (typeof raw.publicKey !== 'string') refuse('public_key_malformed', 'public key is missing');
  const key = checkPublicKey(raw.publicKey);
  if ('problem' in key)
    refuse(key.problem, 'public key is not a usable COSE key of a supported algorithm');
  if (raw.algorithm !== undefined && raw.algorithm !== null && raw.algorithm !== key.algorithm) {
    refuse(
      'algorithm_mismatch',
      `algorithm ${String(raw.algorithm)} is not the key's (${key.algorithm})`,
    );
  }
  const allowed = app.policy.algorithms.map((n) => ALGORITHMS[n] as number);
  if (!allowed.includes(key.algorithm)) {
    refuse(
      'algorithm_not_allowed',
      `algorithm ${key.algorithm} is not allowed by the app's policy`,
    );
  }
  if (!isWholeNumber(raw.counter, MAX_COUNTER)) {
    refuse('counter_invalid', 'counter must be a whole number from 0 to 4294967295');
  }
  // §6.1.3: BE is fixed at registration and checked on every use, so it must be known; a
  // credential cannot be backed up (BS=1) without being backup eligible.
  if (typeof raw.backupEligible !== 'boolean') {
    refuse('backup_flags_invalid', 'backup eligibility (BE) must be true or false');
  }
  const backupState = raw.backupState ?? false;
  if (typeof backupState !== 'boolean' || (backupState && !raw.backupEligible)) {
    refuse('backup_flags_invalid', 'backup state (BS) must be false unless backup eligible');
  }
  const aaguid = raw.aaguid ?? ZERO_AAGUID;
  if (typeof aaguid !== 'string' || !UUID.test(aaguid)) {
    refuse('aaguid_invalid', 'AAGUID must be a lower-case UUID');
  }
  const transports = raw.transports ?? [];
  const known: readonly unknown[] = TRANSPORTS;
  if (!Array.isArray(transports) || !transports.every((t) => known.includes(t))) {
    refuse('transports_invalid', `transports must be a list of ${TRANSPORTS.join(', ')}`);
  }
  const attachment = raw.attachment ?? null;
  if (attachment !== null && !ATTACHMENTS.includes(attachment)) {
    refuse('field_invalid', 'attachment must be platform or cross-platform');
  }
  const types: readonly unknown[] = CREDENTIAL_TYPES;
  if (raw.type !== undefined && raw.type !== null && !types.includes(raw.type)) {
    refuse('field_invalid', `type must be one of ${CREDENTIAL_TYPES.join(', ')}`);
  }
  const usageCount = raw.usageCount ?? 0;
  if (!isWholeNumber(usageCount, Number.MAX_SAFE_INTEGER)) {
    refuse('field_invalid', 'usage count must be a whole number');
  }
  const prfEnabled = raw.prfEnabled ?? false;
  if (typeof prfEnabled !== 'boolean') refuse('field_invalid', 'prfEnabled must be true or false');
  const type =
    (raw.type as CredentialType | undefined | null) ??
    credentialTypeOf({
      backupEligible: raw.backupEligible,
      attachment: attachment as string | null,
      transports: transports as string[],
    });
  const createdAt = time(raw.createdAt, now, 'passkey created') as number;
  return {
    id: newId(runtime),
    appId: app.id,
    userId,
    credentialId,
    publicKey: raw.publicKey,
    algorithm: key.algorithm,
    counter: raw.counter,
    transports: transports as string[],
    aaguid,
    backupEligible: raw.backupEligible,
    backupState,
    attachment: attachment as string | null,
    type,
    friendlyName:
      name(raw.name, 'field_invalid', 'passkey name') ?? defaultFriendlyName(aaguid, type),
    createdAt,
    updatedAt: now,
    lastUsedAt: time(raw.lastUsedAt, null, 'passkey last used'),
    usageCount,
    prfEnabled,
    // Made here by an import; the attestation, if any, was verified by the other server, not here.
    createdByUpgrade: false,
    aaguidAttested: false,
  };
}

function checkUser(runtime: Runtime, app: AppRecord, raw: RawEntry, now: number): UserRecord {
  if (typeof raw.externalId !== 'string' || externalIdProblem(raw.externalId) !== null) {
    refuse('external_id_invalid', 'external id is missing, empty, too long or not plain text');
  }
  const displayName =
    name(raw.displayName, 'display_name_invalid', 'display name') ?? raw.externalId;
  let webauthnUserId: string;
  if (raw.userHandle === undefined || raw.userHandle === null) {
    webauthnUserId = toBase64Url(runtime.randomBytes(32));
  } else {
    // WebAuthn L3 §5.4.3: a user handle is 1 to 64 bytes.
    const bytes = base64UrlBytes(raw.userHandle);
    if (bytes === null || bytes > 64) {
      refuse('user_handle_invalid', 'user handle must be base64url of 1 to 64 bytes');
    }
    webauthnUserId = raw.userHandle as string;
  }
  const loginCount = raw.loginCount ?? 0;
  if (!isWholeNumber(loginCount, Number.MAX_SAFE_INTEGER))
    refuse('field_invalid', 'login count must be a whole number');
  return {
    id: newId(runtime),
    appId: app.id,
    externalId: raw.externalId,
    displayName,
    webauthnUserId,
    status: 'active',
    createdAt: time(raw.createdAt, now, 'user created') as number,
    updatedAt: now,
    lastLoginAt: time(raw.lastLoginAt, null, 'user last login'),
    loginCount,
  };
}

/**
 * Checks one entry: the user, then each passkey on its own (a bad passkey leaves the user and the
 * others in). Returns the refusal of the whole entry when the user cannot be imported.
 *
 * @example
 * const checked = checkEntry(runtime, app, raw);
 * if ('problem' in checked) report(checked);
 */
export function checkEntry(
  runtime: Runtime,
  app: AppRecord,
  raw: RawEntry,
): CheckedEntry | Refusal {
  const now = runtime.now();
  let user: UserRecord;
  try {
    user = checkUser(runtime, app, raw, now);
    if (!Array.isArray(raw.passkeys) || raw.passkeys.length > MAX_PASSKEYS_PER_USER) {
      refuse('malformed_entry', `passkeys must be a list of at most ${MAX_PASSKEYS_PER_USER}`);
    }
  } catch (error) {
    if (error instanceof Refused) return { problem: error.problem, message: error.message };
    throw error;
  }
  const credentials: CredentialRecord[] = [];
  const refused: RefusedPasskey[] = [];
  for (const passkey of raw.passkeys as unknown[]) {
    const rawPasskey = (
      typeof passkey === 'object' && passkey !== null ? passkey : {}
    ) as RawPasskey;
    const credentialId =
      typeof rawPasskey.credentialId === 'string' ? rawPasskey.credentialId : null;
    try {
      if (typeof passkey !== 'object' || passkey === null || Array.isArray(passkey)) {
        refuse('malformed_entry', 'a passkey must be an object');
      }
      credentials.push(checkPasskey(runtime, app, user.id, rawPasskey, now));
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      refused.push({ problem: error.problem, message: error.message, credentialId });
    }
  }
  return { user, credentials, refused };
}
