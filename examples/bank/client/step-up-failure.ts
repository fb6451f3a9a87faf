/**
 * What went wrong in `@authsignal/browser`'s `passkey.signIn({ token })`, as one of the codes the
 * bank words its messages for (`passkey-errors.ts`). The SDK reports a failure in two ways: a
 * WebAuthn error it throws (its `name`, or `@simplewebauthn/browser`'s `code`), or an answer of
 * latchkey's in `errorCode`.
 */
import type { KnownPasskeyErrorCode } from './passkey-errors.ts';

/** A failed step-up, with the code `passkeyErrorMessage` turns into a sentence. */
export class StepUpFailure extends Error {
  constructor(
    readonly code: KnownPasskeyErrorCode | 'cancelled' | 'unknown',
    options?: { cause?: unknown },
  ) {
    super(`step-up failed: ${code}`, options);
    this.name = 'StepUpFailure';
  }
}

/** latchkey's client error codes, by what they mean to the customer. */
const ANSWER_CODES: Record<string, KnownPasskeyErrorCode> = {
  network_error: 'network_error',
  too_many_requests: 'too_many_requests',
  invalid_credential: 'webauthn_login_failed',
  unknown_credential: 'webauthn_login_failed',
  expired_token: 'invalid_request',
  invalid_token: 'invalid_request',
  invalid_request: 'invalid_request',
  token_not_set: 'invalid_request',
};

/**
 * The failure for an `errorCode` in the SDK's answer.
 *
 * @example
 * if (result.errorCode) throw failureFromAnswer(result.errorCode);
 */
export function failureFromAnswer(errorCode: string): StepUpFailure {
  return new StepUpFailure(
    Object.hasOwn(ANSWER_CODES, errorCode) ? ANSWER_CODES[errorCode]! : 'unknown',
  );
}

/**
 * The failure for an error the SDK threw (the browser's WebAuthn error, or a failed `fetch`).
 *
 * @example
 * try { await authsignal.passkey.signIn({ token }); }
 * catch (error) { throw failureFromThrown(error); }
 */
export function failureFromThrown(error: unknown): StepUpFailure {
  const name = error instanceof Error ? error.name : '';
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  // NotAllowedError: the prompt was closed, timed out, or the user was not verified; the browser
  // does not say which, on purpose.
  if (name === 'NotAllowedError') return new StepUpFailure('user_canceled', { cause: error });
  if (name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED') {
    return new StepUpFailure('aborted', { cause: error });
  }
  if (
    name === 'SecurityError' ||
    code === 'ERROR_INVALID_DOMAIN' ||
    code === 'ERROR_INVALID_RP_ID'
  ) {
    return new StepUpFailure('invalid_domain', { cause: error });
  }
  if (name === 'NotSupportedError' || /not supported/i.test(String((error as Error)?.message))) {
    return new StepUpFailure('not_supported', { cause: error });
  }
  // fetch rejects with a TypeError when latchkey cannot be reached.
  if (error instanceof TypeError) return new StepUpFailure('network_error', { cause: error });
  return new StepUpFailure('unknown', { cause: error });
}
