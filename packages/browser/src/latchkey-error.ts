/**
 * Every way a passkey ceremony can fail, as one closed list. The first group comes from the browser
 * and the authenticator, `network_error` from the transport, and the rest are the flex auth API's
 * own codes, passed through unchanged so that server logs and client errors use the same words.
 */
export const LATCHKEY_ERROR_CODES = [
  /** The person dismissed the prompt, failed user verification, or (Chromium) had no matching passkey. */
  'user_canceled',
  /** No passkey for this site on this device, where the browser is willing to say so. */
  'no_credential',
  /** This authenticator already holds a passkey for this user (WebAuthn `InvalidStateError`). */
  'already_registered',
  /** This browser cannot do what was asked (no WebAuthn, no autofill, no usable algorithm). */
  'not_supported',
  /** The page's domain cannot use the app's RP ID (an IP address, or another site). */
  'invalid_domain',
  /** Nobody answered the prompt before the ceremony's timeout. */
  'timeout',
  /** A newer ceremony replaced this one (or the page cancelled it). A UI can ignore it. */
  'aborted',
  /** The authenticator failed on its own (WebAuthn `UnknownError`). */
  'authenticator_error',
  /** The server could not be reached, or answered with something that is not the flex API. */
  'network_error',
  /** The server refused the request: an unknown, expired or used transaction or handshake. */
  'invalid_request',
  /** The passkey does not verify, or is not the transaction user's. */
  'webauthn_login_failed',
  /** A sign-in without a transaction used a passkey the server does not know (revoked, or another app). */
  'discoverable_login_failed',
  /** The user has no passkey to sign in with. */
  'user_has_no_passkeys',
  /** No such app on this server: check the app id and `baseUrl`. */
  'app_not_found',
  /** A rate limit refused the request; try again later. */
  'too_many_requests',
  /** The server failed; its log has the request id. */
  'internal_server_error',
  /** Anything else; `cause` holds what was thrown. */
  'unknown_error',
] as const;
export type LatchkeyErrorCode = (typeof LATCHKEY_ERROR_CODES)[number];

const KNOWN = new Set<string>(LATCHKEY_ERROR_CODES);

/** Whether a string is one of {@link LATCHKEY_ERROR_CODES}. */
export function isLatchkeyErrorCode(value: unknown): value is LatchkeyErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/**
 * The one error the SDK throws. Narrow on `code`; the message is for logs, not for people.
 *
 * @example
 * try {
 *   nonce = await flex.passkey.authenticate();
 * } catch (error) {
 *   if (error instanceof LatchkeyError && error.code === 'user_canceled') return;
 *   throw error;
 * }
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: LatchkeyErrorCode;
  /** The HTTP status where the server answered, otherwise null. */
  readonly status: number | null;

  constructor(
    code: LatchkeyErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
  }
}

/**
 * Whether a value is a {@link LatchkeyError}, optionally of one code.
 *
 * @example
 * if (isLatchkeyError(error, 'aborted')) return; // a newer ceremony took over
 */
export function isLatchkeyError(value: unknown, code?: LatchkeyErrorCode): value is LatchkeyError {
  return value instanceof LatchkeyError && (code === undefined || value.code === code);
}
