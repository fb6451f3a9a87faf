/** The admin API's JSON, as the console reads it. */

export interface RateLimits {
  startsPerIp: number;
  startsPerApp: number;
  failuresPerIp: number;
  failuresPerApp: number;
}

export interface Policy {
  userVerification: string;
  attestation: string;
  residentKey: string;
  algorithms: string[];
  ceremonyTtlSeconds: number;
  transactionTtlSeconds: number;
  nonceTtlSeconds: number;
  counterPolicy: string;
  allowCrossOrigin: boolean;
  allowRemovingLastPasskey: boolean;
  rateLimits: RateLimits;
  /** The least an action gets when one of its rules cannot be evaluated. */
  onRuleError?: 'CHALLENGE' | 'REVIEW' | 'BLOCK';
  /** Web origins outside the RP ID that may use it (served as /.well-known/webauthn). */
  relatedOrigins?: string[];
  androidApps?: AndroidApp[];
  /** `TEAMID.bundle.id` of each Apple app sharing the passkeys. */
  appleAppIds?: string[];
  /** WebAuthn hints every ceremony sends unless a transaction asks for others. */
  hints?: string[];
  /** AAGUIDs that may register (empty: any not denied), and those that may not. */
  aaguidAllowList?: string[];
  aaguidDenyList?: string[];
  deviceBinding?: 'synced-allowed' | 'device-bound-only';
  requireAttestedAuthenticator?: boolean;
  /** Signed session tokens with sign-ins and validated actions. */
  sessionTokens?: { enabled: boolean; ttlSeconds: number };
}

/** An Android app sharing an app's passkeys (assetlinks.json). */
export interface AndroidApp {
  packageName: string;
  sha256CertFingerprints: string[];
  handleAllUrls: boolean;
}

export interface App {
  app_id: string;
  name: string;
  rp_id: string;
  origins: string[];
  policy: Policy;
  created_at: string;
  updated_at: string;
}

export interface ApiKey {
  key_id: string;
  status: 'active' | 'revoked';
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface User {
  user_id: string;
  external_id: string;
  display_name: string;
  status: string;
  created_at: string;
  last_login_at: string | null;
  login_count: number;
}

export interface Passkey {
  device_id: string;
  credential_id: string;
  friendly_name: string;
  type: string;
  provider: { name: string; icon_light: string | null; icon_dark: string | null } | null;
  aaguid: string;
  backup_eligible: boolean;
  backup_state: boolean;
  transports: string[];
  attachment: string | null;
  created_at: string;
  last_used_at: string | null;
  usage_count: number;
  /** Whether the AAGUID was attested against FIDO metadata at registration (else self-reported). */
  aaguid_attested?: boolean;
  prf_enabled?: boolean;
  created_by_upgrade?: boolean;
}

export type Outcome = 'ALLOW' | 'CHALLENGE' | 'REVIEW' | 'BLOCK';

export interface Rule {
  ruleId?: string;
  name: string;
  description?: string | null;
  isActive?: boolean;
  priority: number;
  outcome: Outcome;
  conditions: unknown;
}

export interface ActionConfig {
  action_code: string;
  default_outcome: Outcome;
  rules: Rule[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DryRun {
  outcome: Outcome;
  state: string;
  deciding_rule: Rule | null;
  fired: Rule[];
  /** Rules that could not be evaluated (they threw, met a wrong type, or exceeded a bound). */
  failed: Array<{ ruleId: string; name: string; message: string; bound: boolean }>;
  /** True when a failed rule decided, through the app's onRuleError policy. */
  rule_error_applied: boolean;
  context: Record<string, unknown>;
  user_known: boolean;
  config_version: number | null;
}

/** The user a record names, as the server found them (null when gone or never known). */
export interface Subject {
  user_id: string;
  external_id: string;
  display_name: string;
}

export interface Action {
  action_id: string;
  user_id: string;
  action_code: string;
  idempotency_key: string;
  state: string;
  attributes: Record<string, unknown>;
  rules: Array<{ ruleId: string; name: string }>;
  verified_by_credential_id: string | null;
  created_at: string;
  state_updated_at: string;
  validated_at: string | null;
  user: Subject | null;
}

export interface AuditEvent {
  id: string;
  type: string;
  at: string;
  app_id: string | null;
  user_id: string | null;
  credential_id: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  actor: string | null;
  data: Record<string, unknown> | null;
  user: Subject | null;
  /** The name of the operator token behind `actor`. */
  actor_name: string | null;
  /** The passkey the event names, while it is still registered. */
  credential: { friendly_name: string; provider: string | null } | null;
}

export interface CeremonyCounts {
  started: number;
  succeeded: number;
  failed: number;
  abandoned: number;
}

export interface Stats {
  days: Array<{ day: string } & CeremonyCounts>;
  since: string;
  until: string;
  bucket_seconds: number;
  buckets: Array<{ start: string } & CeremonyCounts>;
  in_progress: number;
  failure_reasons: Record<string, number>;
  actions_by_code: Record<string, Record<string, number>>;
  rule_fires: Record<string, number>;
  passkey_creations?: { created: number; upgrades: number; failed: number };
}

export interface Vocabulary {
  audit_event_types: string[];
  rule_outcomes: Outcome[];
  action_states: string[];
  rule_variables: Record<string, string>;
}

/** One user or passkey an import left out, and why. */
export interface ImportSkip {
  /** The entry's line (latchkey format) or position in the list (the other formats). */
  at: number;
  external_id: string | null;
  /** Null when the whole user was left out. */
  credential_id: string | null;
  /** An import problem code (`IMPORT_PROBLEM_HELP`). */
  reason: string;
  message: string;
}

/** What an import did, or with `dry_run` would do (`POST /apps/{id}/import`). */
export interface ImportReport {
  dry_run: boolean;
  /** False when nothing was (or would be) written. */
  changed: boolean;
  entries: number;
  committed_through: number;
  users: { created: number; existing: number; skipped: number };
  passkeys: { imported: number; already_present: number; skipped: number };
  skipped_by_reason: Record<string, number>;
  /** The first 100 skips. */
  skips: ImportSkip[];
}
