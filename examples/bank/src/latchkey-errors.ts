/**
 * Turns a failure of a `@latchkey/node` call into the bank's own refusal, so that a customer sees
 * what to do next and never a stack trace.
 */
import { PassageError } from '@latchkey/node';
import { BankError, type BankErrorCode } from './bank-errors.ts';

/**
 * The bank error for a latchkey failure, where latchkey's code means something to the customer.
 * `meaning` maps the codes the caller expects (such as `invalid_nonce`); an unreachable latchkey
 * is `latchkey_unavailable`; anything else is rethrown as it is, because it is a bug or a
 * misconfiguration (a wrong API key) that belongs in the log.
 *
 * @example
 * try { await latchkey.verifyNonce(nonce); }
 * catch (error) { throw bankErrorFrom(error, { invalid_nonce: 'step_up_failed' }); }
 */
export function bankErrorFrom(
  error: unknown,
  meaning: Partial<Record<string, BankErrorCode>> = {},
): unknown {
  if (!(error instanceof PassageError)) return error;
  const mapped = meaning[error.errorCode];
  if (mapped) return new BankError(mapped, { cause: error });
  if (error.errorCode === 'network_error' || error.errorCode === 'timeout') {
    return new BankError('latchkey_unavailable', { cause: error });
  }
  return error;
}
