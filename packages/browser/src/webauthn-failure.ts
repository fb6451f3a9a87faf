import { WebAuthnError } from '@simplewebauthn/browser';
import { LatchkeyError, type LatchkeyErrorCode } from './latchkey-error.ts';

/** What was running when the browser refused. */
export interface WebAuthnAttempt {
  kind: 'register' | 'authenticate';
  /** `performance.now()` when the browser was asked. */
  startedAt: number;
  /** The timeout the browser was given, in milliseconds. */
  timeout: number | undefined;
  signal: AbortSignal;
}

/** A refusal that lasted this share of the timeout is the timeout firing, not a person saying no. */
const TIMEOUT_SHARE = 0.9;

/**
 * Turns what `navigator.credentials.create/get` threw (through @simplewebauthn/browser) into a
 * {@link LatchkeyError}. WebAuthn L3 §5.1.3/§5.1.4 name the DOMExceptions; browsers fold several
 * causes into NotAllowedError on purpose (§14.5.2, privacy), so it cannot tell "cancelled" from
 * "no passkey here" from "timed out": only the time it took tells the last one apart.
 *
 * @example
 * throw toLatchkeyError(error, { kind: 'authenticate', startedAt, timeout, signal });
 */
export function toLatchkeyError(error: unknown, attempt: WebAuthnAttempt): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  if (attempt.signal.aborted) {
    const reason = attempt.signal.reason;
    return reason instanceof LatchkeyError
      ? reason
      : new LatchkeyError('aborted', 'the passkey ceremony was cancelled', { cause: error });
  }
  const name = domName(error);
  const message = error instanceof Error ? error.message : String(error);
  const fail = (code: LatchkeyErrorCode) => new LatchkeyError(code, message, { cause: error });
  switch (name) {
    case 'AbortError':
      return fail('aborted');
    case 'NotAllowedError': {
      const elapsed = performance.now() - attempt.startedAt;
      const timedOut = attempt.timeout !== undefined && elapsed >= attempt.timeout * TIMEOUT_SHARE;
      return fail(timedOut ? 'timeout' : 'user_canceled');
    }
    case 'InvalidStateError':
      // §5.1.3 step 20: an excluded credential is on this authenticator. Only create() raises it.
      return fail(attempt.kind === 'register' ? 'already_registered' : 'unknown_error');
    case 'SecurityError':
      // §5.1.3 step 7–8 / §5.1.4.1 step 6–7: the RP ID is not this page's domain, or the page is on an IP.
      return fail('invalid_domain');
    case 'NotSupportedError':
    case 'ConstraintError':
      return fail('not_supported');
    case 'UnknownError':
      return fail('authenticator_error');
    default:
      if (error instanceof Error && /not supported|does not support/i.test(error.message)) {
        return fail('not_supported');
      }
      return fail('unknown_error');
  }
}

/** The DOMException name behind an error, looking through WebAuthnError's `cause`. */
function domName(error: unknown): string | null {
  if (error instanceof WebAuthnError) {
    if (error.code === 'ERROR_CEREMONY_ABORTED') return 'AbortError';
    if (error.code === 'ERROR_INVALID_DOMAIN' || error.code === 'ERROR_INVALID_RP_ID') {
      return 'SecurityError';
    }
    const cause = error.cause;
    if (cause instanceof Error) return cause.name;
    return null;
  }
  return error instanceof Error ? error.name : null;
}
