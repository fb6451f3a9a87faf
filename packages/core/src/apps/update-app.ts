import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
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
}

/**
 * Changes an app's name, origins, RP ID or policy. Changing the RP ID makes existing passkeys
 * unusable (they are scoped to the old one), so callers should do it only on purpose.
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
    },
  });
  return updated;
}
