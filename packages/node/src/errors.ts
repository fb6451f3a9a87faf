/**
 * The one error every method of this package rejects with, and the closed list of its codes.
 */

/**
 * Codes latchkey's flex management API answers with. They are the wire contract's codes, exactly:
 * code written against Passage's SDKs compares `errorCode` with these strings.
 *
 * @example
 * SERVER_ERROR_CODES.includes(error.errorCode as ServerErrorCode); // latchkey said so
 */
export const SERVER_ERROR_CODES = [
  'invalid_request',
  'invalid_access_token',
  'invalid_nonce',
  'operation_not_allowed',
  'cannot_create_transaction',
  'app_not_found',
  'user_not_found',
  'device_not_found',
  'user_has_no_passkeys',
  'internal_server_error',
] as const;

/**
 * Codes this SDK raises itself, where no usable answer came from latchkey. Their `statusCode` is
 * the HTTP status seen, or 0 when there was none.
 *
 * - `invalid_argument`: the constructor's options or a method's argument are unusable; nothing
 *   was sent.
 * - `timeout`: no complete answer within `timeoutMs` (retries included).
 * - `network_error`: the connection failed (refused, reset, DNS, TLS).
 * - `unexpected_response`: an answer this SDK cannot read: not JSON, not the contract's shape, or
 *   an error without a known code (a proxy's HTML 502 page, for example).
 * - `invalid_session_token`: a session token that does not verify: bad signature, another app's,
 *   expired, or not what the caller required (see `SessionTokens.verify`).
 *
 * @example
 * const retryLater = CLIENT_ERROR_CODES.includes(error.errorCode as ClientErrorCode);
 */
export const CLIENT_ERROR_CODES = [
  'invalid_argument',
  'timeout',
  'network_error',
  'unexpected_response',
  'invalid_session_token',
] as const;

/**
 * Every value `PassageError.errorCode` can take.
 *
 * @example
 * import { PASSAGE_ERROR_CODES } from '@latchkey/node';
 * PASSAGE_ERROR_CODES.includes('invalid_nonce'); // true
 */
export const PASSAGE_ERROR_CODES = [...SERVER_ERROR_CODES, ...CLIENT_ERROR_CODES] as const;

/**
 * A code latchkey answers with.
 *
 * @example
 * const code: ServerErrorCode = 'invalid_nonce';
 */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];
/**
 * A code this SDK raises itself.
 *
 * @example
 * const code: ClientErrorCode = 'timeout';
 */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
/**
 * Every code of {@link PassageError}: a closed union, so a `switch` over it is checked for
 * exhaustiveness.
 *
 * @example
 * function status(code: PassageErrorCode): string {
 *   switch (code) {
 *     case 'invalid_nonce': return 'sign in again';
 *     default: return 'try later';
 *   }
 * }
 */
export type PassageErrorCode = (typeof PASSAGE_ERROR_CODES)[number];

/**
 * What a {@link PassageError} is made of.
 *
 * @example
 * new PassageError({ errorCode: 'user_not_found', statusCode: 404, message: 'no such user' });
 */
export interface PassageErrorOptions {
  errorCode: PassageErrorCode;
  message: string;
  /** The HTTP status latchkey answered with; 0 when there was no answer. */
  statusCode?: number;
  /** The underlying failure (a fetch `TypeError`, an abort reason, a JSON `SyntaxError`). */
  cause?: unknown;
}

/**
 * The error of every failed call, as in `@passageidentity/passage-flex-node`: `statusCode`,
 * `errorCode` and `message`, plus `cause` for failures below HTTP. Also exported as
 * `LatchkeyError`. Branch on `errorCode`, never on `message`.
 *
 * @example
 * try {
 *   const externalId = await passage.auth.verifyNonce(nonce);
 * } catch (error) {
 *   if (error instanceof PassageError && error.errorCode === 'invalid_nonce') {
 *     // expired, already used, or never issued: ask the user to sign in again
 *   }
 *   throw error;
 * }
 */
export class PassageError extends Error {
  override readonly name = 'PassageError';
  /** The HTTP status latchkey answered with; 0 when there was no answer. */
  readonly statusCode: number;
  /** A code from {@link PASSAGE_ERROR_CODES}. */
  readonly errorCode: PassageErrorCode;

  constructor(options: PassageErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = options.statusCode ?? 0;
    this.errorCode = options.errorCode;
  }

  /**
   * The error code under the name passage-flex-node 0.2.x gave it.
   *
   * @deprecated Use `errorCode`.
   * @example
   * if (error.statusText === 'user_not_found') { … }
   */
  get statusText(): PassageErrorCode {
    return this.errorCode;
  }
}

/**
 * Whether a string is a code latchkey's flex API answers with.
 *
 * @example
 * isServerErrorCode('invalid_nonce'); // true
 * isServerErrorCode('teapot'); // false
 */
export function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return (SERVER_ERROR_CODES as readonly unknown[]).includes(code);
}

/**
 * The same class as {@link PassageError}, under latchkey's name: `instanceof` either matches both.
 *
 * @example
 * if (error instanceof LatchkeyError && error.errorCode === 'timeout') retryLater();
 */
export const LatchkeyError = PassageError;
/** The type of {@link LatchkeyError}: a {@link PassageError}. */
export type LatchkeyError = PassageError;
