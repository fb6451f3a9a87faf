/**
 * The store port: everything the domain core asks of persistence, and nothing more. Records are
 * plain data (times are epoch milliseconds, binary values base64url strings), free of any driver's
 * types. Every adapter passes the same contract suite (`@latchkey/store`'s `storeContract`).
 *
 * Lookups return `null` when absent. A single-use consumption is one atomic statement whose result
 * says whether this caller won; nothing here reads-then-writes.
 */
import type { AppPolicy } from './apps/policy.ts';
import type { AuditEventType } from './audit/audit-events.ts';

export interface AppRecord {
  id: string;
  name: string;
  rpId: string;
  /** Exact origins (web `https://host[:port]` or `android:apk-key-hash:…`) allowed in clientDataJSON. */
  origins: string[];
  policy: AppPolicy;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKeyRecord {
  id: string;
  appId: string;
  /** SHA-256 (hex) of the secret part of the key; the key itself is never stored. */
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

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
}

export const CEREMONY_KINDS = ['register', 'authenticate'] as const;
export type CeremonyKind = (typeof CEREMONY_KINDS)[number];

export interface CeremonyRecord {
  id: string;
  appId: string;
  kind: CeremonyKind;
  /** base64url challenge exactly as sent in the options. */
  challenge: string;
  /** The user the ceremony is bound to; null for a discoverable sign-in. */
  userId: string | null;
  transactionId: string | null;
  /** Whether user verification is required for this ceremony's response. */
  userVerificationRequired: boolean;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface TransactionRecord {
  id: string;
  appId: string;
  kind: CeremonyKind;
  userId: string;
  passkeyDisplayName: string | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface NonceRecord {
  /** SHA-256 (hex) of the nonce; the nonce itself is never stored. */
  hash: string;
  appId: string;
  userId: string;
  kind: CeremonyKind;
  credentialId: string;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface AuditEventRecord {
  id: string;
  appId: string | null;
  type: AuditEventType;
  at: number;
  userId: string | null;
  /** The device id (credential row id), where one is concerned. */
  credentialId: string | null;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: Record<string, unknown> | null;
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface AppsPort {
  insert(app: AppRecord): Promise<void>;
  findById(id: string): Promise<AppRecord | null>;
  list(): Promise<AppRecord[]>;
  /** Replaces name, rpId, origins, policy and updatedAt. Returns false when no such app. */
  update(app: AppRecord): Promise<boolean>;
}

export interface ApiKeysPort {
  insert(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  listByApp(appId: string): Promise<ApiKeyRecord[]>;
  /** Sets revokedAt where not yet revoked. Returns whether a key of that app was revoked now. */
  revoke(appId: string, id: string, at: number): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}

export interface UsersPort {
  /**
   * Returns the user with this external id, creating it from `candidate` when absent. Safe under
   * concurrent calls for one external id: all callers get the same row.
   */
  upsertByExternalId(candidate: UserRecord): Promise<UserRecord>;
  findById(appId: string, id: string): Promise<UserRecord | null>;
  findByExternalId(appId: string, externalId: string): Promise<UserRecord | null>;
  /** Users of an app, newest first; `externalId` filters to an exact match. */
  list(
    appId: string,
    options: { externalId?: string; limit: number; offset: number; createdBefore?: number },
  ): Promise<Page<UserRecord>>;
  /** Bumps lastLoginAt and loginCount. */
  recordLogin(appId: string, id: string, at: number): Promise<void>;
  updateDisplayName(appId: string, id: string, displayName: string, at: number): Promise<void>;
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
  /** Deletes a user's credential. Returns whether a row of that app and user was deleted. */
  delete(appId: string, userId: string, id: string): Promise<boolean>;
}

export interface CeremoniesPort {
  insert(ceremony: CeremonyRecord): Promise<void>;
  /**
   * Burns the ceremony: marks it consumed if it belongs to the app and was not consumed before.
   * Returns the ceremony as it was stored (expired or not: the caller decides), or null if it was
   * unknown, of another app, or already consumed.
   */
  consume(appId: string, id: string, at: number): Promise<CeremonyRecord | null>;
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
}

export interface NoncesPort {
  insert(nonce: NonceRecord): Promise<void>;
  /** Consumes an unexpired, unconsumed nonce of this app by its hash. Null when none. */
  consume(appId: string, hash: string, at: number): Promise<NonceRecord | null>;
}

export interface AuditPort {
  append(event: AuditEventRecord): Promise<void>;
  list(options: {
    appId?: string;
    userId?: string;
    type?: AuditEventType;
    limit: number;
  }): Promise<AuditEventRecord[]>;
}

/** The whole store, as the core sees it. */
export interface Store {
  apps: AppsPort;
  apiKeys: ApiKeysPort;
  users: UsersPort;
  credentials: CredentialsPort;
  ceremonies: CeremoniesPort;
  transactions: TransactionsPort;
  nonces: NoncesPort;
  audit: AuditPort;
  /** Whether the database answers; used by readiness checks. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
