import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CeremonyBinding, CeremonyKind } from '../ceremonies/ceremony-port.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ActionRecord } from './action-port.ts';
import { CEREMONY_STATES } from './action-states.ts';
import { changeActionState } from './change-action-state.ts';

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

/**
 * The binding of a step-up ceremony for a tracked action: its id, code and the attributes hash its
 * challenge commits to.
 */
export function actionBinding(action: ActionRecord): CeremonyBinding {
  return {
    type: 'action',
    actionId: action.id,
    actionCode: action.actionCode,
    attributesHash: action.attributesHash,
  };
}

/**
 * The action outcome of a failed step-up: a required challenge that was answered wrongly is failed
 * for good (a new track starts over), and `step_up.failed` records it with the check that refused
 * it. The ceremony's own `ceremony.failed` is recorded by the finish around the verification.
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
