import { WebAuthnAbortService } from '@simplewebauthn/browser';
import { LatchkeyError } from './latchkey-error.ts';

/**
 * A page runs one WebAuthn ceremony at a time, so the gate is per page, not per SDK instance. Each
 * ceremony gets its own signal; beginning another aborts the one before, whether it is still
 * fetching its options or already waiting in `navigator.credentials.get` (a conditional sign-in
 * waits there until the person picks a passkey from autofill).
 */
let current: AbortController | null = null;

/** A ceremony's handle: its signal, and a check to call after every await. */
export interface Ceremony {
  signal: AbortSignal;
  /** Throws `aborted` when a newer ceremony has begun since. */
  check(): void;
  /** Releases the gate when this ceremony is still the current one. */
  end(): void;
}

/** Begins a ceremony, aborting the pending one. */
export function beginCeremony(): Ceremony {
  if (current) {
    current.abort(new LatchkeyError('aborted', 'a newer passkey ceremony replaced this one'));
    // Rejects a pending navigator.credentials call at once, instead of when the next one starts.
    WebAuthnAbortService.cancelCeremony();
  }
  const controller = new AbortController();
  current = controller;
  return {
    signal: controller.signal,
    check() {
      if (controller.signal.aborted) {
        throw new LatchkeyError('aborted', 'a newer passkey ceremony replaced this one');
      }
    },
    end() {
      if (current === controller) current = null;
    },
  };
}

/**
 * Aborts the pending ceremony, if any: its promise rejects with `aborted`. Useful when a page
 * navigates away from a form with autofill sign-in.
 *
 * @example
 * router.beforeEach(() => cancelCeremony());
 */
export function cancelCeremony(): void {
  if (!current) return;
  current.abort(new LatchkeyError('aborted', 'the passkey ceremony was cancelled'));
  current = null;
  WebAuthnAbortService.cancelCeremony();
}
