import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import { formatKey, parseKey } from './api-key-format.ts';
import type { ApiKeyRecord } from './app-port.ts';
import { getApp } from './get-app.ts';

// API keys read `lk_<key id>.<secret>` (api-key-format.ts). The key id finds the row; the secret's
// SHA-256 is compared in constant time. A 256-bit random secret needs no slow hash: it cannot be
// guessed, only stolen, and a stolen database holds only its hash.

/**
 * Creates an API key for an app. The returned `apiKey` is shown once: only its hash is stored.
 *
 * @example
 * const { id, apiKey } = await createApiKey(runtime, { appId });
 */
export async function createApiKey(
  runtime: Runtime,
  options: { appId: string },
  context?: RequestContext,
): Promise<{ id: string; apiKey: string; record: ApiKeyRecord }> {
  await getApp(runtime, options.appId);
  const id = newId(runtime);
  const secret = newSecret(runtime);
  const record: ApiKeyRecord = {
    id,
    appId: options.appId,
    secretHash: sha256Hex(secret),
    createdAt: runtime.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await runtime.store.apiKeys.insert(record);
  await recordEvent(runtime, context, {
    type: 'api_key.created',
    appId: options.appId,
    data: { keyId: id },
  });
  return { id, apiKey: formatKey('appKey', id, secret), record };
}

/** Lists an app's keys (never their secrets). */
export async function listApiKeys(runtime: Runtime, appId: string): Promise<ApiKeyRecord[]> {
  await getApp(runtime, appId);
  return runtime.store.apiKeys.listByApp(appId);
}

/**
 * Revokes a key. Accepts the key id or the whole key. Throws `invalid_request` when the app has no
 * such active key.
 */
export async function revokeApiKey(
  runtime: Runtime,
  options: { appId: string; keyId: string },
  context?: RequestContext,
): Promise<void> {
  await getApp(runtime, options.appId);
  const keyId = parseKey('appKey', options.keyId)?.id ?? options.keyId;
  const revoked = await runtime.store.apiKeys.revoke(options.appId, keyId, runtime.now());
  if (!revoked) {
    throw new LatchkeyError('invalid_request', 'no active key with that id in this app');
  }
  await recordEvent(runtime, context, {
    type: 'api_key.revoked',
    appId: options.appId,
    data: { keyId },
  });
}

/**
 * Checks a presented API key for an app. Throws `unauthorized` for a malformed, unknown, revoked
 * or foreign key; the caller cannot tell which, by design.
 */
export async function authenticateApiKey(
  runtime: Runtime,
  options: { appId: string; apiKey: string | undefined },
  context?: RequestContext,
): Promise<ApiKeyRecord> {
  const parsed = options.apiKey ? parseKey('appKey', options.apiKey) : null;
  const record = parsed ? await runtime.store.apiKeys.findById(parsed.id) : null;
  const presented = Buffer.from(sha256Hex(parsed?.secret ?? ''), 'hex');
  // Compare even when no row was found, so that a miss costs what a hit costs.
  const stored = Buffer.from(record?.secretHash ?? sha256Hex('\u0000'), 'hex');
  const secretMatches = timingSafeEqual(presented, stored);
  if (!record || !secretMatches || record.revokedAt !== null || record.appId !== options.appId) {
    await recordEvent(runtime, context, {
      type: 'api_key.rejected',
      appId: options.appId,
      reason: record?.revokedAt ? 'revoked' : record ? 'mismatch' : 'unknown',
    });
    throw new LatchkeyError('unauthorized', 'Invalid access token');
  }
  // lastUsedAt is for operators ("is this key still in use?"); minute precision spares a write per call.
  const now = runtime.now();
  if (record.lastUsedAt === null || now - record.lastUsedAt > 60_000) {
    await runtime.store.apiKeys.touch(record.id, now);
  }
  return record;
}
