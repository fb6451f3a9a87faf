/**
 * What each failure reason and error code in the audit log means, in a sentence, for the hover
 * help on the overview and the timeline. A test checks every reason and code the server can
 * record has one.
 */
export const FAILURE_HELP: Record<string, string> = {
  // Why a ceremony was refused: the check that refused it.
  malformed_response: 'the browser’s response was not a well-formed WebAuthn response',
  ceremony_unknown: 'the challenge was never issued, belongs to another app, or was already used',
  ceremony_expired: 'the user took longer than the ceremony lifetime to answer',
  ceremony_kind_mismatch: 'a registration response was sent to a sign-in, or the other way round',
  transaction_mismatch:
    'the response was bound to another transaction than the one it was sent with',
  type_mismatch:
    'clientDataJSON had the wrong type (webauthn.create for a sign-in, or the reverse)',
  challenge_mismatch: 'the signed challenge is not the one latchkey issued',
  origin_mismatch: 'the page that called WebAuthn is not one of the app’s origins',
  cross_origin: 'the ceremony ran in a cross-origin iframe and the app does not allow it',
  rp_id_mismatch: 'the authenticator signed for another RP ID than the app’s',
  user_not_present: 'the authenticator did not confirm a person was present (no touch)',
  user_not_verified: 'the app requires user verification (PIN, biometrics) and it was not done',
  algorithm_not_allowed: 'the passkey’s key algorithm is not one the app allows',
  resident_key_missing:
    'the app requires a discoverable passkey and the authenticator made another kind',
  attestation_missing: 'the app requires attestation and the authenticator gave none',
  attestation_invalid: 'the attestation statement did not verify',
  synced_not_allowed: 'the app accepts only device-bound passkeys and this one can be synced',
  aaguid_denied: 'the authenticator model is on the app’s deny list',
  aaguid_not_allowed: 'the authenticator model is not on the app’s allow list',
  authenticator_compromised:
    'the FIDO metadata reports this authenticator model revoked or compromised',
  attestation_untrusted:
    'the attestation certificate does not chain to a root the FIDO metadata lists for this model',
  attestation_unverified:
    'the app requires an attested authenticator and this one could not be attested',
  passkey_requirement_unmet:
    'the action asks for a passkey of another kind (device-bound or attested) than the one used',
  backup_flags_invalid: 'the authenticator said the passkey is backed up but not backup eligible',
  backup_eligibility_changed: 'the passkey’s backup eligibility changed since it was registered',
  credential_id_mismatch: 'the credential id in the response does not match the one it names',
  credential_too_long: 'the credential id is longer than WebAuthn allows (1023 bytes)',
  credential_unknown: 'the passkey is not registered in this app (deleted, or from elsewhere)',
  credential_not_allowed: 'the passkey is not one of those the sign-in asked for',
  credential_exists: 'this passkey is already registered in this app',
  superseded_by_recovery:
    'the user’s account was recovered after this registration began, so its passkey was not added',
  signature_invalid: 'the assertion’s signature did not verify with the stored public key',
  counter_regression: 'the signature counter went backwards: the passkey may be cloned',
  action_mismatch: 'the response was bound to another action than the one being confirmed',
  action_state_final: 'the action was already decided, so it can no longer be confirmed',
  attributes_changed: 'the action was tracked again with other attributes since the challenge',
  // Core error codes, recorded where no finer reason applies.
  invalid_request: 'the request was malformed or broke a limit',
  app_not_found: 'no such app',
  user_not_found: 'no such user in this app',
  device_not_found: 'no such passkey for this user',
  webhook_not_found: 'no such webhook endpoint or delivery in this app',
  rp_id_change_refused:
    'the RP ID change was refused because the app has passkeys, which are bound to the old RP ID',
  prf_loss_unacknowledged:
    'a revocation of the user’s last passkey with PRF was refused until the loss is acknowledged',
  user_has_no_passkeys: 'the user has no passkey to sign in with',
  transaction_invalid:
    'the transaction is unknown, of another app or kind, expired, or already used',
  ceremony_invalid: 'the ceremony is unknown, of another app or kind, expired, or already used',
  registration_rejected: 'the registration response did not verify or broke the app’s policy',
  credential_already_registered: 'this passkey is already registered in this app',
  authentication_rejected: 'the sign-in response did not verify or broke the app’s policy',
  invalid_nonce: 'the result nonce is unknown, expired or already used',
  unauthorized: 'the credential was missing, unknown or revoked',
  operation_not_allowed: 'the app’s policy forbids it (such as removing a last passkey)',
  action_not_found: 'no such action',
  invalid_token: 'the step-up token is unknown, of another app, or malformed',
  expired_token: 'the step-up token is older than its ten minutes',
  token_scope_missing: 'the token lacks the scope this needs',
  invalid_state_transition: 'the action cannot move to that state from where it is',
  idempotency_key_reused: 'the idempotency key was used before with other attributes',
  internal_error: 'a fault on the server (the log has the request id)',
  // The admin API's own codes, which only its HTTP layer knows.
  not_found: 'no such route on this server',
  payload_too_large: 'the request body is larger than the server takes',
  too_many_requests: 'too many refused credentials from this address; wait and try again',
  unavailable: 'the server cannot serve this now (its database is unreachable or it is stopping)',
  // Why an action's rules could not decide.
  rule_evaluation_failed: 'a rule could not be evaluated (a wrong type, or an error in its logic)',
  rule_bound_exceeded: 'a rule went past the evaluation limits (too deep or too long)',
  // Why the app's backend could not validate an action.
  user_mismatch: 'the token was issued for another user',
  challenge_not_succeeded: 'the action has not been confirmed with a passkey',
  already_validated: 'the action was already validated once',
  // Why an API key was refused.
  revoked: 'the key was revoked',
  mismatch: 'the key id exists but the secret is wrong',
  unknown: 'no such key or token',
  // Why an operator credential was refused.
  missing: 'no credential was sent',
  malformed: 'the credential is not in the expected form',
  session_not_accepted: 'this route takes an operator token, not a console session',
  session_unknown_or_expired: 'the console session is unknown or has ended',
  token_revoked: 'the operator token was revoked, or LATCHKEY_ADMIN_TOKEN is no longer set',
  token_changed: 'LATCHKEY_ADMIN_TOKEN has another value now',
  app_key: 'an app API key was sent where the admin API needs an operator credential',
};

/**
 * What a failure reason or code means, with the code itself: "the app requires user verification
 * (PIN, biometrics) and it was not done (user_not_verified)". An unknown one is shown as it is.
 *
 * @example
 * explainFailure('origin_mismatch');
 */
export function explainFailure(reason: string): string {
  return explainCode(FAILURE_HELP, reason);
}

/**
 * A code explained from a table of help lines, with the code itself after its sentence; a code
 * the table lacks is shown as it is. Each vocabulary of codes the console shows has its own table.
 *
 * @example
 * explainCode(FAILURE_HELP, 'origin_mismatch');
 */
export function explainCode(help: Readonly<Record<string, string>>, code: string): string {
  const line = help[code];
  return line ? `${line} (${code})` : code;
}
