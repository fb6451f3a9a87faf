/** Step-up tokens: the record and port. See `store-port.ts` for what every port promises. */

/** A step-up token, stored only as its hash. */
export interface StepUpTokenRecord {
  /** SHA-256 (hex) of the token. */
  hash: string;
  appId: string;
  actionId: string;
  userId: string;
  actionCode: string;
  idempotencyKey: string;
  scopes: string[];
  /**
   * For a token handed out by a successful ceremony: whether the user was verified (UV). Null for
   * tokens handed out by `track`, which no ceremony stands behind.
   */
  userVerified: boolean | null;
  expiresAt: number;
  createdAt: number;
}

export interface StepUpTokensPort {
  insert(token: StepUpTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<StepUpTokenRecord | null>;
}
