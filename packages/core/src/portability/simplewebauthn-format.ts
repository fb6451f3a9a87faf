/**
 * Passkey records as an app built on SimpleWebAuthn stores them (the `Passkey` model of its
 * documentation): `{ id, publicKey, user, webauthnUserID, counter, deviceType, backedUp,
 * transports }`, with `publicKey` the COSE key `verifyRegistrationResponse` returned as base64url
 * (or base64), `deviceType` `singleDevice` or `multiDevice` (backup eligibility) and `user` the
 * app's id for the user (a string, or an object with an `id`). Optional `createdAt`, `lastUsed`,
 * `aaguid`, `name` and `displayName` are kept when present; `transports` may be a list or
 * comma-separated text. Better Auth's passkey rows (`credentialID`, `userId`, base64 `publicKey`)
 * read the same way. Records are grouped into one entry per user.
 */
import { toBase64UrlText } from './base64.ts';
import type { RawEntry, RawPasskey, UnreadableEntry } from './import-entry.ts';

const DEVICE_TYPES: Record<string, boolean> = { singleDevice: false, multiDevice: true };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function userOf(record: Record<string, unknown>): unknown {
  const user = record.user ?? record.userId;
  return isObject(user) ? user.id : user;
}

/**
 * Raw entries of a list of SimpleWebAuthn-style passkey records, one per user.
 *
 * @example
 * const entries = readSimpleWebAuthnRecords(JSON.parse(text));
 */
export function readSimpleWebAuthnRecords(records: unknown): (RawEntry | UnreadableEntry)[] {
  const list = isObject(records) && Array.isArray(records.passkeys) ? records.passkeys : records;
  if (!Array.isArray(list))
    return [{ at: 1, unreadable: 'the document is not a list of passkeys' }];
  const byUser = new Map<string, RawEntry>();
  const out: (RawEntry | UnreadableEntry)[] = [];
  list.forEach((record, index) => {
    const at = index + 1;
    const user = isObject(record) ? userOf(record) : undefined;
    if (!isObject(record) || typeof user !== 'string') {
      out.push({ at, unreadable: 'a record without a user' });
      return;
    }
    const transports =
      typeof record.transports === 'string'
        ? record.transports.split(',').filter((t) => t !== '')
        : record.transports;
    const deviceType = record.deviceType;
    const passkey: RawPasskey = {
      // Better Auth's passkey table names it `credentialID` and keeps its own row id in `id`.
      credentialId: record.credentialID ?? record.id,
      publicKey: toBase64UrlText(record.publicKey),
      counter: record.counter,
      backupEligible: typeof deviceType === 'string' ? DEVICE_TYPES[deviceType] : undefined,
      backupState: record.backedUp,
      aaguid: record.aaguid,
      transports,
      name: record.name,
      createdAt: record.createdAt,
      lastUsedAt: record.lastUsed ?? record.lastUsedAt,
    };
    let entry = byUser.get(user);
    if (!entry) {
      entry = {
        at,
        externalId: user,
        displayName: isObject(record.user) ? record.user.username : undefined,
        userHandle: record.webauthnUserID,
        passkeys: [],
      };
      byUser.set(user, entry);
      out.push(entry);
    }
    (entry.passkeys as RawPasskey[]).push(passkey);
  });
  return out;
}
