/** Verified FIDO MDS3 blobs: the record and port. See `store-port.ts` for what every port promises. */

/** One verified metadata blob as the operator loaded it. */
export interface MetadataBlobRecord {
  /** The blob's serial number (`no`); a newer blob has a greater one. */
  serial: number;
  /** The blob's `nextUpdate` (`YYYY-MM-DD`): after it, a newer blob should have been loaded. */
  nextUpdate: string;
  entryCount: number;
  /** The JWS, verified before it was stored. */
  blob: string;
  loadedAt: number;
}

export interface AuthenticatorMetadataPort {
  /** The greatest stored serial, or null when no blob was ever loaded. One small read. */
  latestSerial(): Promise<number | null>;
  /** The blob with the greatest serial, or null. */
  findLatest(): Promise<MetadataBlobRecord | null>;
  /**
   * Stores a blob whose serial is above every stored one and drops the older ones. Returns false
   * (and writes nothing) when a blob with that serial or a greater one is already stored.
   */
  insert(record: MetadataBlobRecord): Promise<boolean>;
}
