/**
 * latchkey's own export format, version 1: newline-delimited JSON. The first line is a header
 * naming the format, its version and the RP ID the passkeys were registered for; every other line
 * is one user with all of their passkeys. One line holds one user, so a file of millions of users
 * is written and read a line at a time. The JSON Schema is `docs/portability.schema.json`.
 */
import type { AppRecord } from '../apps/app-port.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { RawEntry, UnreadableEntry } from './import-entry.ts';

/** The `format` of the header line. */
export const EXPORT_FORMAT = 'latchkey.passkeys';
/** The version this code writes; it reads this one only. */
export const EXPORT_VERSION = 1;

/** The first line of an export. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The RP ID every passkey of the file was registered for. */
  rpId: string;
  /** The app it was exported from (informative). */
  appId: string;
  exportedAt: string;
}

/** One passkey of an export line. */
export interface ExportedPasskey {
  credentialId: string;
  publicKey: string;
  algorithm: number;
  counter: number;
  backupEligible: boolean;
  backupState: boolean;
  aaguid: string;
  transports: string[];
  attachment: string | null;
  type: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  usageCount: number;
  /** The browser reported the PRF extension enabled when the passkey was made (client-reported). */
  prfEnabled: boolean;
}

/** One line of an export after the header: a user and their passkeys. */
export interface ExportedUser {
  externalId: string;
  displayName: string;
  userHandle: string;
  createdAt: string;
  lastLoginAt: string | null;
  loginCount: number;
  passkeys: ExportedPasskey[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The header line of an export of this app.
 *
 * @example
 * write(JSON.stringify(exportHeader(app, runtime.now())));
 */
export function exportHeader(app: AppRecord, now: number): ExportHeader {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    rpId: app.rpId,
    appId: app.id,
    exportedAt: iso(now),
  };
}

/**
 * One user line of an export.
 *
 * @example
 * write(JSON.stringify(exportedUser(user, credentials)));
 */
export function exportedUser(user: UserRecord, credentials: CredentialRecord[]): ExportedUser {
  return {
    externalId: user.externalId,
    displayName: user.displayName,
    userHandle: user.webauthnUserId,
    createdAt: iso(user.createdAt),
    lastLoginAt: user.lastLoginAt === null ? null : iso(user.lastLoginAt),
    loginCount: user.loginCount,
    passkeys: credentials.map((c) => ({
      credentialId: c.credentialId,
      publicKey: c.publicKey,
      algorithm: c.algorithm,
      counter: c.counter,
      backupEligible: c.backupEligible,
      backupState: c.backupState,
      aaguid: c.aaguid,
      transports: c.transports,
      attachment: c.attachment,
      type: c.type,
      name: c.friendlyName,
      createdAt: iso(c.createdAt),
      lastUsedAt: c.lastUsedAt === null ? null : iso(c.lastUsedAt),
      usageCount: c.usageCount,
      prfEnabled: c.prfEnabled,
    })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function readHeader(line: string): ExportHeader {
  const header = parse(line);
  if (!isObject(header) || header.format !== EXPORT_FORMAT) {
    throw new LatchkeyError(
      'invalid_request',
      `the first line is not a latchkey export header ({"format":"${EXPORT_FORMAT}",…})`,
    );
  }
  if (header.version !== EXPORT_VERSION) {
    throw new LatchkeyError(
      'invalid_request',
      `export version ${JSON.stringify(header.version)} is not supported (this server reads version ${EXPORT_VERSION})`,
    );
  }
  if (typeof header.rpId !== 'string') {
    throw new LatchkeyError('invalid_request', 'the export header has no rpId');
  }
  return header as unknown as ExportHeader;
}

/**
 * Reads a latchkey export a line at a time: checks the header, then yields each user line as a
 * raw entry (numbered by its line) whose passkeys carry the header's RP ID. Blank lines are
 * skipped. Throws `invalid_request` when the header is missing or of another version.
 *
 * @example
 * for await (const entry of readLatchkeyExport(lines)) …
 */
export async function* readLatchkeyExport(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<RawEntry | UnreadableEntry> {
  let header: ExportHeader | null = null;
  let at = 0;
  for await (const line of lines) {
    at += 1;
    if (line.trim() === '') continue;
    if (header === null) {
      header = readHeader(line);
      continue;
    }
    const value = parse(line);
    if (!isObject(value)) {
      yield { at, unreadable: 'the line is not a JSON object' };
      continue;
    }
    const passkeys = Array.isArray(value.passkeys)
      ? value.passkeys.map((p) => (isObject(p) ? { ...p, rpId: header?.rpId } : p))
      : value.passkeys;
    yield {
      at,
      externalId: value.externalId,
      displayName: value.displayName,
      userHandle: value.userHandle,
      createdAt: value.createdAt,
      lastLoginAt: value.lastLoginAt,
      loginCount: value.loginCount,
      passkeys,
    };
  }
  if (header === null) {
    throw new LatchkeyError('invalid_request', 'the file is empty: it has no export header');
  }
}
