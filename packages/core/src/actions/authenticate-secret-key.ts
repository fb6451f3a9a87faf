import { parseKey } from '../apps/api-key-format.ts';
import { authenticateApiKey } from '../apps/api-keys.ts';
import type { AppRecord } from '../apps/app-port.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';

/**
 * The app whose API key (the Authsignal SDKs' "secret key") this is. The server API names no app
 * in its paths, so the key's own record says which app it belongs to; the secret is then checked
 * like every API key (constant time, revocation, audit of refusals).
 *
 * @example
 * const appId = await authenticateSecretKey(runtime, { apiKey: 'lk_….…' });
 */
export async function authenticateSecretKey(
  runtime: Runtime,
  options: { apiKey: string | undefined },
  context?: RequestContext,
): Promise<string> {
  const keyId = options.apiKey ? (parseKey('appKey', options.apiKey)?.id ?? null) : null;
  const record = keyId ? await runtime.store.apiKeys.findById(keyId) : null;
  // An unknown key still goes through the same check, which refuses it and records the refusal.
  await authenticateApiKey(
    runtime,
    { appId: record?.appId ?? '', apiKey: options.apiKey },
    context,
  );
  if (!record) throw new LatchkeyError('unauthorized', 'invalid access token');
  return record.appId;
}

/**
 * The app named by a tenant id (the app id) in the client API's Basic scheme. Throws
 * `unauthorized` for an unknown app.
 */
export async function authenticateTenant(runtime: Runtime, tenantId: string): Promise<AppRecord> {
  const app =
    tenantId.length > 0 && tenantId.length <= 64
      ? await runtime.store.apps.findById(tenantId)
      : null;
  if (!app) throw new LatchkeyError('unauthorized', 'unknown tenant');
  return app;
}
