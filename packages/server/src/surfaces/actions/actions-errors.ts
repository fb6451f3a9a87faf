import type { ErrorCode } from '@latchkey/core';
import type { HttpFailure, SurfaceErrorShape } from '../../http/surface-error-handler.ts';

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
  webhook_not_found: { status: 404, error: 'not_found' },
  prf_loss_unacknowledged: { status: 409, error: 'prf_loss_unacknowledged' },
  rp_id_change_refused: { status: 409, error: 'invalid_request' },
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
  webhook_not_found: { status: 404, error: 'invalid_request' },
  prf_loss_unacknowledged: { status: 409, error: 'invalid_request' },
  rp_id_change_refused: { status: 409, error: 'invalid_request' },
};

/** The wire body of every actions error, server and client alike. */
export function actionsErrorBody(
  error: string,
  description: string,
): { error: string; errorCode: string; errorDescription: string } {
  return { error, errorCode: error, errorDescription: description };
}

/**
 * The codes of what only the HTTP layer knows. The client API says `invalid_request` for every
 * refused request (the browser SDK reads only the body), the server API names an unknown route
 * `not_found` like an unknown user; both name a fault and an unreachable database (503 with
 * `Retry-After`), which the Node SDK reports by status.
 */
const SERVER_HTTP_ERRORS: Readonly<Record<HttpFailure, string>> = {
  invalid_request: 'invalid_request',
  payload_too_large: 'invalid_request',
  uri_too_long: 'invalid_request',
  not_found: 'not_found',
  unavailable: 'unavailable',
  internal_error: 'internal_error',
};

const CLIENT_HTTP_ERRORS: Readonly<Record<HttpFailure, string>> = {
  ...SERVER_HTTP_ERRORS,
  not_found: 'invalid_request',
};

/** How the actions server API (`/v1/…` but `/v1/client/…`) speaks its errors. */
export const ACTIONS_SERVER_ERROR_SHAPE: SurfaceErrorShape = {
  name: 'actions_server',
  core: (code) => ({ status: SERVER_ERRORS[code].status, code: SERVER_ERRORS[code].error }),
  http: SERVER_HTTP_ERRORS,
  // An API key whose app is gone is answered like any other bad key.
  messages: { app_not_found: 'Invalid access token' },
  body: (code, message) => actionsErrorBody(code, message),
};

/** How the actions client API (`/v1/client/…`) speaks its errors. */
export const ACTIONS_CLIENT_ERROR_SHAPE: SurfaceErrorShape = {
  name: 'actions_client',
  core: (code) => ({ status: CLIENT_ERRORS[code].status, code: CLIENT_ERRORS[code].error }),
  http: CLIENT_HTTP_ERRORS,
  // isAvailableOnDevice asks about credential ids the browser holds, not about a device record.
  messages: { device_not_found: 'no such passkey' },
  body: (code, message) => actionsErrorBody(code, message),
};
