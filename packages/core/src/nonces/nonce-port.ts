/** Nonces, the single-use proofs of a finished flex ceremony: the record and port. See `store-port.ts` for what every port promises. */
import type { CeremonyKind } from '../ceremonies/ceremony-port.ts';
import type { UserRecord } from '../users/user-port.ts';

export interface NonceRecord {
  /** SHA-256 (hex) of the nonce; the nonce itself is never stored. */
  hash: string;
  appId: string;
  userId: string;
  kind: CeremonyKind;
  credentialId: string;
  /** Whether the authenticator verified the user in the ceremony; null where not recorded. */
  userVerified: boolean | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface NoncesPort {
  insert(nonce: NonceRecord): Promise<void>;
  /** Consumes an unexpired, unconsumed nonce of this app by its hash. Null when none. */
  consume(appId: string, hash: string, at: number): Promise<NonceRecord | null>;
  /**
   * Consumes as `consume` does and, when it wins, reads the user the nonce names with it: one
   * statement where the database allows. The user is null if it was deleted meanwhile.
   */
  redeem(
    appId: string,
    hash: string,
    at: number,
  ): Promise<{ nonce: NonceRecord; user: UserRecord | null } | null>;
}
