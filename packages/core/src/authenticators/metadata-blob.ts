/**
 * FIDO Metadata Service (MDS3) blobs: verifying one the operator loads, and reading the entries of
 * one already verified. The JWS signature and the x5c chain up to a trusted root are checked by
 * `@simplewebauthn/server`'s `verifyMDSBlob`, which also consults the chain's CRLs where its
 * certificates name any.
 */
import type { MDSJWTPayload, MetadataBLOBPayloadEntry } from '@simplewebauthn/server';
import { SettingsService } from '@simplewebauthn/server';
import { isoBase64URL, verifyMDSBlob } from '@simplewebauthn/server/helpers';
import { LatchkeyError } from '../errors.ts';

/**
 * The FIDO Alliance's MDS roots (GlobalSign Root CA R3 and Root R46) as the library ships them,
 * read once before anything could change the library's settings.
 */
const FIDO_MDS_ROOTS: readonly string[] = Object.freeze([
  ...SettingsService.getRootCertificates({ identifier: 'mds' }),
]);

/** The largest blob accepted: the FIDO Alliance's own is a few megabytes. */
export const MAX_METADATA_BLOB_BYTES = 64 * 1024 * 1024;

/**
 * Authenticator statuses (FIDO MDS3 §3.1.4) that make an authenticator unfit to register: its
 * keys or its user verification can no longer be trusted. Any report of one refuses it, even
 * where a later report says an update is available, since a registered device may not have it.
 */
export const COMPROMISED_STATUSES = [
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
] as const;

/** A blob whose signature and chain were verified, with what latchkey keeps of it. */
export interface VerifiedMetadataBlob {
  serial: number;
  nextUpdate: string;
  /** FIDO2 entries, by lower-case AAGUID. */
  entries: Map<string, MetadataBLOBPayloadEntry>;
}

function refuse(message: string, cause?: unknown): never {
  throw new LatchkeyError('invalid_request', message, cause === undefined ? {} : { cause });
}

/**
 * Verifies a metadata blob: a compact JWS whose x5c chain leads to one of `trustedRoots` (PEM; the
 * FIDO Alliance's roots when not given) and whose signature verifies with the chain's leaf; then
 * checks the payload's shape.
 *
 * @example
 * const { serial, entries } = await verifyMetadataBlob({ blob: await readFile('blob.jwt', 'utf8') });
 */
export async function verifyMetadataBlob(options: {
  blob: string;
  trustedRoots?: readonly string[];
}): Promise<VerifiedMetadataBlob> {
  const blob = options.blob.trim();
  if (blob.length > MAX_METADATA_BLOB_BYTES) refuse('the metadata blob is too large');
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(blob)) {
    refuse('the metadata blob is not a compact JWS');
  }
  const roots = options.trustedRoots ?? FIDO_MDS_ROOTS;
  if (roots.length === 0) refuse('no trusted root was given for the metadata blob');
  let verified: Awaited<ReturnType<typeof verifyMDSBlob>>;
  // The library reads its MDS roots from process-wide settings as its first, synchronous step;
  // they are set for this call and put back before anything else can run.
  const previous = SettingsService.getRootCertificates({ identifier: 'mds' });
  SettingsService.setRootCertificates({ identifier: 'mds', certificates: [...roots] });
  let pending: ReturnType<typeof verifyMDSBlob>;
  try {
    pending = verifyMDSBlob(blob);
  } finally {
    SettingsService.setRootCertificates({ identifier: 'mds', certificates: previous });
  }
  try {
    verified = await pending;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : '';
    if (message.includes('certificate path')) {
      refuse("the metadata blob's certificate chain does not lead to a trusted root", cause);
    }
    if (message.includes('signature'))
      refuse("the metadata blob's signature does not verify", cause);
    refuse('the metadata blob cannot be read', cause);
  }
  return indexPayload(verified.payload);
}

/**
 * The entries of a blob that was verified when it was loaded (the store holds only such blobs).
 *
 * @example
 * const { entries } = readMetadataBlob(record.blob);
 */
export function readMetadataBlob(blob: string): VerifiedMetadataBlob {
  const payload = blob.split('.')[1];
  if (payload === undefined) refuse('the metadata blob is not a compact JWS');
  let parsed: unknown;
  try {
    parsed = JSON.parse(isoBase64URL.toUTF8String(payload));
  } catch (cause) {
    refuse('the metadata blob cannot be read', cause);
  }
  return indexPayload(parsed as MDSJWTPayload);
}

function indexPayload(payload: MDSJWTPayload): VerifiedMetadataBlob {
  if (typeof payload !== 'object' || payload === null) refuse('the metadata blob has no payload');
  const { no, nextUpdate, entries } = payload;
  if (typeof no !== 'number' || !Number.isSafeInteger(no) || no < 0) {
    refuse('the metadata blob has no serial number (no)');
  }
  if (typeof nextUpdate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(nextUpdate)) {
    refuse('the metadata blob has no nextUpdate date');
  }
  if (!Array.isArray(entries)) refuse('the metadata blob has no entries');
  const byAaguid = new Map<string, MetadataBLOBPayloadEntry>();
  for (const entry of entries) {
    // FIDO2 authenticators are known by AAGUID; UAF (aaid) and U2F (key id) entries are not used.
    if (typeof entry?.aaguid === 'string') byAaguid.set(entry.aaguid.toLowerCase(), entry);
  }
  return { serial: no, nextUpdate, entries: byAaguid };
}

/**
 * Whether a blob is past its `nextUpdate` day: a newer one should have been loaded by then.
 *
 * @example
 * isMetadataStale('2026-01-01', Date.parse('2026-01-02T00:00:00Z')) // true
 */
export function isMetadataStale(nextUpdate: string, now: number): boolean {
  const due = Date.parse(`${nextUpdate}T00:00:00Z`);
  return Number.isFinite(due) && now >= due + 24 * 60 * 60 * 1000;
}

/**
 * The compromised statuses an entry was ever reported with, in report order.
 *
 * @example
 * compromisedStatuses(entry) // ['REVOKED']
 */
export function compromisedStatuses(entry: MetadataBLOBPayloadEntry): string[] {
  const reports = Array.isArray(entry.statusReports) ? entry.statusReports : [];
  return reports
    .map((report) => report?.status)
    .filter((status): status is (typeof COMPROMISED_STATUSES)[number] =>
      (COMPROMISED_STATUSES as readonly string[]).includes(status),
    );
}
