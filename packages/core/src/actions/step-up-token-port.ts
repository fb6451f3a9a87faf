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
  expiresAt: number;
  createdAt: number;
}

export interface StepUpTokensPort {
  insert(token: StepUpTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<StepUpTokenRecord | null>;
}
