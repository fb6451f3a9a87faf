/**
 * `@latchkey/browser`: passkeys in web pages against a latchkey server, with the surface of
 * `@passageidentity/passage-flex-js`.
 */
export type { AuthenticateOptions } from './authenticate-passkey.ts';
export {
  canAuthenticateWithPasskey,
  canRegisterPasskey,
  canUseConditionalMediation,
} from './capabilities.ts';
export { cancelCeremony } from './ceremony-gate.ts';
export { PASSKEY_HINTS, type PasskeyHint } from './hints.ts';
export {
  isLatchkeyError,
  isLatchkeyErrorCode,
  LATCHKEY_ERROR_CODES,
  LatchkeyError,
  type LatchkeyErrorCode,
} from './latchkey-error.ts';
export {
  Latchkey,
  PassageFlex,
  type PassageFlexOptions,
  type PasskeyApi,
} from './passage-flex.ts';
export type { PasskeyResult, PrfOutput, PrfSalts } from './prf.ts';
export type { RegisterOptions } from './register-passkey.ts';
export {
  signalAllAcceptedCredentials,
  signalCurrentUserDetails,
  signalUnknownCredential,
} from './signals.ts';
export { SDK_VERSION } from './version.ts';
