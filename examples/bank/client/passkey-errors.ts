/**
 * What to tell a customer for each error code of `@latchkey/browser` (and each failure of
 * `@authsignal/browser`'s step-up, mapped onto these codes in `step-up-failure.ts`), by what they
 * were doing.
 */

/** Where the passkey prompt was shown. */
export type PasskeyTask = 'sign-in' | 'register' | 'step-up';

const MESSAGES = {
  user_canceled: {
    'sign-in':
      'The passkey prompt was closed or your identity was not confirmed. Try again, or use your password.',
    register:
      'The passkey prompt was closed or your identity was not confirmed, so no passkey was added.',
    'step-up': 'Your identity was not confirmed with your passkey, so the transfer was not sent.',
  },
  no_credential: {
    'sign-in': 'No passkey for this bank was found on this device. Sign in with your password.',
    register: 'The authenticator could not create a passkey.',
    'step-up': 'None of your passkeys is on this device, so the transfer was not sent.',
  },
  already_registered: {
    'sign-in': 'This device already holds a passkey for this account.',
    register: 'This device already has a passkey for your account.',
    'step-up': 'This device already holds a passkey for your account.',
  },
  not_supported: {
    'sign-in': 'This browser cannot use passkeys. Sign in with your password.',
    register: 'This browser cannot create passkeys.',
    'step-up': 'This browser cannot use passkeys, so large transfers cannot be confirmed here.',
  },
  invalid_domain: {
    'sign-in': 'Passkeys do not work at this address. Open the bank at its usual address.',
    register: 'Passkeys do not work at this address. Open the bank at its usual address.',
    'step-up': 'Passkeys do not work at this address, so the transfer was not sent.',
  },
  timeout: {
    'sign-in': 'The passkey prompt timed out. Try again.',
    register: 'The passkey prompt timed out, so no passkey was added.',
    'step-up': 'The passkey prompt timed out, so the transfer was not sent.',
  },
  aborted: {
    'sign-in': 'The passkey request was interrupted. Try again.',
    register: 'The passkey request was interrupted, so no passkey was added.',
    'step-up': 'The passkey request was interrupted, so the transfer was not sent.',
  },
  network_error: {
    'sign-in': 'The passkey service could not be reached. Check your connection and try again.',
    register: 'The passkey service could not be reached, so no passkey was added.',
    'step-up': 'The passkey service could not be reached, so the transfer was not sent.',
  },
  webauthn_login_failed: {
    'sign-in': 'That passkey could not be verified. Try again, or use your password.',
    register: 'That passkey could not be verified.',
    'step-up': 'That passkey could not be verified for your account, so the transfer was not sent.',
  },
  discoverable_login_failed: {
    'sign-in':
      'This passkey is no longer linked to an account here; it may have been removed. Sign in with your password.',
    register: 'This passkey is not linked to an account here.',
    'step-up': 'This passkey is not linked to your account, so the transfer was not sent.',
  },
  invalid_request: {
    'sign-in': 'The sign-in request expired. Try again.',
    register: 'The request to add a passkey expired or was refused. Try again.',
    'step-up': 'The confirmation request expired, so the transfer was not sent. Send it again.',
  },
  too_many_requests: {
    'sign-in': 'Too many passkey attempts. Wait a minute, then try again.',
    register: 'Too many passkey attempts, so no passkey was added. Wait a minute, then try again.',
    'step-up':
      'Too many passkey attempts, so the transfer was not sent. Wait a minute, then send it again.',
  },
  user_has_no_passkeys: {
    'sign-in': 'This account has no passkey yet. Sign in with your password, then add one.',
    register: 'This account has no passkey yet.',
    'step-up': 'Transfers over $5,000 need a passkey. Add one to your account first.',
  },
} as const satisfies Record<string, Record<PasskeyTask, string>>;

/** The codes this page has words for. */
export type KnownPasskeyErrorCode = keyof typeof MESSAGES;

function codeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

/**
 * Whether the error means the browser refused to make a second passkey on a device that already
 * holds one for this account (WebAuthn's InvalidStateError on an excluded credential): nothing is
 * wrong, the customer is already set up here.
 *
 * @example
 * say(box, isAlreadyRegistered(error) ? 'info' : 'error', passkeyErrorMessage(error, 'register'));
 */
export function isAlreadyRegistered(error: unknown): boolean {
  return codeOf(error) === 'already_registered';
}

/**
 * Whether a background passkey autofill request ended without the customer asking for anything:
 * aborted (the button's request took over, or the page left), refused by the browser
 * (NotAllowedError, which Chromium also gives when no passkey is offered), timed out, or not
 * supported. The customer never asked for it, so there is nothing to tell them.
 *
 * @example
 * if (isQuietAutofillEnd(error)) return console.info('passkey autofill ended', error);
 */
export function isQuietAutofillEnd(error: unknown): boolean {
  const code = codeOf(error);
  return code !== null && (QUIET_AUTOFILL_CODES as readonly string[]).includes(code);
}

/** The autofill endings {@link isQuietAutofillEnd} keeps off the page. */
const QUIET_AUTOFILL_CODES = ['aborted', 'user_canceled', 'timeout', 'not_supported'] as const;

/**
 * A sentence for a failed passkey ceremony.
 *
 * @example
 * show(passkeyErrorMessage(error, 'step-up'));
 */
export function passkeyErrorMessage(error: unknown, task: PasskeyTask): string {
  const code = codeOf(error);
  if (code !== null && Object.hasOwn(MESSAGES, code)) {
    return MESSAGES[code as KnownPasskeyErrorCode][task];
  }
  return 'Something went wrong with the passkey. Try again.';
}
