import type { AppRecord } from '../apps/app-port.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CeremonyKind } from '../ceremonies/ceremony-port.ts';
import { LatchkeyError } from '../errors.ts';
import { newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';

/**
 * Mints the one-time proof that a ceremony succeeded. 256 random bits, handed to the browser once;
 * only its hash is stored.
 */
export async function mintNonce(
  runtime: Runtime,
  options: { app: AppRecord; userId: string; kind: CeremonyKind; credentialId: string },
): Promise<string> {
  const nonce = newSecret(runtime);
  const now = runtime.now();
  await runtime.store.nonces.insert({
    hash: sha256Hex(nonce),
    appId: options.app.id,
    userId: options.userId,
    kind: options.kind,
    credentialId: options.credentialId,
    expiresAt: now + options.app.policy.nonceTtlSeconds * 1000,
    consumedAt: null,
    createdAt: now,
  });
  return nonce;
}

/**
 * Redeems a nonce for the user it names. One atomic consumption: of any number of concurrent
 * redemptions, on any number of instances, exactly one wins.
 *
 * @example
 * const user = await redeemNonce(runtime, { appId, nonce }); // user.externalId
 */
export async function redeemNonce(
  runtime: Runtime,
  options: { appId: string; nonce: string },
  context?: RequestContext,
): Promise<UserRecord> {
  const consumed =
    options.nonce.length > 0 && options.nonce.length <= 200
      ? await runtime.store.nonces.consume(options.appId, sha256Hex(options.nonce), runtime.now())
      : null;
  const user = consumed ? await runtime.store.users.findById(options.appId, consumed.userId) : null;
  if (!consumed || !user) {
    await recordEvent(runtime, context, { type: 'nonce.rejected', appId: options.appId });
    throw new LatchkeyError('invalid_nonce', 'nonce is invalid, expired, or cannot be found');
  }
  await recordEvent(runtime, context, {
    type: 'nonce.redeemed',
    appId: options.appId,
    userId: user.id,
    credentialId: consumed.credentialId,
    data: { kind: consumed.kind },
  });
  return user;
}
