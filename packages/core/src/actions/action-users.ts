import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { UserRecord } from '../users/user-port.ts';
import { revokeDevice } from '../users/users.ts';

/**
 * A user of the actions surface by the app's own id, with their passkeys. Null (not an error) for
 * a user latchkey has not seen: the SDKs expect `isEnrolled: false` then.
 *
 * @example
 * const found = await findActionsUser(runtime, { appId, externalId: 'u1' });
 */
export async function findActionsUser(
  runtime: Runtime,
  options: { appId: string; externalId: string },
): Promise<{ user: UserRecord; credentials: CredentialRecord[] } | null> {
  const app = await getApp(runtime, options.appId);
  assertExternalId(options.externalId, 'userId');
  const user = await runtime.store.users.findByExternalId(app.id, options.externalId);
  if (!user) return null;
  return { user, credentials: await runtime.store.credentials.listByUser(app.id, user.id) };
}

/**
 * Updates what latchkey keeps of a user: the display name (from `displayName`, else `username`).
 * latchkey stores no email or phone number.
 */
export async function updateActionsUser(
  runtime: Runtime,
  options: { appId: string; externalId: string; displayName: string | null },
  context?: RequestContext,
): Promise<void> {
  const found = await findActionsUser(runtime, options);
  if (!found) throw new LatchkeyError('user_not_found', 'user not found');
  if (options.displayName === null) return;
  if (options.displayName.length === 0 || options.displayName.length > 255) {
    throw new LatchkeyError('invalid_request', 'displayName must be 1 to 255 characters');
  }
  await runtime.store.users.updateDisplayName(
    found.user.appId,
    found.user.id,
    options.displayName,
    runtime.now(),
  );
  await recordEvent(runtime, context, {
    type: 'user.updated',
    appId: found.user.appId,
    userId: found.user.id,
  });
}

/** Deletes a user with their passkeys and actions. Deleting an unknown user does nothing. */
export async function deleteActionsUser(
  runtime: Runtime,
  options: { appId: string; externalId: string },
  context?: RequestContext,
): Promise<void> {
  const found = await findActionsUser(runtime, options);
  if (!found) return;
  if (await runtime.store.users.delete(found.user.appId, found.user.id)) {
    await recordEvent(runtime, context, {
      type: 'user.deleted',
      appId: found.user.appId,
      userId: found.user.id,
      data: { passkeys: found.credentials.length },
    });
  }
}

/** Removes one of a user's passkeys by its device id (the SDKs' `userAuthenticatorId`); audited. */
export async function removeActionsAuthenticator(
  runtime: Runtime,
  options: {
    appId: string;
    externalId: string;
    userAuthenticatorId: string;
    acknowledgePrfLoss?: boolean;
  },
  context?: RequestContext,
): Promise<void> {
  const found = await findActionsUser(runtime, options);
  if (!found) throw new LatchkeyError('device_not_found', 'device not found');
  await revokeDevice(
    runtime,
    {
      appId: found.user.appId,
      userId: found.user.id,
      deviceId: options.userAuthenticatorId,
      acknowledgePrfLoss: options.acknowledgePrfLoss === true,
    },
    context,
  );
}
