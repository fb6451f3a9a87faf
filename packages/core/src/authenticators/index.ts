export * from './check-authenticator.ts';
export * from './load-metadata.ts';
export {
  COMPROMISED_STATUSES,
  isMetadataStale,
  MAX_METADATA_BLOB_BYTES,
  readMetadataBlob,
  type VerifiedMetadataBlob,
  verifyMetadataBlob,
} from './metadata-blob.ts';
export { currentMetadata } from './metadata-cache.ts';
export * from './passkey-requirement.ts';
