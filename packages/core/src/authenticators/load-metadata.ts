import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { isMetadataStale, verifyMetadataBlob } from './metadata-blob.ts';
import type { MetadataBlobRecord } from './metadata-port.ts';

/** What is known of the metadata in use. */
export interface MetadataStatus {
  serial: number;
  nextUpdate: string;
  entryCount: number;
  loadedAt: number;
  /** Past `nextUpdate`: a newer blob should be loaded. */
  stale: boolean;
}

/**
 * Verifies a FIDO MDS3 blob (signature, and chain up to the FIDO Alliance's root or the roots
 * given) and stores it for every instance. A blob whose serial is not above the one loaded is
 * refused: an older blob may predate the status report that revoked an authenticator.
 *
 * @example
 * const status = await loadAuthenticatorMetadata(runtime, { blob });
 * if (status.stale) console.warn('the blob is past its nextUpdate');
 */
export async function loadAuthenticatorMetadata(
  runtime: Runtime,
  options: { blob: string; trustedRoots?: readonly string[] },
  context?: RequestContext,
): Promise<MetadataStatus> {
  const verified = await verifyMetadataBlob(options);
  const record = {
    serial: verified.serial,
    nextUpdate: verified.nextUpdate,
    entryCount: verified.entries.size,
    blob: options.blob.trim(),
    loadedAt: runtime.now(),
  };
  // The store decides, in one transaction, so that of two loaders the newer blob wins.
  if (!(await runtime.store.authenticatorMetadata.insert(record))) {
    throw new LatchkeyError(
      'invalid_request',
      `the metadata blob's number ${record.serial} is not above the loaded one`,
    );
  }
  await recordEvent(runtime, context, {
    type: 'authenticator_metadata.loaded',
    appId: null,
    data: { serial: record.serial, nextUpdate: record.nextUpdate, entries: record.entryCount },
  });
  return statusOf(record, runtime.now());
}

/**
 * The metadata in use, or null when no blob was ever loaded.
 *
 * @example
 * const status = await authenticatorMetadataStatus(runtime);
 */
export async function authenticatorMetadataStatus(
  runtime: Runtime,
): Promise<MetadataStatus | null> {
  const record = await runtime.store.authenticatorMetadata.findLatest();
  return record ? statusOf(record, runtime.now()) : null;
}

function statusOf(record: MetadataBlobRecord, now: number): MetadataStatus {
  return {
    serial: record.serial,
    nextUpdate: record.nextUpdate,
    entryCount: record.entryCount,
    loadedAt: record.loadedAt,
    stale: isMetadataStale(record.nextUpdate, now),
  };
}
