import type { ErrorCode } from '@latchkey/core';
import type { SurfaceErrorShape } from '../../http/surface-error-handler.ts';

/**
 * The admin API's own error codes: every core code as is, plus what only the HTTP layer knows.
 */
export const ADMIN_HTTP_ERROR_CODES = [
  'not_found',
  'payload_too_large',
  /** A rate limit refused the request (too many refused credentials from one address). */
  'too_many_requests',
  'unavailable',
  'internal_error',
] as const;
export type AdminErrorCode = ErrorCode | (typeof ADMIN_HTTP_ERROR_CODES)[number];

/**
 * The status of every core error code on the admin API. One table, checked by a test that fails
 * when a core code has no row.
 */
export const ADMIN_ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  app_not_found: 404,
  user_not_found: 404,
  device_not_found: 404,
  user_has_no_passkeys: 409,
  transaction_invalid: 400,
  ceremony_invalid: 400,
  registration_rejected: 400,
  credential_already_registered: 409,
  authentication_rejected: 401,
  credential_unknown: 401,
  invalid_nonce: 401,
  unauthorized: 401,
  operation_not_allowed: 409,
  action_not_found: 404,
  invalid_token: 401,
  expired_token: 401,
  token_scope_missing: 403,
  invalid_state_transition: 409,
  idempotency_key_reused: 409,
  webhook_not_found: 404,
  prf_loss_unacknowledged: 409,
  rp_id_change_refused: 409,
};

/** The admin error body: `{"error": {"code", "message"}, "request_id"}`. */
export interface AdminErrorBody {
  error: { code: AdminErrorCode; message: string };
  request_id: string;
}

/** Builds the admin error body. */
export function adminErrorBody(
  code: AdminErrorCode,
  message: string,
  requestId: string,
): AdminErrorBody {
  return { error: { code, message }, request_id: requestId };
}

/** How the admin API speaks its errors: core codes as they are, with the request id. */
export const ADMIN_ERROR_SHAPE: SurfaceErrorShape = {
  name: 'admin',
  core: (code) => ({ status: ADMIN_ERROR_STATUS[code], code }),
  http: {
    invalid_request: 'invalid_request',
    payload_too_large: 'payload_too_large',
    uri_too_long: 'invalid_request',
    not_found: 'not_found',
    unavailable: 'unavailable',
    internal_error: 'internal_error',
  },
  // Operators sign in with their own credential, not an app's access token.
  messages: { unauthorized: 'an operator token or console session is required' },
  body: (code, message, request) => adminErrorBody(code as AdminErrorCode, message, request.id),
};
