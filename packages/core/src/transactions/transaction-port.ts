/** Transactions, the app backend's grants for one flex ceremony: the record and port. See `store-port.ts` for what every port promises. */
import type { Hint } from '../apps/policy.ts';
import type { CeremonyKind } from '../ceremonies/ceremony-port.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import type { RecoveryMode } from '../recovery/recovery-mode.ts';

export interface TransactionRecord {
  id: string;
  appId: string;
  kind: CeremonyKind;
  userId: string;
  passkeyDisplayName: string | null;
  /** The hints this transaction's ceremony offers instead of the app's; null: the app's. */
  hints: Hint[] | null;
  /** Register only: an automatic passkey upgrade, run as a conditional create. */
  upgrade: boolean;
  /** Register only: an account recovery the app's backend asked for, and its choice; else null. */
  recovery: RecoveryMode | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface TransactionsPort {
  insert(transaction: TransactionRecord): Promise<void>;
  /** Consumes an unexpired, unconsumed transaction of this app and kind. Null when none. */
  consume(
    appId: string,
    id: string,
    kind: CeremonyKind,
    at: number,
  ): Promise<TransactionRecord | null>;
  /**
   * Consumes as `consume` does and, when it wins, reads the transaction user's credentials (oldest
   * first) with it: one statement where the database allows (a ceremony start needs both).
   */
  consumeWithCredentials(
    appId: string,
    id: string,
    kind: CeremonyKind,
    at: number,
  ): Promise<{ transaction: TransactionRecord; credentials: CredentialRecord[] } | null>;
}
