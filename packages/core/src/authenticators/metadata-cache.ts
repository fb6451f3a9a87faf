/**
 * The metadata in use, per store: parsed once per blob and kept in memory. Every look-up asks the
 * store for the newest serial (one small read), so a blob loaded through another instance is used
 * from the next registration on, with no restart.
 */
import type { Runtime } from '../runtime.ts';
import type { Store } from '../store-port.ts';
import { readMetadataBlob, type VerifiedMetadataBlob } from './metadata-blob.ts';

const cache = new WeakMap<Store, Promise<VerifiedMetadataBlob | null>>();

/**
 * The newest loaded metadata, or null when none was ever loaded.
 *
 * @example
 * const metadata = await currentMetadata(runtime);
 * metadata?.entries.get(aaguid)?.metadataStatement
 */
export async function currentMetadata(runtime: Runtime): Promise<VerifiedMetadataBlob | null> {
  const { store } = runtime;
  const serial = await store.authenticatorMetadata.latestSerial();
  if (serial === null) return null;
  const cached = await cache.get(store);
  if (cached && cached.serial === serial) return cached;
  const loading = store.authenticatorMetadata
    .findLatest()
    .then((record) => (record ? readMetadataBlob(record.blob) : null));
  cache.set(store, loading);
  try {
    return await loading;
  } catch (error) {
    // A failed read must not stick: the next look-up tries again.
    if (cache.get(store) === loading) cache.delete(store);
    throw error;
  }
}
