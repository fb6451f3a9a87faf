import type { ErrorCode } from '@latchkey/core';

/**
 * What a response may say about each core error: a fixed message per code, so that a caller learns
 * the code's meaning and nothing of which check refused it (the counter, the origin, whose
 * credential it was). The core's own message is the reason; it goes to the audit log (as a
 * ceremony's or token's failure reason) and to the request log, never to the caller.
 *
 * `null` marks the one code whose core message is sent as is: `invalid_request` describes the
 * caller's own input (which field, which limit, which origin it sent), and says nothing about other
 * users or about the server's checks.
 */
export const PUBLIC_MESSAGES: Readonly<Record<ErrorCode, string | null>> = {
  invalid_request: null,
  app_not_found: 'app not found',
  user_not_found: 'user not found',
  device_not_found: 'device not found',
  // The same words whether the user is unknown or has no passkey (no account enumeration).
  user_has_no_passkeys: 'user has no passkeys',
  transaction_invalid: 'transaction is unknown, expired or already used',
  ceremony_invalid: 'the challenge is unknown, expired or already used',
  registration_rejected: 'the passkey could not be registered',
  credential_already_registered: 'the passkey is already registered',
  authentication_rejected: 'the passkey could not be verified',
  credential_unknown: 'the passkey is not registered',
  invalid_nonce: 'nonce is invalid, expired, or cannot be found',
  unauthorized: 'Invalid access token',
  operation_not_allowed: "the app's policy does not allow this operation",
  action_not_found: 'action not found',
  invalid_token: 'the token is invalid',
  expired_token: 'the token has expired',
  // Names the scope the integration must ask for; the status and code alone would not tell it.
  token_scope_missing: 'this operation needs a token with the add:authenticators scope',
  invalid_state_transition: 'the action is not in a state that allows this',
  idempotency_key_reused:
    'this idempotency key was already used for an action with other attributes',
  webhook_not_found: 'webhook endpoint or delivery not found',
  // Names the flag that confirms the loss; the status and code alone would not tell it.
  prf_loss_unacknowledged:
    "this is the user's last passkey with PRF; revoking it loses what was encrypted with its keys: pass acknowledge_prf_loss=true to revoke it anyway",
  // Fixed words, yet they say what to do: the operator is the only one who can meet this.
  rp_id_change_refused:
    'the app has passkeys bound to its RP ID, which a new RP ID would make unusable: keep the RP ID and add the new site as a related origin, or force the change',
};

/**
 * The message a surface sends for a core error: the surface's own wording where its contract has
 * one, else the default above; the core's message only where the default is `null`.
 *
 * @example
 * publicMessage({ code: 'authentication_rejected', message: 'signature counter did not increase' })
 * // 'the passkey could not be verified'
 */
export function publicMessage(
  error: { code: ErrorCode; message: string },
  overrides: Partial<Record<ErrorCode, string>> = {},
): string {
  return overrides[error.code] ?? PUBLIC_MESSAGES[error.code] ?? error.message;
}
