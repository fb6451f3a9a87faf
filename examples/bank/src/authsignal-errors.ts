/**
 * Turns a failure of an `@authsignal/node` call to latchkey into the bank's own refusal, so that a
 * customer sees what to do next and never a stack trace.
 */
import { AuthsignalError } from '@authsignal/node';
import { BankError, type BankErrorCode } from './bank-errors.ts';

/**
 * The bank error for a failed call. `meaning` maps the error codes the caller expects (such as
 * `invalid_request` for a token the page made up); `latchkey_unavailable` when latchkey did not
 * answer (the SDK reports a connection failure as `unexpected_error`) or answered 5xx; anything
 * else is returned as it is, because it is a bug or a misconfiguration (a wrong API key) that
 * belongs in the log.
 *
 * @example
 * try { await authsignal.validateChallenge({ token }); }
 * catch (error) { throw bankErrorFromAuthsignal(error, { invalid_request: 'step_up_failed' }); }
 */
export function bankErrorFromAuthsignal(
  error: unknown,
  meaning: Partial<Record<string, BankErrorCode>> = {},
): unknown {
  if (!(error instanceof AuthsignalError)) return error;
  const mapped = meaning[error.errorCode];
  if (mapped) return new BankError(mapped, { cause: error });
  if (error.errorCode === 'unexpected_error' || error.statusCode >= 500) {
    return new BankError('latchkey_unavailable', { cause: error });
  }
  return error;
}
