/** Registered passkeys (devices): the record and port. See `store-port.ts` for what every port promises. */

import type { EventRows } from '../audit/audit-port.ts';
import type { UserRecord } from '../users/user-port.ts';

export const CREDENTIAL_TYPES = ['passkey', 'security_key', 'platform'] as const;

export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/**
 * Why a passkey was revoked, where it was not removed by name (an app, a user or an operator
 * revoking one device records no reason): `recovery`, an account recovery replaced it.
 */
export const REVOCATION_REASONS = ['recovery'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface CredentialRecord {
  /** The device id: what management APIs revoke by. Not the credential id. */
  id: string;
  appId: string;
  userId: string;
  /** WebAuthn credential id, base64url. Unique per app. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** COSE algorithm identifier (-7 ES256, -8 EdDSA, -257 RS256). */
  algorithm: number;
  counter: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  /** Client-reported authenticatorAttachment: advice, kept for display only. */
  attachment: string | null;
  type: CredentialType;
  friendlyName: string;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  usageCount: number;
  /**
   * Whether the AAGUID was attested at registration (the attestation chained to a root of the
   * authenticator's FIDO metadata statement); false (or absent) when it is only self-reported.
   */
  aaguidAttested?: boolean;
  /** Made by an automatic passkey upgrade (a conditional create after a password sign-in). */
  createdByUpgrade: boolean;
  /**
   * The browser reported the PRF extension enabled at registration (`prf.enabled` in the
   * client's extension results). Client-reported: a statement of the browser, not attested.
   */
  prfEnabled: boolean;
}

/**
 * What storing a credential a ceremony made came to:
 * - `inserted`: it is stored;
 * - `exists`: its credential id is already registered in the app (nothing was written);
 * - `superseded`: its user's account was recovered (other passkeys revoked) at or after the
 *   ceremony was issued, or the user is gone (nothing was written).
 */
export const CREDENTIAL_INSERT_OUTCOMES = ['inserted', 'exists', 'superseded'] as const;
export type CredentialInsertOutcome = (typeof CREDENTIAL_INSERT_OUTCOMES)[number];

/** What a recovery registration writes, all in one database transaction (see `recover`). */
export interface RecoveryWrite {
  /** The new passkey, verified like any registration. */
  credential: CredentialRecord;
  /** When the ceremony that made it was issued: a recovery since then refuses it (`superseded`). */
  ceremonyIssuedAt: number;
  /** When this recovery happens: kept as the user's last recovery where others are revoked. */
  at: number;
  /** Whether every other credential of the user is deleted. */
  revokeOthers: boolean;
  /**
   * The audit events (and their webhook outbox events) of the outcome, given the credentials the
   * transaction actually deleted; written in the same transaction. Must not throw but to abort.
   */
  events(revoked: CredentialRecord[]): EventRows[];
}

/** What {@link CredentialsPort.recover} did: the outcome, and what it deleted. */
export interface RecoveryResult {
  outcome: CredentialInsertOutcome;
  /** The user's other credentials, deleted; empty unless `inserted` with `revokeOthers`. */
  revoked: CredentialRecord[];
}

export interface CredentialsPort {
  /** Inserts a credential. Returns false (and writes nothing) when its credential id exists in the app. */
  insert(credential: CredentialRecord): Promise<boolean>;
  /**
   * Inserts a credential made by a registration ceremony issued at `ceremonyIssuedAt`, in one
   * statement that also checks its user was not recovered since (the statement waits for a
   * recovery of the user in progress, and then sees it). So a registration racing a recovery
   * either lands first, and the recovery deletes it, or is refused.
   */
  insertFromCeremony(
    credential: CredentialRecord,
    ceremonyIssuedAt: number,
  ): Promise<CredentialInsertOutcome>;
  /**
   * A recovery registration, atomically: refuses it as `insertFromCeremony` would; otherwise
   * inserts the credential and, with `revokeOthers`, records the user's recovery and deletes
   * every other credential of theirs, then writes `events(deleted)`. Either all of it is stored or
   * none of it. A registration of the same user in flight waits for it (see `insertFromCeremony`).
   */
  recover(write: RecoveryWrite): Promise<RecoveryResult>;
  findByCredentialId(appId: string, credentialId: string): Promise<CredentialRecord | null>;
  findById(appId: string, id: string): Promise<CredentialRecord | null>;
  listByUser(appId: string, userId: string): Promise<CredentialRecord[]>;
  countByUser(appId: string, userId: string): Promise<number>;
  /**
   * Records a successful use: stores `counter` and `backupState`, bumps usageCount and lastUsedAt.
   * When `counter` is above zero the write happens only while the stored counter is below it, so two
   * racing assertions cannot both move the counter to the same value. Returns whether it wrote.
   */
  recordUse(
    appId: string,
    id: string,
    use: { counter: number; backupState: boolean; at: number; enforceIncrease: boolean },
  ): Promise<boolean>;
  /**
   * Records a verified sign-in with a credential, in one statement where the database allows: the
   * use as `recordUse` does; then the user's login as `UsersPort.recordLogin` does, unless
   * `loginOnlyIfCounted` and the use was not written (a clone's assertion that lost the counter
   * race is refused, and is no login); and, with `listCredentials`, the ids of the credentials the
   * user holds (oldest first). `counted` says whether the use was written; `user` is null when
   * the login was not recorded or the user is gone.
   */
  recordSignIn(options: {
    appId: string;
    /** The credential's row id. */
    id: string;
    userId: string;
    use: { counter: number; backupState: boolean; at: number; enforceIncrease: boolean };
    loginOnlyIfCounted: boolean;
    listCredentials: boolean;
  }): Promise<{ counted: boolean; user: UserRecord | null; credentialIds: string[] }>;
  /** Deletes a user's credential. Returns whether a row of that app and user was deleted. */
  delete(appId: string, userId: string, id: string): Promise<boolean>;
  /** How many credentials the app holds, over all its users. */
  countByApp(appId: string): Promise<number>;
}
