import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { newId, type Runtime, toBase64Url } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { ActionRecord } from './action-port.ts';

/**
 * The outcome of a passkey sign-in on the actions surface: it becomes an action of its user,
 * already CHALLENGE_SUCCEEDED, recorded as tracked.
 */
export async function recordSignIn(
  runtime: Runtime,
  options: { appId: string; user: UserRecord; credential: CredentialRecord; actionCode: string },
  context?: RequestContext,
): Promise<ActionRecord> {
  const now = runtime.now();
  const idempotencyKey = toBase64Url(runtime.randomBytes(16));
  const { action } = await runtime.store.actions.insertOrGet({
    id: newId(runtime),
    appId: options.appId,
    userId: options.user.id,
    actionCode: options.actionCode,
    idempotencyKey,
    state: 'CHALLENGE_SUCCEEDED',
    attributes: {},
    custom: {},
    attributesHash: null,
    requestHash: '',
    rules: [],
    ipAddress: context?.ip ?? null,
    userAgent: context?.userAgent ?? null,
    deviceId: null,
    verifiedByCredentialId: options.credential.id,
    createdAt: now,
    updatedAt: now,
    stateUpdatedAt: now,
    validatedAt: null,
  });
  await runtime.store.actions.appendChange({
    id: newId(runtime),
    appId: options.appId,
    actionId: action.id,
    fromState: null,
    toState: 'CHALLENGE_SUCCEEDED',
    at: now,
    ruleIds: [],
    credentialId: options.credential.id,
    reason: 'passkey sign-in',
  });
  await recordEvent(runtime, context, {
    type: 'action.tracked',
    appId: options.appId,
    userId: options.user.id,
    credentialId: options.credential.id,
    data: {
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey,
      state: action.state,
      ruleIds: [],
    },
  });
  return action;
}
