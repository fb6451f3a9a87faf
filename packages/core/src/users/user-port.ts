/** An app's users: the record and port, and the page of a listing. See `store-port.ts` for what every port promises. */

export const USER_STATUSES = ['active', 'inactive', 'pending'] as const;

export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserRecord {
  id: string;
  appId: string;
  /** The app's own id for this user. Unique per app. */
  externalId: string;
  displayName: string;
  /** The random WebAuthn user handle (base64url); never derived from the external id. */
  webauthnUserId: string;
  status: UserStatus;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  loginCount: number;
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface UsersPort {
  /**
   * Returns the user with this external id, creating it from `candidate` when absent. Safe under
   * concurrent calls for one external id: all callers get the same row.
   */
  upsertByExternalId(candidate: UserRecord): Promise<UserRecord>;
  findById(appId: string, id: string): Promise<UserRecord | null>;
  findByExternalId(appId: string, externalId: string): Promise<UserRecord | null>;
  /**
   * The user with this external id and how many passkeys they hold, in one read (a sign-in's
   * transaction needs both). Null when no such user.
   */
  findWithPasskeyCount(
    appId: string,
    externalId: string,
  ): Promise<{ user: UserRecord; passkeys: number } | null>;
  /** Users of an app, newest first; `externalId` filters to an exact match. */
  list(
    appId: string,
    options: { externalId?: string; limit: number; offset: number; createdBefore?: number },
  ): Promise<Page<UserRecord>>;
  /** Bumps lastLoginAt and loginCount; returns the user as updated, or null when no such user. */
  recordLogin(appId: string, id: string, at: number): Promise<UserRecord | null>;
  updateDisplayName(appId: string, id: string, displayName: string, at: number): Promise<void>;
  /** Deletes a user with its credentials and actions. Returns whether a user of that app was deleted. */
  delete(appId: string, id: string): Promise<boolean>;
}
