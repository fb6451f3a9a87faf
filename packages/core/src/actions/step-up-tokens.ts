import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import type { ActionRecord } from './action-port.ts';
import type { TokenScope } from './action-states.ts';
import type { StepUpTokenRecord } from './step-up-token-port.ts';

/** A step-up token lives ten minutes. */
export const TOKEN_TTL_SECONDS = 600;

/**
 * Issues a token for an action: 256 random bits, handed out once, stored only as its SHA-256, and
 * bound to the action's app, user, action code and idempotency key.
 *
 * @example
 * const token = await issueToken(runtime, { action, scopes: ['add:authenticators'] });
 */
export async function issueToken(
  runtime: Runtime,
  options: { action: ActionRecord; scopes?: TokenScope[]; userVerified?: boolean },
): Promise<string> {
  const token = newSecret(runtime);
  const now = runtime.now();
  const { action } = options;
  await runtime.store.stepUpTokens.insert({
    hash: sha256Hex(token),
    appId: action.appId,
    actionId: action.id,
    userId: action.userId,
    actionCode: action.actionCode,
    idempotencyKey: action.idempotencyKey,
    scopes: [...(options.scopes ?? [])],
    userVerified: options.userVerified ?? null,
    expiresAt: now + TOKEN_TTL_SECONDS * 1000,
    createdAt: now,
  });
  return token;
}

/** A token that resolved, with the action it is bound to. */
export interface ResolvedToken {
  token: StepUpTokenRecord;
  action: ActionRecord;
}

/**
 * Finds the action a token is bound to. `appId`, where the caller knows it (the server API's secret
 * key), must be the token's. Throws `invalid_token` for a token that is unknown, of another app or
 * whose action is gone, and `expired_token` past its ten minutes; both leave an audit event.
 *
 * @example
 * const { action } = await resolveToken(runtime, { token });
 */
export async function resolveToken(
  runtime: Runtime,
  options: { token: string; appId?: string },
  context?: RequestContext,
): Promise<ResolvedToken> {
  const reject = async (code: 'invalid_token' | 'expired_token', appId: string | null) => {
    await recordEvent(runtime, context, {
      type: 'step_up_token.rejected',
      appId,
      reason: code,
    });
    throw new LatchkeyError(
      code,
      code === 'expired_token' ? 'the token has expired' : 'the token is invalid',
    );
  };
  const { token } = options;
  const record =
    token.length >= 20 && token.length <= 200
      ? await runtime.store.stepUpTokens.findByHash(sha256Hex(token))
      : null;
  if (!record || (options.appId !== undefined && record.appId !== options.appId)) {
    return reject('invalid_token', options.appId ?? null);
  }
  if (record.expiresAt <= runtime.now()) return reject('expired_token', record.appId);
  const action = await runtime.store.actions.findById(record.appId, record.actionId);
  // The token's copy of the binding must still describe its action.
  if (
    !action ||
    action.userId !== record.userId ||
    action.actionCode !== record.actionCode ||
    action.idempotencyKey !== record.idempotencyKey
  ) {
    return reject('invalid_token', record.appId);
  }
  return { token: record, action };
}

/** Whether a token carries a scope. */
export function hasScope(token: StepUpTokenRecord, scope: TokenScope): boolean {
  return token.scopes.includes(scope);
}
