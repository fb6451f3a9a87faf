/**
 * `@latchkey/node`: latchkey for app backends. Create passkey transactions, verify nonces, read
 * users and revoke their passkeys. No runtime dependencies; uses the global `fetch`.
 *
 * @example
 * import { PassageFlex } from '@latchkey/node';
 *
 * const passage = new PassageFlex({ appId, apiKey, baseUrl: 'https://passkeys.example.com' });
 * const externalId = await passage.auth.verifyNonce(nonce);
 */
export { Auth } from './auth.ts';
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
  isNever,
  type PassageUser,
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
  type RegisterTransactionArgs,
} from './passage-flex.ts';
export { User } from './user.ts';
