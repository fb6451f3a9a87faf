import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import type { ActionRecord, CeremonyKind, StepUpCeremonyRecord } from '../ports.ts';
import { CEREMONY_MARGIN_SECONDS } from '../registration/start-registration.ts';
import { newId, type Runtime } from '../runtime.ts';
import { CEREMONY_STATES } from './action-states.ts';
import { changeActionState } from './change-action-state.ts';

/** How long the one-off verification ceremony of a step-up finish may live: it is used at once. */
const INTERNAL_CEREMONY_MS = 60_000;

function fail(reason: FailureReason, message: string): never {
  throw new LatchkeyError('ceremony_invalid', message, { reason });
}

/**
 * Burns a step-up ceremony (security row 1: the first finish attempt consumes it, success or not)
 * and checks its kind and expiry.
 */
export async function burnStepUpCeremony(
  runtime: Runtime,
  options: { appId: string; ceremonyId: string; kind: CeremonyKind },
): Promise<StepUpCeremonyRecord> {
  const now = runtime.now();
  const ceremony =
    options.ceremonyId.length > 0 && options.ceremonyId.length <= 100
      ? await runtime.store.stepUpCeremonies.consume(options.appId, options.ceremonyId, now)
      : null;
  if (!ceremony) return fail('ceremony_unknown', 'challenge is unknown, expired or already used');
  if (ceremony.kind !== options.kind) {
    return fail('ceremony_kind_mismatch', 'challenge is unknown, expired or already used');
  }
  if (ceremony.expiresAt <= now) {
    return fail('ceremony_expired', 'challenge is unknown, expired or already used');
  }
  return ceremony;
}

/** Refuses a ceremony for an action whose state is final. */
export function assertCeremonyAllowed(action: ActionRecord): void {
  if (!CEREMONY_STATES.includes(action.state)) {
    throw new LatchkeyError(
      'invalid_state_transition',
      `the action is in state ${action.state}; track a new one`,
      { reason: 'action_state_final' },
    );
  }
}

/** When a step-up ceremony expires: the WebAuthn timeout plus a margin for the round trip. */
export function stepUpExpiry(runtime: Runtime, ceremonyTtlSeconds: number): number {
  return runtime.now() + (ceremonyTtlSeconds + CEREMONY_MARGIN_SECONDS) * 1000;
}

/**
 * Stores the one-off ceremony through which a step-up response is verified by the same code as
 * every other ceremony. Its id is never handed out and it is consumed within the same request, so
 * no other endpoint can finish it. User verification is always required for step-up (security
 * row 4), whatever the app's policy says.
 */
export async function insertVerificationCeremony(
  runtime: Runtime,
  options: { appId: string; kind: CeremonyKind; challenge: string; userId: string | null },
): Promise<string> {
  const id = newId(runtime);
  const now = runtime.now();
  await runtime.store.ceremonies.insert({
    id,
    appId: options.appId,
    kind: options.kind,
    challenge: options.challenge,
    userId: options.userId,
    transactionId: null,
    userVerificationRequired: true,
    expiresAt: now + INTERNAL_CEREMONY_MS,
    consumedAt: null,
    createdAt: now,
  });
  return id;
}

/**
 * Records a failed step-up: a required challenge that was answered wrongly is failed for good
 * (a new track starts over), and the failure is audited with the check that refused it.
 */
export async function recordStepUpFailure(
  runtime: Runtime,
  options: { appId: string; action: ActionRecord | null; kind: CeremonyKind; error: unknown },
  context?: RequestContext,
): Promise<void> {
  const { action, error } = options;
  const reason = error instanceof LatchkeyError ? (error.reason ?? error.code) : 'internal_error';
  // Only a response that was checked and refused fails the action; a replayed or unknown challenge
  // says nothing about the user, and must not let whoever sent it fail someone else's action.
  const refused =
    error instanceof LatchkeyError &&
    ['authentication_rejected', 'registration_rejected', 'credential_unknown'].includes(error.code);
  if (refused && action?.state === 'CHALLENGE_REQUIRED') {
    await changeActionState(runtime, { action, to: 'CHALLENGE_FAILED', reason }, context).catch(
      () => undefined,
    );
  }
  await recordEvent(runtime, context, {
    type: 'step_up.failed',
    appId: options.appId,
    userId: action?.userId ?? null,
    reason,
    data: {
      kind: options.kind,
      actionId: action?.id ?? null,
      actionCode: action?.actionCode ?? null,
    },
  });
}
