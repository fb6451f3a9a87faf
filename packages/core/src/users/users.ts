import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { assertExternalId } from './external-id.ts';
import type { Page, UserRecord } from './user-port.ts';

/**
 * Lists an app's users, newest first, optionally only the one with an external id.
 *
 * @example
 * const page = await listUsers(runtime, { appId, externalId: 'u1', limit: 1, offset: 0 });
 */
export async function listUsers(
  runtime: Runtime,
  options: {
    appId: string;
    externalId?: string;
    limit: number;
    offset: number;
    createdBefore?: number;
  },
): Promise<Page<UserRecord>> {
  await getApp(runtime, options.appId);
  // An empty filter matches no user, as before; anything else must be an id that could exist.
  if (options.externalId) assertExternalId(options.externalId);
  return runtime.store.users.list(options.appId, options);
}

/** One user of an app by latchkey's id, or `user_not_found`. */
export async function getUser(
  runtime: Runtime,
  options: { appId: string; userId: string },
): Promise<UserRecord> {
  await getApp(runtime, options.appId);
  const user = await runtime.store.users.findById(options.appId, options.userId);
  if (!user) throw new LatchkeyError('user_not_found', 'user not found');
  return user;
}

/** A user's credentials (devices), oldest first. */
export async function listDevices(
  runtime: Runtime,
  options: { appId: string; userId: string },
): Promise<CredentialRecord[]> {
  const user = await getUser(runtime, options);
  return runtime.store.credentials.listByUser(options.appId, user.id);
}

/**
 * Revokes one of a user's passkeys by device id. Where the app forbids removing the last passkey,
 * that answers `operation_not_allowed`. Every revocation is audited.
 *
 * @example
 * await revokeDevice(runtime, { appId, userId, deviceId });
 */
export async function revokeDevice(
  runtime: Runtime,
  options: {
    appId: string;
    userId: string;
    deviceId: string;
    /**
     * The caller knows that this is the user's last passkey with PRF enabled, and that whatever the
     * app encrypted with keys derived from it is lost with it. Without it, such a revocation is
     * refused with `prf_loss_unacknowledged`.
     */
    acknowledgePrfLoss?: boolean;
  },
  context?: RequestContext,
): Promise<CredentialRecord> {
  const app = await getApp(runtime, options.appId);
  const user = await getUser(runtime, options);
  const device = await runtime.store.credentials.findById(app.id, options.deviceId);
  if (!device || device.userId !== user.id) {
    throw new LatchkeyError('device_not_found', 'device not found');
  }
  if (!app.policy.allowRemovingLastPasskey) {
    const count = await runtime.store.credentials.countByUser(app.id, user.id);
    if (count <= 1) {
      throw new LatchkeyError(
        'operation_not_allowed',
        "this app does not allow removing a user's last passkey",
      );
    }
  }
  if (device.prfEnabled && options.acknowledgePrfLoss !== true) {
    const held = await runtime.store.credentials.listByUser(app.id, user.id);
    if (!held.some((c) => c.id !== device.id && c.prfEnabled)) {
      throw new LatchkeyError(
        'prf_loss_unacknowledged',
        "this is the user's last passkey with PRF: data encrypted with its keys would be lost; pass acknowledge_prf_loss to revoke it anyway",
      );
    }
  }
  if (!(await runtime.store.credentials.delete(app.id, user.id, device.id))) {
    throw new LatchkeyError('device_not_found', 'device not found');
  }
  await recordEvent(runtime, context, {
    type: 'credential.revoked',
    appId: app.id,
    userId: user.id,
    credentialId: device.id,
    data: {
      credentialId: device.credentialId,
      friendlyName: device.friendlyName,
      ...(device.prfEnabled ? { prfEnabled: true } : {}),
    },
  });
  return device;
}
