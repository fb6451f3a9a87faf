/**
 * Errors the core raises. Each has a stable `code` from a closed list; a surface maps codes to its
 * own wire errors in one table. `reason` refines a code for the audit log (which check failed) and
 * is never needed to pick a status.
 */
export const ERROR_CODES = [
  /** Input the edge accepted but the core cannot use (an unknown algorithm name, a bad origin…). */
  'invalid_request',
  'app_not_found',
  'user_not_found',
  'device_not_found',
  'user_has_no_passkeys',
  /** A transaction that is unknown, of another app or kind, expired, or already used. */
  'transaction_invalid',
  /** A ceremony (handshake) that is unknown, of another app or kind, expired, or already used. */
  'ceremony_invalid',
  /** A registration response that does not verify or breaks the app's policy. */
  'registration_rejected',
  /** A credential id that is already registered in this app. */
  'credential_already_registered',
  /** An assertion that does not verify, breaks policy, or uses another user's credential. */
  'authentication_rejected',
  /** A discoverable sign-in with a credential this app does not know. */
  'credential_unknown',
  'invalid_nonce',
  /** A missing, unknown, revoked or foreign API key. */
  'unauthorized',
  /** An operation the app's policy forbids (such as removing the last passkey). */
  'operation_not_allowed',
  'action_not_found',
  /** A step-up token that is unknown, of another app, or malformed. */
  'invalid_token',
  /** A step-up token past its ten minutes. */
  'expired_token',
  /** A token without the scope an operation needs (a second passkey needs `add:authenticators`). */
  'token_scope_missing',
  /** A state change that is not a forward move of the action's state machine. */
  'invalid_state_transition',
  /** An idempotency key used again with different attributes. */
  'idempotency_key_reused',
  /** A webhook endpoint or delivery that this app does not have. */
  'webhook_not_found',
  /**
   * Revoking the user's last passkey with PRF enabled, without saying that the loss is known: what
   * the page encrypted with keys from that passkey's PRF could no longer be decrypted.
   */
  'prf_loss_unacknowledged',
  /** An RP ID change that would strand the app's passkeys, asked for without forcing it. */
  'rp_id_change_refused',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why a ceremony failed: the check that refused it. Recorded in audit events. */
export const FAILURE_REASONS = [
  'malformed_response',
  'ceremony_unknown',
  'ceremony_expired',
  'ceremony_kind_mismatch',
  'transaction_mismatch',
  'type_mismatch',
  'challenge_mismatch',
  'origin_mismatch',
  'cross_origin',
  'rp_id_mismatch',
  'user_not_present',
  'user_not_verified',
  'algorithm_not_allowed',
  'resident_key_missing',
  'attestation_missing',
  'attestation_invalid',
  'backup_flags_invalid',
  'backup_eligibility_changed',
  'credential_id_mismatch',
  'credential_too_long',
  'credential_unknown',
  'credential_not_allowed',
  'credential_exists',
  'signature_invalid',
  'counter_regression',
  'action_mismatch',
  'action_state_final',
  'attributes_changed',
  'synced_not_allowed',
  'aaguid_denied',
  'aaguid_not_allowed',
  'authenticator_compromised',
  'attestation_untrusted',
  'attestation_unverified',
  'passkey_requirement_unmet',
  /** The user's account was recovered after this registration began: its passkey is not added. */
  'superseded_by_recovery',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** The one error class of the core. Narrow on `code`. */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: ErrorCode;
  readonly reason: FailureReason | null;

  constructor(
    code: ErrorCode,
    message: string,
    options: { reason?: FailureReason; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason ?? null;
  }
}

/** Whether a value is a core error (optionally of one code). */
export function isLatchkeyError(value: unknown, code?: ErrorCode): value is LatchkeyError {
  return value instanceof LatchkeyError && (code === undefined || value.code === code);
}
