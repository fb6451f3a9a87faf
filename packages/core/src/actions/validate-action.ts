import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { isLatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { issueSessionToken } from '../session-tokens/session-tokens.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { ActionRecord } from './action-port.ts';
import { resolveToken } from './step-up-tokens.ts';

/** The result of {@link validateAction}. */
export type ValidationResult =
  | {
      isValid: boolean;
      action: ActionRecord;
      user: UserRecord;
      /** Why `isValid` is false, where there is more to say than the state. */
      error: string | null;
      errorDescription: string | null;
      /** A signed session token for a valid result, when the app has session tokens on. */
      sessionToken: string | null;
      /** The passkey that met the challenge, where one did and it is still registered. */
      credential?: CredentialRecord | null;
    }
  | {
      isValid: false;
      action: null;
      user: null;
      error: string;
      errorDescription: string;
      sessionToken: null;
    };

/**
 * Validates a step-up token for the app's backend, before it performs the action. Valid only when
 * the token is the app's, unexpired, names the given user and action code (where given), and its
 * action's challenge succeeded; and only once per action, so that one approval cannot pay for two
 * transfers. The action (with its attributes) comes back so the backend can compare it with what
 * it is about to do.
 *
 * @example
 * const result = await validateAction(runtime, { appId, token, externalId: 'u1', actionCode: 'high-value-transfer' });
 */
export async function validateAction(
  runtime: Runtime,
  options: { appId: string; token: string; externalId?: string; actionCode?: string },
  context?: RequestContext,
): Promise<ValidationResult> {
  const app = await getApp(runtime, options.appId);
  let resolved: Awaited<ReturnType<typeof resolveToken>>;
  try {
    resolved = await resolveToken(runtime, { token: options.token, appId: app.id }, context);
  } catch (error) {
    if (isLatchkeyError(error, 'invalid_token') || isLatchkeyError(error, 'expired_token')) {
      return {
        isValid: false,
        action: null,
        user: null,
        error: error.code,
        errorDescription: error.message,
        sessionToken: null,
      };
    }
    throw error;
  }
  const { action, token } = resolved;
  const user = await runtime.store.users.findById(app.id, action.userId);
  if (!user) {
    return {
      isValid: false,
      action: null,
      user: null,
      error: 'invalid_token',
      errorDescription: 'the token is invalid',
      sessionToken: null,
    };
  }
  const refuse = async (error: string, errorDescription: string): Promise<ValidationResult> => {
    await recordEvent(runtime, context, {
      type: 'action.validation_refused',
      appId: app.id,
      userId: user.id,
      reason: error,
      data: { actionId: action.id, actionCode: action.actionCode, state: action.state },
    });
    return { isValid: false, action, user, error, errorDescription, sessionToken: null };
  };
  // Security row 10: a result is valid only for its own user and action code.
  if (options.externalId !== undefined) assertExternalId(options.externalId, 'userId');
  if (options.externalId !== undefined && options.externalId !== user.externalId) {
    return refuse('user_mismatch', 'the token was issued for another user');
  }
  if (options.actionCode !== undefined && options.actionCode !== action.actionCode) {
    return refuse('action_mismatch', 'the token was issued for another action');
  }
  if (action.state !== 'CHALLENGE_SUCCEEDED') {
    return refuse('challenge_not_succeeded', `the action is in state ${action.state}`);
  }
  if (!(await runtime.store.actions.markValidated(app.id, action.id, runtime.now()))) {
    return refuse('already_validated', 'this action was already validated');
  }
  const credential =
    action.verifiedByCredentialId === null
      ? null
      : await runtime.store.credentials.findById(app.id, action.verifiedByCredentialId);
  // A passkey revoked since the challenge: the approval stands, no token vouches for the passkey.
  const session =
    credential && app.policy.sessionTokens.enabled
      ? await issueSessionToken(runtime, {
          app,
          user,
          credential,
          authTime: action.stateUpdatedAt,
          userVerified: token.userVerified === true,
          action: {
            id: action.id,
            code: action.actionCode,
            idempotency_key: action.idempotencyKey,
            attributes_hash: action.attributesHash,
          },
        })
      : null;
  await recordEvent(runtime, context, {
    type: 'action.validated',
    appId: app.id,
    userId: user.id,
    credentialId: action.verifiedByCredentialId,
    data: {
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey: action.idempotencyKey,
      attributesHash: action.attributesHash,
      ...(session ? { sessionTokenId: session.jti } : {}),
    },
  });
  return {
    isValid: true,
    action,
    user,
    error: null,
    errorDescription: null,
    sessionToken: session?.token ?? null,
    credential,
  };
}
