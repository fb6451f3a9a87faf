/**
 * The store port: everything the domain core asks of persistence, and nothing more. Records are
 * plain data (times are epoch milliseconds, binary values base64url strings), free of any driver's
 * types. Every adapter passes the same contract suite (`@latchkey/store`'s `storeContract`).
 *
 * Lookups return `null` when absent. A single-use consumption is one atomic statement whose result
 * says whether this caller won; nothing here reads-then-writes.
 */
import type { ActionRule } from './actions/action-config.ts';
import type { ActionState, RuleOutcome } from './actions/action-states.ts';
import type { AppPolicy } from './apps/policy.ts';
import type { AuditEventType } from './audit/audit-events.ts';
import type { CeremoniesPort, CeremonyKind } from './ceremonies/ceremony-port.ts';

export * from './ceremonies/ceremony-port.ts';

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
  /** Bumps lastLoginAt and loginCount; returns the user as updated, or null when no such user. */
  recordLogin(appId: string, id: string, at: number): Promise<UserRecord | null>;
  updateDisplayName(appId: string, id: string, displayName: string, at: number): Promise<void>;
  /** Deletes a user with its credentials and actions. Returns whether a user of that app was deleted. */
  delete(appId: string, id: string): Promise<boolean>;
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

/** The stored configuration of one action code of an app. */
export interface ActionConfigRecord {
  appId: string;
  actionCode: string;
  defaultOutcome: RuleOutcome;
  rules: ActionRule[];
  /** Starts at 1 and grows by one with every change. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A rule as it fired for an action: kept with the action, so later edits do not rewrite history. */
export interface FiredRule {
  ruleId: string;
  name: string;
  description: string | null;
}

/** One tracked action. */
export interface ActionRecord {
  id: string;
  appId: string;
  userId: string;
  actionCode: string;
  /** Unique per (app, user, action code). */
  idempotencyKey: string;
  state: ActionState;
  /** The tracked attributes as received (the body of `track`). */
  attributes: Record<string, unknown>;
  /** The custom attributes, the ones a step-up challenge commits to. */
  custom: Record<string, string | number | boolean>;
  /** SHA-256 (hex) of the canonical JSON of `custom`; null when there were none. */
  attributesHash: string | null;
  /** SHA-256 (hex) of the canonical JSON of `attributes`: tells a replay from a reused key. */
  requestHash: string;
  rules: FiredRule[];
  ipAddress: string | null;
  userAgent: string | null;
  deviceId: string | null;
  /** The credential (device id) that verified the action, where one did. */
  verifiedByCredentialId: string | null;
  createdAt: number;
  updatedAt: number;
  stateUpdatedAt: number;
  /** When the app's backend validated the result; a result is validated once. */
  validatedAt: number | null;
}

/** One recorded change of an action's state (the first has `fromState` null). */
export interface ActionStateChangeRecord {
  id: string;
  appId: string;
  actionId: string;
  fromState: ActionState | null;
  toState: ActionState;
  at: number;
  ruleIds: string[];
  credentialId: string | null;
  reason: string | null;
}

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

export interface ActionConfigsPort {
  /** Inserts or replaces the configuration of an action code, one version up. Returns it as stored. */
  put(config: Omit<ActionConfigRecord, 'version' | 'createdAt'>): Promise<ActionConfigRecord>;
  find(appId: string, actionCode: string): Promise<ActionConfigRecord | null>;
  list(appId: string): Promise<ActionConfigRecord[]>;
}

export interface ActionsPort {
  /**
   * Inserts the action unless one with its (app, user, action code, idempotency key) exists, and
   * returns the stored one. Safe under concurrent calls: all callers get the same row, and exactly
   * one of them `created` it.
   */
  insertOrGet(action: ActionRecord): Promise<{ action: ActionRecord; created: boolean }>;
  findById(appId: string, id: string): Promise<ActionRecord | null>;
  findByKey(
    appId: string,
    userId: string,
    actionCode: string,
    idempotencyKey: string,
  ): Promise<ActionRecord | null>;
  /** A user's actions, newest first. */
  listByUser(
    appId: string,
    userId: string,
    filter: { since?: number; codes?: string[]; state?: ActionState; limit: number },
  ): Promise<ActionRecord[]>;
  /**
   * Moves the action from `from` to `to` in one conditional statement. Returns the updated action,
   * or null when it was not in `from` any more (someone else moved it first).
   */
  transition(
    appId: string,
    id: string,
    change: { from: ActionState; to: ActionState; at: number; credentialId: string | null },
  ): Promise<ActionRecord | null>;
  /** Sets validatedAt where unset. Returns whether this call did. */
  markValidated(appId: string, id: string, at: number): Promise<boolean>;
  /** Whether another action of the user was tracked with this device id or IP address. */
  seenBefore(
    appId: string,
    userId: string,
    what: { deviceId: string } | { ipAddress: string },
  ): Promise<boolean>;
  appendChange(change: ActionStateChangeRecord): Promise<void>;
  /** An action's state changes, oldest first. */
  listChanges(appId: string, actionId: string): Promise<ActionStateChangeRecord[]>;
}

export interface StepUpTokensPort {
  insert(token: StepUpTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<StepUpTokenRecord | null>;
}

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

/** Filters of the operators' audit search; every field narrows. */
export interface AuditSearch {
  appId?: string;
  userId?: string;
  types?: AuditEventType[];
  /** Inclusive lower bound of `at`. */
  since?: number;
  /** Exclusive upper bound of `at`. */
  until?: number;
  limit: number;
}

/** Filters of the operators' actions search, across an app's users. */
export interface ActionSearch {
  appId: string;
  userId?: string;
  actionCode?: string;
  state?: ActionState;
  since?: number;
  until?: number;
  limit: number;
}

/** Read-mostly queries the console needs beyond what the wire surfaces use. */
export interface AdminQueriesPort {
  /** Audit events newest first. */
  searchAudit(search: AuditSearch): Promise<AuditEventRecord[]>;
  /** Actions newest first. */
  searchActions(search: ActionSearch): Promise<ActionRecord[]>;
  /** Users of an app whose external id starts with `prefix`, newest first. */
  searchUsers(
    appId: string,
    options: { prefix: string; limit: number; offset: number },
  ): Promise<Page<UserRecord>>;
  /** Deletes an action code's configuration. Returns whether one was deleted. */
  deleteActionConfig(appId: string, actionCode: string): Promise<boolean>;
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
  actionConfigs: ActionConfigsPort;
  actions: ActionsPort;
  stepUpTokens: StepUpTokensPort;
  operatorTokens: OperatorTokensPort;
  operatorSessions: OperatorSessionsPort;
  adminQueries: AdminQueriesPort;
  /** Whether the database answers; used by readiness checks. */
  ping(): Promise<boolean>;
  /**
   * Resolves once every write made so far is durable; rejects if committing it failed. A store may
   * defer commits to group them (SQLite does, within one event-loop turn): the server waits for
   * this before answering any request, so nothing is acknowledged before it is stored.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
}
