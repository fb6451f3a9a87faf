import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime } from '../runtime.ts';
import type { ActionRecord } from './action-port.ts';
import { type ActionState, canTransition } from './action-states.ts';

/**
 * Moves an action forward, once: checks the move against the state machine, makes it in one
 * conditional statement (so of two racing moves one wins), and records it with its time, the
 * credential that caused it and why, in the action's history and the audit log.
 *
 * @example
 * await changeActionState(runtime, { action, to: 'CHALLENGE_SUCCEEDED', credentialId, reason: 'passkey verified' });
 */
export async function changeActionState(
  runtime: Runtime,
  options: {
    action: ActionRecord;
    to: ActionState;
    credentialId?: string | null;
    reason: string;
  },
  context?: RequestContext,
): Promise<ActionRecord> {
  const { action, to } = options;
  if (!canTransition(action.state, to)) {
    throw new LatchkeyError(
      'invalid_state_transition',
      `an action in state ${action.state} cannot move to ${to}`,
    );
  }
  const at = runtime.now();
  const credentialId = options.credentialId ?? null;
  const moved = await runtime.store.actions.transition(action.appId, action.id, {
    from: action.state,
    to,
    at,
    credentialId,
  });
  if (!moved) {
    throw new LatchkeyError('invalid_state_transition', 'the action changed state meanwhile');
  }
  await runtime.store.actions.appendChange({
    id: newId(runtime),
    appId: action.appId,
    actionId: action.id,
    fromState: action.state,
    toState: to,
    at,
    ruleIds: [],
    credentialId,
    reason: options.reason,
  });
  await recordEvent(runtime, context, {
    type: 'action.state_changed',
    appId: action.appId,
    userId: action.userId,
    credentialId,
    reason: options.reason,
    data: {
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey: action.idempotencyKey,
      from: action.state,
      to,
    },
  });
  return moved;
}
