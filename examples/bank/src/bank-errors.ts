/**
 * What the bank's JSON endpoints answer when they refuse: a stable code, a status, and a message a
 * customer can act on. The page shows the message; tests assert the code.
 */

export const BANK_ERRORS = {
  invalid_request: { status: 400, message: 'That request was not understood.' },
  cross_origin: {
    status: 403,
    message: 'This request did not come from the bank’s own pages, so it was refused.',
  },
  not_signed_in: { status: 401, message: 'Your session has ended — sign in again.' },
  missing_amount: { status: 400, message: 'Enter an amount.' },
  missing_recipient: { status: 400, message: 'Enter a recipient.' },
  invalid_amount: { status: 400, message: 'Enter an amount in dollars, such as 50 or 7,500.00.' },
  amount_too_large: { status: 400, message: 'A single transfer can be at most $1,000,000.00.' },
  invalid_recipient: { status: 400, message: 'Enter who the money goes to (2 to 80 characters).' },
  insufficient_funds: { status: 409, message: 'Your balance is too low for this transfer.' },
  passkey_required: {
    status: 409,
    message:
      'This transfer needs your passkey, and your account has none yet. Add a passkey below to send this transfer.',
  },
  transfer_blocked: {
    status: 403,
    message: 'This transfer is not allowed by the bank’s rules, so nothing was sent.',
  },
  step_up_expired: {
    status: 410,
    message: 'This transfer waited too long for confirmation and was cancelled. Send it again.',
  },
  step_up_failed: {
    status: 401,
    message: 'The passkey check could not be verified, so the transfer was not sent.',
  },
  step_up_used: {
    status: 409,
    message: 'That passkey confirmation was already used, so this transfer was not sent.',
  },
  step_up_mismatch: {
    status: 403,
    message:
      'That passkey confirmation was for a different transfer, so this one was not sent. Send it again.',
  },
  wrong_user: {
    status: 403,
    message: 'That passkey belongs to a different account, so the transfer was not sent.',
  },
  passkey_not_verified: {
    status: 401,
    message: 'The passkey could not be verified. Try again.',
  },
  unknown_account: {
    status: 401,
    message: 'This passkey is not linked to an account at this bank. Sign in with your password.',
  },
  recovery_expired: {
    status: 410,
    message: 'This recovery request expired or was already used. Ask for a new code.',
  },
  recovery_code_wrong: {
    status: 401,
    message: 'That code is not right. Check the email we sent and try again.',
  },
  recovery_code_exhausted: {
    status: 429,
    message: 'Too many wrong codes. Ask for a new one.',
  },
  latchkey_unavailable: {
    status: 503,
    message: 'The passkey service is not reachable right now. Try again in a moment.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the bank's error codes. */
export type BankErrorCode = keyof typeof BANK_ERRORS;

/**
 * A refusal with its code, thrown by route handlers and turned into JSON in one place.
 *
 * @example
 * throw new BankError('insufficient_funds');
 */
export class BankError extends Error {
  readonly code: BankErrorCode;
  readonly status: number;

  constructor(code: BankErrorCode, options?: { cause?: unknown }) {
    super(BANK_ERRORS[code].message, options);
    this.name = 'BankError';
    this.code = code;
    this.status = BANK_ERRORS[code].status;
  }
}
