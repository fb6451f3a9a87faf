import type { ErrorCode } from '@latchkey/core';
import type { SurfaceErrorShape } from '../../http/surface-error-handler.ts';

/** The only error codes the flex wire contract knows (SDKs map errors by code alone). */
export const FLEX_ERROR_CODES = [
  'invalid_request',
  'invalid_access_token',
  'invalid_nonce',
  'webauthn_login_failed',
  'discoverable_login_failed',
  'operation_not_allowed',
  'cannot_create_transaction',
  'app_not_found',
  'user_not_found',
  'device_not_found',
  'user_has_no_passkeys',
  'internal_server_error',
  // latchkey's addition: a 429 from a rate limit (the contract has no code for it).
  'too_many_requests',
] as const;
export type FlexErrorCode = (typeof FLEX_ERROR_CODES)[number];

export interface FlexError {
  status: number;
  code: FlexErrorCode;
}

/**
 * Every core error code, mapped to the flex wire error. One table, checked by a test that fails
 * when a core code has no row.
 */
export const FLEX_ERRORS: Record<ErrorCode, FlexError> = {
  invalid_request: { status: 400, code: 'invalid_request' },
  app_not_found: { status: 404, code: 'app_not_found' },
  user_not_found: { status: 404, code: 'user_not_found' },
  device_not_found: { status: 404, code: 'device_not_found' },
  user_has_no_passkeys: { status: 409, code: 'user_has_no_passkeys' },
  transaction_invalid: { status: 400, code: 'invalid_request' },
  ceremony_invalid: { status: 400, code: 'invalid_request' },
  registration_rejected: { status: 400, code: 'invalid_request' },
  // The contract has no code of its own for this; the status says what happened.
  credential_already_registered: { status: 409, code: 'invalid_request' },
  authentication_rejected: { status: 401, code: 'webauthn_login_failed' },
  credential_unknown: { status: 401, code: 'discoverable_login_failed' },
  invalid_nonce: { status: 401, code: 'invalid_nonce' },
  unauthorized: { status: 401, code: 'invalid_access_token' },
  operation_not_allowed: { status: 403, code: 'operation_not_allowed' },
  // The actions surface's codes; the flex routes do not raise them, but every code has a row.
  action_not_found: { status: 404, code: 'invalid_request' },
  invalid_token: { status: 401, code: 'invalid_access_token' },
  expired_token: { status: 401, code: 'invalid_access_token' },
  token_scope_missing: { status: 403, code: 'operation_not_allowed' },
  invalid_state_transition: { status: 409, code: 'operation_not_allowed' },
  idempotency_key_reused: { status: 409, code: 'invalid_request' },
  webhook_not_found: { status: 404, code: 'invalid_request' },
  // No code of its own in the contract: 409 tells it from the policy's 403.
  prf_loss_unacknowledged: { status: 409, code: 'operation_not_allowed' },
  // An admin operation; no flex route raises it.
  rp_id_change_refused: { status: 409, code: 'invalid_request' },
};

/** The flex error body: `{"code", "error"}`. */
export function flexErrorBody(
  code: FlexErrorCode,
  message: string,
): { code: FlexErrorCode; error: string } {
  return { code, error: message };
}

/**
 * How the flex surface speaks its errors. The contract has no codes for what only the HTTP layer
 * knows: malformed or oversized requests and unknown routes are `invalid_request` (the status tells
 * them apart), an unreachable database is `internal_server_error` with 503 and `Retry-After`.
 */
export const FLEX_ERROR_SHAPE: SurfaceErrorShape = {
  name: 'flex',
  core: (code) => FLEX_ERRORS[code],
  http: {
    invalid_request: 'invalid_request',
    payload_too_large: 'invalid_request',
    uri_too_long: 'invalid_request',
    not_found: 'invalid_request',
    unavailable: 'internal_server_error',
    internal_error: 'internal_server_error',
  },
  // The contract calls a ceremony a handshake.
  messages: { ceremony_invalid: 'handshake is unknown, expired or already used' },
  body: (code, message) => flexErrorBody(code as FlexErrorCode, message),
};
