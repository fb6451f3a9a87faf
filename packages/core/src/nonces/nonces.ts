import type { AppRecord } from '../apps/app-port.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CeremonyKind } from '../ceremonies/ceremony-port.ts';
import { LatchkeyError } from '../errors.ts';
import { newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import { issueSessionToken } from '../session-tokens/session-tokens.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { NonceRecord } from './nonce-port.ts';

/**
 * Mints the one-time proof that a ceremony succeeded. 256 random bits, handed to the browser once;
 * only its hash is stored.
 */
export async function mintNonce(
  runtime: Runtime,
  options: {
    app: AppRecord;
    userId: string;
    kind: CeremonyKind;
    credentialId: string;
    userVerified?: boolean;
  },
): Promise<string> {
  const nonce = newSecret(runtime);
  const now = runtime.now();
  await runtime.store.nonces.insert({
    hash: sha256Hex(nonce),
    appId: options.app.id,
    userId: options.userId,
    kind: options.kind,
    credentialId: options.credentialId,
    userVerified: options.userVerified ?? null,
    expiresAt: now + options.app.policy.nonceTtlSeconds * 1000,
    consumedAt: null,
    createdAt: now,
  });
  return nonce;
}

/** What redeeming a nonce gives the app's backend. */
export interface RedeemedNonce {
  user: UserRecord;
  /**
   * A signed session token, when the app has session tokens on and the nonce is a sign-in's
   * (a registration proves that a key was made, not that someone signed in with one).
   */
  sessionToken: string | null;
}

/**
 * Redeems a nonce for the user it names. One atomic consumption: of any number of concurrent
 * redemptions, on any number of instances, exactly one wins.
 *
 * @example
 * const { user } = await redeemNonce(runtime, { appId, nonce }); // user.externalId
 */
export async function redeemNonce(
  runtime: Runtime,
  options: { appId: string; nonce: string },
  context?: RequestContext,
): Promise<RedeemedNonce> {
  const redeemed =
    options.nonce.length > 0 && options.nonce.length <= 200
      ? await runtime.store.nonces.redeem(options.appId, sha256Hex(options.nonce), runtime.now())
      : null;
  const consumed = redeemed?.nonce ?? null;
  const user = redeemed?.user ?? null;
  if (!consumed || !user) {
    await recordEvent(runtime, context, { type: 'nonce.rejected', appId: options.appId });
    throw new LatchkeyError('invalid_nonce', 'nonce is invalid, expired, or cannot be found');
  }
  const session = await sessionTokenFor(runtime, consumed, user);
  await recordEvent(runtime, context, {
    type: 'nonce.redeemed',
    appId: options.appId,
    userId: user.id,
    credentialId: consumed.credentialId,
    data: { kind: consumed.kind, ...(session ? { sessionTokenId: session.jti } : {}) },
  });
  return { user, sessionToken: session?.token ?? null };
}

async function sessionTokenFor(
  runtime: Runtime,
  nonce: NonceRecord,
  user: UserRecord,
): Promise<{ token: string; jti: string } | null> {
  if (nonce.kind !== 'authenticate') return null;
  const app = await runtime.store.apps.findById(nonce.appId);
  if (!app?.policy.sessionTokens.enabled) return null;
  const credential = await runtime.store.credentials.findById(app.id, nonce.credentialId);
  // Revoked between the ceremony and the redemption: the sign-in stands, no token vouches for it.
  if (!credential) return null;
  return issueSessionToken(runtime, {
    app,
    user,
    credential,
    authTime: nonce.createdAt,
    userVerified: nonce.userVerified === true,
  });
}
