import type { ErrorCode } from '@latchkey/core';

/** An error of the actions contract: `{"error", "errorCode", "errorDescription"}` with a status. */
export interface ActionsError {
  status: number;
  error: string;
}

/**
 * Every core error code, mapped to the server API's wire error (what `@authsignal/node` turns into
 * an `AuthsignalError`). One table, checked by a test that fails when a code has no row.
 */
export const SERVER_ERRORS: Record<ErrorCode, ActionsError> = {
  invalid_request: { status: 400, error: 'invalid_request' },
  app_not_found: { status: 401, error: 'unauthorized' },
  user_not_found: { status: 404, error: 'not_found' },
  device_not_found: { status: 404, error: 'not_found' },
  user_has_no_passkeys: { status: 409, error: 'invalid_request' },
  transaction_invalid: { status: 400, error: 'invalid_request' },
  ceremony_invalid: { status: 400, error: 'invalid_request' },
  registration_rejected: { status: 400, error: 'invalid_request' },
  credential_already_registered: { status: 409, error: 'invalid_request' },
  authentication_rejected: { status: 400, error: 'invalid_request' },
  credential_unknown: { status: 400, error: 'invalid_request' },
  invalid_nonce: { status: 400, error: 'invalid_request' },
  unauthorized: { status: 401, error: 'unauthorized' },
  operation_not_allowed: { status: 403, error: 'forbidden' },
  action_not_found: { status: 404, error: 'not_found' },
  invalid_token: { status: 400, error: 'invalid_token' },
  expired_token: { status: 400, error: 'expired_token' },
  token_scope_missing: { status: 403, error: 'forbidden' },
  invalid_state_transition: { status: 409, error: 'invalid_state_transition' },
  idempotency_key_reused: { status: 409, error: 'idempotency_key_reused' },
};

/** The error codes the browser SDK's contract names; client errors use only these. */
export const CLIENT_ERROR_CODES = [
  'invalid_token',
  'expired_token',
  'invalid_credential',
  'unknown_credential',
  'too_many_requests',
  'invalid_request',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/**
 * Every core error code, mapped to the client API's wire error. The browser SDK never reads the
 * status; it treats any body with an `error` key as an error, and `expired_token` as the cue for
 * `onTokenExpired`.
 */
export const CLIENT_ERRORS: Record<ErrorCode, { status: number; error: ClientErrorCode }> = {
  invalid_request: { status: 400, error: 'invalid_request' },
  app_not_found: { status: 401, error: 'invalid_request' },
  user_not_found: { status: 404, error: 'invalid_request' },
  device_not_found: { status: 404, error: 'invalid_request' },
  user_has_no_passkeys: { status: 409, error: 'invalid_request' },
  transaction_invalid: { status: 400, error: 'invalid_request' },
  ceremony_invalid: { status: 400, error: 'invalid_request' },
  registration_rejected: { status: 400, error: 'invalid_credential' },
  credential_already_registered: { status: 409, error: 'invalid_credential' },
  authentication_rejected: { status: 400, error: 'invalid_credential' },
  credential_unknown: { status: 400, error: 'unknown_credential' },
  invalid_nonce: { status: 400, error: 'invalid_request' },
  unauthorized: { status: 401, error: 'invalid_request' },
  operation_not_allowed: { status: 403, error: 'invalid_request' },
  action_not_found: { status: 404, error: 'invalid_request' },
  invalid_token: { status: 401, error: 'invalid_token' },
  expired_token: { status: 401, error: 'expired_token' },
  token_scope_missing: { status: 403, error: 'invalid_token' },
  invalid_state_transition: { status: 409, error: 'invalid_request' },
  idempotency_key_reused: { status: 409, error: 'invalid_request' },
};

/** The wire body of every actions error, server and client alike. */
export function actionsErrorBody(
  error: string,
  description: string,
): { error: string; errorCode: string; errorDescription: string } {
  return { error, errorCode: error, errorDescription: description };
}
