import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import {
  type AuthenticateOperatorOptions,
  authenticateOperator,
  OPERATOR_SESSION_LIMITS,
  OPERATOR_SESSION_PREFIX,
  sessionBinding,
} from './authenticate-operator.ts';
import { ENV_TOKEN_ID, type OperatorActor } from './operator-actor.ts';

/**
 * Exchanges an operator token for a console session: a separate, short-lived bearer (30 minutes
 * idle, 12 hours at most), so the long-lived token need not sit in the browser. Only the
 * session's hash is stored.
 *
 * @example
 * const { session, expiresAt } = await startOperatorSession(runtime, { credential: token });
 */
export async function startOperatorSession(
  runtime: Runtime,
  options: Omit<AuthenticateOperatorOptions, 'acceptSession'>,
  context?: RequestContext,
): Promise<{ session: string; expiresAt: number; actor: OperatorActor }> {
  const actor = await authenticateOperator(runtime, { ...options, acceptSession: false }, context);
  // The hash of the credential just verified, as a later check will find it in force.
  const credentialHash =
    actor.tokenId === ENV_TOKEN_ID
      ? sha256Hex(options.credential ?? '')
      : (await runtime.store.operatorTokens.findById(actor.tokenId))?.secretHash;
  if (credentialHash === undefined) {
    throw new LatchkeyError('unauthorized', 'an operator token or console session is required');
  }
  const secret = newSecret(runtime);
  const now = runtime.now();
  const expiresAt = now + OPERATOR_SESSION_LIMITS.idleMs;
  await runtime.store.operatorSessions.insert({
    hash: sha256Hex(secret),
    tokenId: actor.tokenId,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    tokenBinding: sessionBinding(secret, credentialHash),
  });
  await recordEvent(runtime, context, {
    type: 'operator_session.started',
    appId: null,
    data: { actor: actor.tokenId },
  });
  return {
    session: `${OPERATOR_SESSION_PREFIX}${secret}`,
    expiresAt,
    actor: { ...actor, via: 'session', sessionExpiresAt: expiresAt },
  };
}

/**
 * Ends a console session (signing out). Ending one that is already over changes nothing.
 *
 * @example
 * await endOperatorSession(runtime, { session, actor });
 */
export async function endOperatorSession(
  runtime: Runtime,
  options: { session: string; actor: OperatorActor },
  context?: RequestContext,
): Promise<void> {
  if (!options.session.startsWith(OPERATOR_SESSION_PREFIX)) return;
  const hash = sha256Hex(options.session.slice(OPERATOR_SESSION_PREFIX.length));
  if (await runtime.store.operatorSessions.revoke(hash, runtime.now())) {
    await recordEvent(runtime, context, {
      type: 'operator_session.ended',
      appId: null,
      data: { actor: options.actor.tokenId },
    });
  }
}
