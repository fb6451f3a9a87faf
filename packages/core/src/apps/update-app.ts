import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AppRecord } from './app-port.ts';
import { validateAppIdentity } from './create-app.ts';
import { getApp } from './get-app.ts';
import type { AppPolicy } from './policy.ts';
import { resolvePolicy } from './resolve-policy.ts';

/** Options for {@link updateApp}: only the fields given change. */
export interface UpdateAppOptions {
  appId: string;
  name?: string;
  origins?: string[];
  rpId?: string;
  policy?: Partial<AppPolicy>;
  /**
   * Changes the RP ID even though the app has passkeys, which the change makes unusable. Without
   * it such a change is refused (`rp_id_change_refused`).
   */
  forceRpIdChange?: boolean;
}

/**
 * Changes an app's name, origins, RP ID or policy. Changing the RP ID makes existing passkeys
 * unusable (each is bound to the RP ID it was made for, and the authenticator signs its hash), so
 * while the app has any it is refused unless `forceRpIdChange` is set.
 *
 * @example
 * await updateApp(runtime, { appId, policy: { userVerification: 'preferred' } });
 */
export async function updateApp(
  runtime: Runtime,
  options: UpdateAppOptions,
  context?: RequestContext,
): Promise<AppRecord> {
  const current = await getApp(runtime, options.appId);
  const identity = validateAppIdentity(
    options.name ?? current.name,
    options.origins ?? current.origins,
    options.rpId ?? current.rpId,
  );
  const rpIdChanged = identity.rpId !== current.rpId;
  if (rpIdChanged && !options.forceRpIdChange)
    await refuseStrandingPasskeys(runtime, current, identity.rpId);
  const updated: AppRecord = {
    ...current,
    ...identity,
    policy: resolvePolicy(options.policy, current.policy),
    updatedAt: runtime.now(),
  };
  await runtime.store.apps.update(updated);
  await recordEvent(runtime, context, {
    type: 'app.updated',
    appId: updated.id,
    data: {
      name: updated.name,
      rpId: updated.rpId,
      origins: updated.origins,
      policy: updated.policy,
      ...(rpIdChanged ? { previousRpId: current.rpId } : {}),
    },
  });
  return updated;
}

/**
 * WebAuthn L3 §5.1.3 / §6.1: a credential is scoped to the RP ID it was made for, and every
 * assertion signs that RP ID's hash, so after a change no existing passkey of the app could sign
 * in. Refused while any exists, with the way out that keeps them working.
 */
async function refuseStrandingPasskeys(
  runtime: Runtime,
  app: AppRecord,
  rpId: string,
): Promise<void> {
  const count = await runtime.store.credentials.countByApp(app.id);
  if (count === 0) return;
  throw new LatchkeyError(
    'rp_id_change_refused',
    `app ${app.id} has ${count} passkey${count === 1 ? '' : 's'} bound to RP ID ${app.rpId}; with RP ID ${rpId} none of them could sign in again. To serve a new domain, keep the RP ID and list the new site as a related origin (see docs/native-apps-and-related-origins.md); to change it anyway, force the change`,
  );
}
