import { createHmac } from 'node:crypto';
import { KEY_PREFIXES, keyKindOf } from '../apps/api-key-format.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { type Runtime, sha256Hex } from '../runtime.ts';
import { ENV_TOKEN_ID, type OperatorActor } from './operator-actor.ts';
import { sameHash, verifyOperatorToken } from './operator-tokens.ts';

/** Console sessions read `lks_<secret>` (api-key-format.ts). */
export const OPERATOR_SESSION_PREFIX = KEY_PREFIXES.operatorSession;

/** How long a console session lives: idle time, and at most this long in all. */
export const OPERATOR_SESSION_LIMITS = {
  idleMs: 30 * 60_000,
  maxMs: 12 * 60 * 60_000,
} as const;

/**
 * What a session remembers of the credential it was exchanged for: an HMAC of that credential's
 * SHA-256, keyed by the session's own secret (see `OperatorSessionRecord.tokenBinding`).
 */
export function sessionBinding(sessionSecret: string, credentialHash: string): string {
  return createHmac('sha256', sessionSecret).update(credentialHash).digest('hex');
}

/**
 * The SHA-256 of the credential behind a session as it stands now: the operator token's stored hash
 * while the token is live, `LATCHKEY_ADMIN_TOKEN`'s while it is set; null when that credential is
 * gone (revoked, deleted, unset).
 */
async function currentCredentialHash(
  runtime: Runtime,
  tokenId: string,
  envToken: string | undefined,
): Promise<{ hash: string; name: string } | null> {
  if (tokenId === ENV_TOKEN_ID) {
    return envToken ? { hash: sha256Hex(envToken), name: 'LATCHKEY_ADMIN_TOKEN' } : null;
  }
  const token = await runtime.store.operatorTokens.findById(tokenId);
  return token && token.revokedAt === null ? { hash: token.secretHash, name: token.name } : null;
}

/** Options for {@link authenticateOperator}. */
export interface AuthenticateOperatorOptions {
  /** The bearer credential as presented (an operator token, a session, or the env token). */
  credential: string | undefined;
  /** `LATCHKEY_ADMIN_TOKEN`, when set; compared by hash. */
  envToken?: string | undefined;
  /** Whether a console session is accepted (the session exchange itself takes tokens only). */
  acceptSession?: boolean;
}

async function refuse(
  runtime: Runtime,
  context: RequestContext | undefined,
  reason: string,
): Promise<never> {
  await recordEvent(runtime, context, { type: 'operator.rejected', appId: null, reason });
  throw new LatchkeyError('unauthorized', 'an operator token or console session is required');
}

/**
 * Finds the operator behind an admin request. App API keys (`lk_…`) are refused like any unknown
 * credential: the admin surface has its own credential (security.md, check 11). Every refusal is
 * audited as `operator.rejected` with the reason.
 *
 * @example
 * const actor = await authenticateOperator(runtime, { credential: bearer, envToken: process.env.LATCHKEY_ADMIN_TOKEN });
 */
export async function authenticateOperator(
  runtime: Runtime,
  options: AuthenticateOperatorOptions,
  context?: RequestContext,
): Promise<OperatorActor> {
  const { credential } = options;
  if (!credential) return refuse(runtime, context, 'missing');
  if (credential.length > 512) return refuse(runtime, context, 'malformed');
  if (credential.startsWith(OPERATOR_SESSION_PREFIX)) {
    if (options.acceptSession === false) return refuse(runtime, context, 'session_not_accepted');
    const now = runtime.now();
    const secret = credential.slice(OPERATOR_SESSION_PREFIX.length);
    const hash = sha256Hex(secret);
    const session = await runtime.store.operatorSessions.findActive(hash, now);
    if (!session) return refuse(runtime, context, 'session_unknown_or_expired');
    // A session dies with its credential: revoking the token, or removing or changing
    // LATCHKEY_ADMIN_TOKEN, must lock out the consoles it opened at once, not after 12 hours.
    const current = await currentCredentialHash(runtime, session.tokenId, options.envToken);
    if (!current) return refuse(runtime, context, 'token_revoked');
    if (
      session.tokenBinding === null ||
      !sameHash(session.tokenBinding, sessionBinding(secret, current.hash))
    ) {
      return refuse(runtime, context, 'token_changed');
    }
    const expiresAt = Math.min(
      now + OPERATOR_SESSION_LIMITS.idleMs,
      session.createdAt + OPERATOR_SESSION_LIMITS.maxMs,
    );
    // Sliding expiry, written at most once a minute.
    if (expiresAt - session.expiresAt > 60_000) {
      await runtime.store.operatorSessions.extend(hash, expiresAt);
    }
    return {
      tokenId: session.tokenId,
      name: current.name,
      via: 'session',
      sessionExpiresAt: Math.max(expiresAt, session.expiresAt),
    };
  }
  const envToken = options.envToken;
  if (envToken && sameHash(sha256Hex(credential), sha256Hex(envToken))) {
    return {
      tokenId: ENV_TOKEN_ID,
      name: 'LATCHKEY_ADMIN_TOKEN',
      via: 'env',
      sessionExpiresAt: null,
    };
  }
  const token = await verifyOperatorToken(runtime, credential);
  if (!token) {
    return refuse(runtime, context, keyKindOf(credential) === 'appKey' ? 'app_key' : 'unknown');
  }
  return { tokenId: token.id, name: token.name, via: 'token', sessionExpiresAt: null };
}
