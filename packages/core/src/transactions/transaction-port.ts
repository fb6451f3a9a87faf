/** Transactions, the app backend's grants for one flex ceremony: the record and port. See `store-port.ts` for what every port promises. */
import type { Hint } from '../apps/policy.ts';
import type { AuditOfChange } from '../audit/audit-port.ts';
import type { CeremonyKind, CeremonyRecord } from '../ceremonies/ceremony-port.ts';
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
   * A sign-in's transaction: inserts `transaction` for the app's user with `externalId` if that
   * user holds a passkey, and its audit event (`audit`, with the user filled in) with it, in one
   * statement where the database allows. Returns the user's id, or null (nothing written) when the
   * app has no such user or the user holds no passkey.
   */
  insertForPasskeyHolder(
    externalId: string,
    transaction: Omit<TransactionRecord, 'userId'>,
    audit: AuditOfChange,
  ): Promise<string | null>;
  /**
   * A ceremony started from a transaction: consumes the unexpired, unconsumed transaction of this
   * app and kind and reads its user's credentials (oldest first); then, when the user holds one
   * (or `requireCredentials` is false), inserts `ceremony` for the transaction's user and its
   * audit event (`audit`, with the user filled in). One statement where the database allows.
   * Null when the transaction was not consumed here; otherwise the transaction and credentials,
   * whether or not the ceremony was inserted (it was not when credentials were required and
   * there were none).
   */
  consumeForCeremony(options: {
    appId: string;
    transactionId: string;
    kind: CeremonyKind;
    at: number;
    requireCredentials: boolean;
    ceremony: Omit<CeremonyRecord, 'userId'>;
    audit: AuditOfChange;
  }): Promise<{ transaction: TransactionRecord; credentials: CredentialRecord[] } | null>;
}
