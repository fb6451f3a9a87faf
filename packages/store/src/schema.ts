/**
 * The one Kysely schema both dialects share. Column types are what the drivers hand back: times are
 * epoch milliseconds (bigint in PostgreSQL, parsed to numbers; integer in SQLite), booleans are 0/1
 * integers and lists or objects are JSON text, so the same row mapping works on either database.
 */
import type {
  ActionState,
  AuditEventType,
  CeremonyBindingType,
  CeremonyKind,
  CredentialType,
  RuleOutcome,
  UserStatus,
  WebhookDeliveryState,
  WebhookEventType,
} from '@latchkey/core';
import type { Generated } from 'kysely';

/** `apps`: one relying party. */
export interface AppsTable {
  id: string;
  name: string;
  rp_id: string;
  /** JSON array of strings. */
  origins: string;
  /** JSON object (`AppPolicy`). */
  policy: string;
  created_at: number;
  updated_at: number;
}

/** `api_keys`: hashed management API keys of an app. */
export interface ApiKeysTable {
  id: string;
  app_id: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** `users`: an app's users, keyed by the app's own external id. */
export interface UsersTable {
  id: string;
  app_id: string;
  external_id: string;
  display_name: string;
  webauthn_user_id: string;
  status: UserStatus;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  login_count: number;
  /** When a recovery last revoked the user's passkeys; null when never. */
  recovered_at: Generated<number | null>;
}

/** `credentials`: registered passkeys (devices). */
export interface CredentialsTable {
  id: string;
  app_id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  algorithm: number;
  counter: number;
  /** JSON array of strings. */
  transports: string;
  aaguid: string;
  /** 0/1. */
  backup_eligible: number;
  /** 0/1. */
  backup_state: number;
  attachment: string | null;
  type: CredentialType;
  friendly_name: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  usage_count: number;
  /** 0/1: whether the AAGUID was attested against FIDO metadata (else self-reported). */
  aaguid_attested: number;
  /** 0/1, default 0. */
  created_by_upgrade: Generated<number>;
  /** 0/1, default 0: client-reported at registration. */
  prf_enabled: Generated<number>;
}

/**
 * `ceremonies`: issued WebAuthn challenges of every product, burnt on first use. `binding` says what
 * a ceremony answers for; `transaction_id` is set for a transaction binding, the `action_*` columns
 * for an action binding (`action_id` null for a passkey sign-in whose action is made on success).
 */
export interface CeremoniesTable {
  id: string;
  app_id: string;
  kind: CeremonyKind;
  challenge: string;
  user_id: string | null;
  binding: CeremonyBindingType;
  transaction_id: string | null;
  action_id: string | null;
  action_code: string | null;
  attributes_hash: string | null;
  /** 0/1. */
  user_verification_required: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
  /** 0/1, default 0: a conditional create (automatic passkey upgrade). */
  conditional: Generated<number>;
  /** 0/1, default 0: a registration that recovers the user's account. */
  recovery: Generated<number>;
  /** 0/1, default 0: a recovery that revokes the user's other passkeys. */
  revoke_other_passkeys: Generated<number>;
}

/** `transactions`: server-to-server grants to run one ceremony for one user. */
export interface TransactionsTable {
  id: string;
  app_id: string;
  kind: CeremonyKind;
  user_id: string;
  passkey_display_name: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
  /** JSON array of WebAuthn hints, or null for the app's. */
  hints: string | null;
  /** 0/1, default 0: an automatic passkey upgrade. */
  upgrade: Generated<number>;
  /** 0/1, default 0: a registration that recovers the user's account. */
  recovery: Generated<number>;
  /** 0/1, default 0: a recovery that revokes the user's other passkeys. */
  revoke_other_passkeys: Generated<number>;
}

/** `nonces`: single-use proofs of a finished ceremony, stored by hash. */
export interface NoncesTable {
  hash: string;
  app_id: string;
  user_id: string;
  kind: CeremonyKind;
  credential_id: string;
  /** 1 or 0; null for nonces from before this was recorded. */
  user_verified: number | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

/** `signing_keys`: each app's session-token signing keys (see `SigningKeyRecord`). */
export interface SigningKeysTable {
  id: string;
  app_id: string;
  algorithm: 'ES256';
  private_jwk: string;
  created_at: number;
  retires_at: number | null;
}

/** `audit_events`: the append-only security log. */
export interface AuditEventsTable {
  id: string;
  app_id: string | null;
  type: AuditEventType;
  at: number;
  user_id: string | null;
  credential_id: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON object, or null. */
  data: string | null;
}

/** `action_configs`: the rules of each action code of an app. */
export interface ActionConfigsTable {
  app_id: string;
  action_code: string;
  default_outcome: RuleOutcome;
  /** JSON array of rules. */
  rules: string;
  version: number;
  created_at: number;
  updated_at: number;
  /** JSON `PasskeyRequirement`, or null. */
  passkey_requirement: string | null;
}

/** `actions`: tracked actions. */
export interface ActionsTable {
  id: string;
  app_id: string;
  user_id: string;
  action_code: string;
  idempotency_key: string;
  state: ActionState;
  /** JSON object. */
  attributes: string;
  /** JSON object. */
  custom: string;
  attributes_hash: string | null;
  request_hash: string;
  /** JSON array of fired rules. */
  rules: string;
  ip_address: string | null;
  user_agent: string | null;
  device_id: string | null;
  verified_by_credential_id: string | null;
  created_at: number;
  updated_at: number;
  state_updated_at: number;
  validated_at: number | null;
  /** JSON `PasskeyRequirement`, or null. */
  passkey_requirement: string | null;
}

/** `action_state_changes`: the history of every action's state. */
export interface ActionStateChangesTable {
  id: string;
  app_id: string;
  action_id: string;
  from_state: ActionState | null;
  to_state: ActionState;
  at: number;
  /** JSON array of rule ids. */
  rule_ids: string;
  credential_id: string | null;
  reason: string | null;
}

/** `step_up_tokens`: action tokens, stored by hash. */
export interface StepUpTokensTable {
  hash: string;
  app_id: string;
  action_id: string;
  user_id: string;
  action_code: string;
  idempotency_key: string;
  /** JSON array of scopes. */
  scopes: string;
  /** 1 or 0 for tokens from a ceremony; null for tokens from `track`. */
  user_verified: number | null;
  expires_at: number;
  created_at: number;
}

/** One fixed window of one rate-limit key. */
export interface RateLimitWindowsTable {
  key: string;
  window_start: number;
  count: number;
}

/** `operator_tokens`: credentials of the admin API, stored by hash. */
export interface OperatorTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** `operator_sessions`: short-lived console sessions, stored by hash. */
export interface OperatorSessionsTable {
  hash: string;
  token_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** See `OperatorSessionRecord.tokenBinding`; null for sessions made before it existed. */
  token_binding: string | null;
}

/** `webhook_endpoints`: an app's receiving URLs and their signing secrets. */
export interface WebhookEndpointsTable {
  id: string;
  app_id: string;
  url: string;
  description: string;
  enabled: number;
  /** The subscribed event names between commas: `,a,b,`. */
  events: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** `webhook_deliveries`: the outbox, one row per event and endpoint. */
export interface WebhookDeliveriesTable {
  id: string;
  app_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  event_at: number;
  external_id: string | null;
  /** JSON object: the payload's `data` besides `app_id` and `external_id`. */
  data: string;
  state: WebhookDeliveryState;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

/** `webhook_attempts`: every HTTP attempt of a delivery. */
export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** `authenticator_metadata`: verified FIDO MDS3 blobs, the newest (greatest serial) in use. */
export interface AuthenticatorMetadataTable {
  serial: number;
  /** `YYYY-MM-DD`, as in the blob. */
  next_update: string;
  entry_count: number;
  blob: string;
  loaded_at: number;
}

/** Every table of the latchkey database, for `Kysely<Database>`. */
export interface Database {
  apps: AppsTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  credentials: CredentialsTable;
  ceremonies: CeremoniesTable;
  transactions: TransactionsTable;
  nonces: NoncesTable;
  audit_events: AuditEventsTable;
  action_configs: ActionConfigsTable;
  actions: ActionsTable;
  action_state_changes: ActionStateChangesTable;
  step_up_tokens: StepUpTokensTable;
  rate_limit_windows: RateLimitWindowsTable;
  operator_tokens: OperatorTokensTable;
  operator_sessions: OperatorSessionsTable;
  signing_keys: SigningKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  authenticator_metadata: AuthenticatorMetadataTable;
}
