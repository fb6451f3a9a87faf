/** Registered passkeys (devices): the record and port. See `store-port.ts` for what every port promises. */
import type { UserRecord } from '../users/user-port.ts';

export const CREDENTIAL_TYPES = ['passkey', 'security_key', 'platform'] as const;

export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

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

export interface CredentialsPort {
  /** Inserts a credential. Returns false (and writes nothing) when its credential id exists in the app. */
  insert(credential: CredentialRecord): Promise<boolean>;
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
