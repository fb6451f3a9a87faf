/**
 * `@latchkey/node`: latchkey for app backends. Create passkey transactions, verify nonces and
 * session tokens, read users and revoke their passkeys. Uses the global `fetch`; its one runtime
 * dependency is `jose`, for session tokens.
 *
 * @example
 * import { PassageFlex } from '@latchkey/node';
 *
 * const passage = new PassageFlex({ appId, apiKey, baseUrl: 'https://passkeys.example.com' });
 * const externalId = await passage.auth.verifyNonce(nonce);
 */
export { Auth, type RedeemedNonce } from './auth.ts';
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  isServerErrorCode,
  LatchkeyError,
  PASSAGE_ERROR_CODES,
  PassageError,
  type PassageErrorCode,
  type PassageErrorOptions,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
} from './errors.ts';
export {
  type AppInfo,
  type AuthenticateTransactionOptions,
  isNever,
  PASSKEY_HINTS,
  type PassageUser,
  type PasskeyHint,
  type RecoveryTransactionOptions,
  type RegisterTransactionOptions,
  type RevokeDeviceOptions,
  USER_STATUSES,
  type UserInfo,
  type UserStatus,
  WEBAUTHN_TYPES,
  WELL_KNOWN_FILES,
  type WebAuthnDevice,
  type WebAuthnDevices,
  type WebAuthnIcons,
  type WebAuthnType,
  type WellKnownFile,
} from './models.ts';
export {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type LatchkeyOptions,
  type PassageConfig,
  type PassageFlexOptions,
} from './options.ts';
export {
  type AuthenticateTransactionArgs,
  Latchkey,
  PassageFlex,
  type RecoveryTransactionArgs,
  type RegisterTransactionArgs,
} from './passage-flex.ts';
export {
  SESSION_TOKEN_TYPE,
  type SessionTokenAction,
  type SessionTokenClaims,
  SessionTokens,
  type VerifySessionTokenOptions,
} from './session-tokens.ts';
export { User } from './user.ts';
