/**
 * A user and their passkeys as any importer hands them to the core, before any check: every
 * format (latchkey's own and other software's) is mapped onto this one shape, so every check runs
 * once, in `check-entry.ts`, whatever the file came from. Values are `unknown` because they come
 * straight from a file.
 */

/** One passkey as read from a file. */
export interface RawPasskey {
  /** base64url credential id. */
  credentialId: unknown;
  /** base64url COSE public key. */
  publicKey: unknown;
  /** The COSE algorithm the file names beside the key, if it names one. */
  algorithm?: unknown;
  counter?: unknown;
  backupEligible?: unknown;
  backupState?: unknown;
  aaguid?: unknown;
  transports?: unknown;
  attachment?: unknown;
  type?: unknown;
  name?: unknown;
  /** ISO 8601 time. */
  createdAt?: unknown;
  lastUsedAt?: unknown;
  usageCount?: unknown;
  /** Whether the browser reported PRF enabled at registration. */
  prfEnabled?: unknown;
  /** The RP ID the file says the passkey was registered for, if it says. */
  rpId?: unknown;
  /** Whether the other server flagged the passkey as possibly cloned. */
  cloneWarning?: unknown;
}

/** One user as read from a file. */
export interface RawEntry {
  /** Where the entry is in its file (a line or a list position, from 1), for the report. */
  at: number;
  externalId: unknown;
  displayName?: unknown;
  /** base64url WebAuthn user handle; absent when the file does not carry one. */
  userHandle?: unknown;
  createdAt?: unknown;
  lastLoginAt?: unknown;
  loginCount?: unknown;
  passkeys: unknown;
}

/** An entry that could not even be read as a {@link RawEntry} (a line that is not JSON). */
export interface UnreadableEntry {
  at: number;
  unreadable: string;
}
