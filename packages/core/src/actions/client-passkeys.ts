import type { RequestContext } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { CredentialRecord, UserRecord } from '../ports.ts';
import type { Runtime } from '../runtime.ts';
import { resolveToken } from './step-up-tokens.ts';

/** At most this many credential ids are looked up per question; the rest are ignored. */
export const MAX_CREDENTIAL_IDS_PER_LOOKUP = 20;

/** A registered passkey found for the client API; `user` only where the caller may know it. */
export interface FoundPasskey {
  credential: CredentialRecord;
  /** The passkey's user, for a caller holding that user's token; null for the app id alone. */
  user: UserRecord | null;
}

/**
 * The first of these credential ids that is registered in the app, for `isAvailableOnDevice`.
 * With `userId` null (the caller sent only the app id, which anyone can send) any user's passkey
 * answers, and its user is not told; with a user id (from a token) only that user's passkeys count.
 *
 * @example
 * const found = await findRegisteredPasskey(runtime, { appId, userId: null, credentialIds });
 */
export async function findRegisteredPasskey(
  runtime: Runtime,
  options: { appId: string; userId: string | null; credentialIds: readonly string[] },
): Promise<FoundPasskey | null> {
  const { appId, userId } = options;
  for (const id of options.credentialIds.slice(0, MAX_CREDENTIAL_IDS_PER_LOOKUP)) {
    const credential = await runtime.store.credentials.findByCredentialId(appId, id);
    if (!credential) continue;
    if (userId === null) return { credential, user: null };
    if (credential.userId !== userId) continue;
    const user = await runtime.store.users.findById(appId, credential.userId);
    if (user) return { credential, user };
  }
  return null;
}

/**
 * The passkeys of a step-up token's user. Throws like `resolveToken` for a bad or expired token,
 * and `invalid_token` where the user is gone.
 *
 * @example
 * const { user, credentials } = await listTokenUserPasskeys(runtime, { token });
 */
export async function listTokenUserPasskeys(
  runtime: Runtime,
  options: { token: string },
  context?: RequestContext,
): Promise<{ user: UserRecord; credentials: CredentialRecord[] }> {
  const { action } = await resolveToken(runtime, options, context);
  const user = await runtime.store.users.findById(action.appId, action.userId);
  if (!user) throw new LatchkeyError('invalid_token', 'the token is invalid');
  return { user, credentials: await runtime.store.credentials.listByUser(action.appId, user.id) };
}
