import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime } from '../runtime.ts';
import { createApiKey } from './api-keys.ts';
import type { AppRecord } from './app-port.ts';
import {
  assertRpIdCoversOrigins,
  isAndroidOrigin,
  normalizeOrigin,
  originHostname,
} from './origins.ts';
import type { AppPolicy } from './policy.ts';
import { resolvePolicy } from './resolve-policy.ts';

/** Options for {@link createApp}. */
export interface CreateAppOptions {
  name: string;
  origins: string[];
  /** Defaults to the host name of the first web origin. */
  rpId?: string;
  policy?: Partial<AppPolicy>;
}

/** Validates a name, origins and RP ID together, as creating and updating an app both need. */
export function validateAppIdentity(
  name: string,
  origins: string[],
  rpId: string | undefined,
): { name: string; origins: string[]; rpId: string } {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new LatchkeyError('invalid_request', 'name must be 1 to 200 characters');
  }
  if (origins.length === 0) {
    throw new LatchkeyError('invalid_request', 'at least one origin is required');
  }
  const normalized = [...new Set(origins.map(normalizeOrigin))];
  const firstWeb = normalized.find((o) => !isAndroidOrigin(o));
  const resolvedRpId = rpId ?? (firstWeb ? originHostname(firstWeb) : undefined);
  if (!resolvedRpId) {
    throw new LatchkeyError('invalid_request', 'an RP ID is required when no web origin is given');
  }
  assertRpIdCoversOrigins(resolvedRpId, normalized);
  return { name: trimmed, origins: normalized, rpId: resolvedRpId };
}

/**
 * Creates an app (a relying party) and its first API key. The key is returned once, here, and
 * stored only as a hash.
 *
 * @example
 * const { app, apiKey } = await createApp(runtime, { name: 'Bank', origins: ['https://bank.example'] });
 */
export async function createApp(
  runtime: Runtime,
  options: CreateAppOptions,
  context?: RequestContext,
): Promise<{ app: AppRecord; apiKey: string; apiKeyId: string }> {
  const identity = validateAppIdentity(options.name, options.origins, options.rpId);
  const now = runtime.now();
  const app: AppRecord = {
    id: newId(runtime),
    ...identity,
    policy: resolvePolicy(options.policy),
    createdAt: now,
    updatedAt: now,
  };
  await runtime.store.apps.insert(app);
  await recordEvent(runtime, context, {
    type: 'app.created',
    appId: app.id,
    data: { name: app.name, rpId: app.rpId, origins: app.origins },
  });
  const key = await createApiKey(runtime, { appId: app.id }, context);
  return { app, apiKey: key.apiKey, apiKeyId: key.id };
}
