/**
 * Moving an app's users and passkeys in and out in bulk: the port. See `store-port.ts` for what
 * every port promises.
 */
import type { CredentialRecord } from '../credentials/credential-port.ts';
import type { UserRecord } from '../users/user-port.ts';

/** One user of an export page with every passkey of theirs. */
export interface ExportedRow {
  user: UserRecord;
  credentials: CredentialRecord[];
}

/** One user to import with the passkeys to add to them, already checked by the core. */
export interface ImportBatchItem {
  /** The user to create when the app has none with this external id. */
  user: UserRecord;
  credentials: CredentialRecord[];
}

/** What happened to one user of a batch. */
export const IMPORT_USER_OUTCOMES = ['created', 'existing', 'handle_taken'] as const;
export type ImportUserOutcome = (typeof IMPORT_USER_OUTCOMES)[number];

/**
 * What happened to one passkey of a batch:
 * - `imported`: stored now;
 * - `already_present`: this app already has this credential id for this user with this public key;
 * - `taken`: this app has the credential id for another user, or with another public key;
 * - `other_app`: another app has the credential id (it is not copied across);
 * - `user_skipped`: its user was not imported, so neither is it.
 */
export const IMPORT_CREDENTIAL_OUTCOMES = [
  'imported',
  'already_present',
  'taken',
  'other_app',
  'user_skipped',
] as const;
export type ImportCredentialOutcome = (typeof IMPORT_CREDENTIAL_OUTCOMES)[number];

/** The outcome of one item, in the order of the batch. */
export interface ImportBatchOutcome {
  user: ImportUserOutcome;
  credentials: ImportCredentialOutcome[];
}

export interface PortabilityPort {
  /**
   * One page of an app's users in order of external id, with their passkeys: the users whose
   * external id sorts after `afterExternalId` (from the start when null), at most `limit` of them.
   * Paging by external id walks the (app, external id) index, so each page costs the same however
   * far into an app of millions it is.
   */
  exportPage(appId: string, afterExternalId: string | null, limit: number): Promise<ExportedRow[]>;
  /**
   * Writes one batch atomically: each item's user is created unless the app has one with its
   * external id (`existing`: that user is kept as it is) or another user of the app holds its
   * WebAuthn user handle (`handle_taken`); each credential is added to the user unless its
   * credential id is stored already, in this app or another. Items are taken in order, so a
   * credential id or handle repeated in the batch is seen as taken by the first. With `dryRun` the
   * same work is done and then rolled back, so the outcomes are those a real run would give.
   */
  importBatch(
    appId: string,
    items: ImportBatchItem[],
    options: { dryRun: boolean },
  ): Promise<ImportBatchOutcome[]>;
}
