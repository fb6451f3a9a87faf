/** Session-token signing keys: the record and port. See `store-port.ts` for what every port promises. */

/** The one algorithm session tokens are signed with: ECDSA P-256, what every JOSE library verifies. */
export const SESSION_TOKEN_ALGORITHM = 'ES256' as const;

/** A key an app's session tokens are signed with, or were until its rotation. */
export interface SigningKeyRecord {
  /** The key id (`kid` in the token header and the JWKS): random, unique. */
  id: string;
  appId: string;
  algorithm: typeof SESSION_TOKEN_ALGORITHM;
  /** The private key as a JWK (JSON text). It must sign, so it cannot be stored hashed. */
  privateJwk: string;
  createdAt: number;
  /**
   * When the key stops being published in the app's JWKS. Null while it is the app's signing key;
   * set on rotation, so that tokens it signed still verify until they expire.
   */
  retiresAt: number | null;
}

export interface SigningKeysPort {
  insert(key: SigningKeyRecord): Promise<void>;
  /** The app's keys that are still published at `at` (never retired, or retiring later), newest first. */
  listPublished(appId: string, at: number): Promise<SigningKeyRecord[]>;
  /**
   * Sets `retiresAt` on every key of the app that has none, except `keepId`: the rotation step.
   * Returns how many keys were retired.
   */
  retireOthers(appId: string, keepId: string, retiresAt: number): Promise<number>;
}
