/** Operators' tokens and console sessions: the records and ports. See `store-port.ts` for what every port promises. */

/** An operator's credential for the admin API, stored only as the hash of its secret. */
export interface OperatorTokenRecord {
  id: string;
  /** Who or what it is for, as given when it was made ("alice", "deploy bot"). */
  name: string;
  /** SHA-256 (hex) of the secret part; the token itself is never stored. */
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A console session: a short-lived bearer exchanged for an operator token, stored by hash. */
export interface OperatorSessionRecord {
  /** SHA-256 (hex) of the session secret. */
  hash: string;
  /** The operator token it was exchanged for (`env` for `LATCHKEY_ADMIN_TOKEN`). */
  tokenId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /**
   * HMAC-SHA256 (hex), keyed by the session secret, of the SHA-256 of the credential the session
   * was exchanged for: checked on every use against the credential in force now. Keyed by the
   * secret, so a database dump does not give a hash to guess `LATCHKEY_ADMIN_TOKEN` against. Null
   * for sessions from before bindings, which are refused.
   */
  tokenBinding: string | null;
}

export interface OperatorTokensPort {
  insert(token: OperatorTokenRecord): Promise<void>;
  findById(id: string): Promise<OperatorTokenRecord | null>;
  list(): Promise<OperatorTokenRecord[]>;
  /** Sets revokedAt where not yet revoked. Returns whether this call revoked it. */
  revoke(id: string, at: number): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}

export interface OperatorSessionsPort {
  insert(session: OperatorSessionRecord): Promise<void>;
  /** The session with this hash while unrevoked and unexpired at `at`; null otherwise. */
  findActive(hash: string, at: number): Promise<OperatorSessionRecord | null>;
  /** Moves an active session's expiry (never past what the caller computed). */
  extend(hash: string, expiresAt: number): Promise<void>;
  /** Ends a session. Returns whether an active one was ended now. */
  revoke(hash: string, at: number): Promise<boolean>;
}
