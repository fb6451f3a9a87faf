import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import { assertActionCode } from './action-config.ts';
import type { ActionRecord, ActionStateChangeRecord } from './action-port.ts';
import type { ActionState } from './action-states.ts';
import { changeActionState } from './change-action-state.ts';

async function findAction(
  runtime: Runtime,
  options: { appId: string; externalId: string; actionCode: string; idempotencyKey: string },
): Promise<ActionRecord> {
  const app = await getApp(runtime, options.appId);
  const user = await runtime.store.users.findByExternalId(
    app.id,
    assertExternalId(options.externalId, 'userId'),
  );
  const action = user
    ? await runtime.store.actions.findByKey(
        app.id,
        user.id,
        assertActionCode(options.actionCode),
        options.idempotencyKey,
      )
    : null;
  if (!action) throw new LatchkeyError('action_not_found', 'action not found');
  return action;
}

/**
 * One action of a user by its code and idempotency key, with every change of its state.
 *
 * @example
 * const { action, changes } = await getAction(runtime, { appId, externalId: 'u1', actionCode, idempotencyKey });
 */
export async function getAction(
  runtime: Runtime,
  options: { appId: string; externalId: string; actionCode: string; idempotencyKey: string },
): Promise<{ action: ActionRecord; changes: ActionStateChangeRecord[] }> {
  const action = await findAction(runtime, options);
  const changes = await runtime.store.actions.listChanges(action.appId, action.id);
  return { action, changes };
}

/**
 * A user's actions, newest first, optionally since a time, of some codes, or in one state. An
 * unknown user has none.
 *
 * @example
 * const actions = await queryUserActions(runtime, { appId, externalId: 'u1', codes: ['high-value-transfer'] });
 */
export async function queryUserActions(
  runtime: Runtime,
  options: {
    appId: string;
    externalId: string;
    since?: number;
    codes?: string[];
    state?: ActionState;
    limit?: number;
  },
): Promise<ActionRecord[]> {
  const app = await getApp(runtime, options.appId);
  const user = await runtime.store.users.findByExternalId(
    app.id,
    assertExternalId(options.externalId, 'userId'),
  );
  if (!user) return [];
  return runtime.store.actions.listByUser(app.id, user.id, {
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.codes?.length ? { codes: options.codes } : {}),
    ...(options.state ? { state: options.state } : {}),
    limit: Math.min(Math.max(options.limit ?? 100, 1), 1000),
  });
}

/**
 * The app's backend moves an action forward (a review done, a challenge given up). Only forward
 * moves of the state machine are accepted.
 *
 * @example
 * await updateActionState(runtime, { appId, externalId: 'u1', actionCode, idempotencyKey, state: 'REVIEW_SUCCEEDED' });
 */
export async function updateActionState(
  runtime: Runtime,
  options: {
    appId: string;
    externalId: string;
    actionCode: string;
    idempotencyKey: string;
    state: ActionState;
  },
  context?: RequestContext,
): Promise<ActionRecord> {
  const action = await findAction(runtime, options);
  if (action.state === options.state) return action;
  return changeActionState(
    runtime,
    { action, to: options.state, reason: 'updated by the app' },
    context,
  );
}
