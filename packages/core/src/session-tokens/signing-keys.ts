/**
 * An app's session-token signing keys: created on first use, rotated on request with an overlap, and
 * published as a JWKS. One key signs at a time (the newest unretired one); retired keys stay in the
 * JWKS until every token they signed has expired.
 */
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { type Runtime, toBase64Url } from '../runtime.ts';
import { SESSION_TOKEN_ALGORITHM, type SigningKeyRecord } from './signing-key-port.ts';

/**
 * How long an instance keeps using the signing key it last read before reading again. Another
 * instance's rotation reaches it within this time; the overlap a rotation must leave covers it.
 */
export const SIGNING_KEY_CACHE_MS = 30_000;

/** The shortest overlap a rotation may leave, beyond the tokens' own lifetime. */
export const MIN_ROTATION_MARGIN_SECONDS = 60;

/** A public key as the JWKS serves it: a P-256 public JWK. */
export interface PublishedKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof SESSION_TOKEN_ALGORITHM;
  use: 'sig';
}

/** A signing key ready to sign with. */
export interface ActiveSigningKey {
  id: string;
  key: CryptoKey;
}

interface CachedKey {
  active: ActiveSigningKey;
  readAt: number;
}

// Per signing-keys port, so two servers in one process (tests) never share keys, while the
// runtimes derived from one (an operator's, whose store wraps the audit port) share its cache.
const activeKeys = new WeakMap<object, Map<string, CachedKey>>();

function publicJwk(record: SigningKeyRecord): PublishedKey {
  // The private JWK minus `d`: every key here is ES256, made by `createKey`.
  const { x, y } = JSON.parse(record.privateJwk) as { x: string; y: string };
  return {
    kty: 'EC',
    crv: 'P-256',
    x,
    y,
    kid: record.id,
    alg: SESSION_TOKEN_ALGORITHM,
    use: 'sig',
  };
}

async function createKey(runtime: Runtime, appId: string): Promise<SigningKeyRecord> {
  const { privateKey } = await generateKeyPair(SESSION_TOKEN_ALGORITHM, { extractable: true });
  const record: SigningKeyRecord = {
    id: toBase64Url(runtime.randomBytes(16)),
    appId,
    algorithm: SESSION_TOKEN_ALGORITHM,
    privateJwk: JSON.stringify(await exportJWK(privateKey)),
    createdAt: runtime.now(),
    retiresAt: null,
  };
  await runtime.store.signingKeys.insert(record);
  return record;
}

async function toActive(record: SigningKeyRecord): Promise<ActiveSigningKey> {
  const key = await importJWK(JSON.parse(record.privateJwk) as JWK, SESSION_TOKEN_ALGORITHM);
  return { id: record.id, key: key as CryptoKey };
}

/**
 * The key the app's tokens are signed with now, created the first time it is needed. Two instances
 * that create one at once each publish theirs; both verify, and the newer signs from then on.
 */
export async function activeSigningKey(runtime: Runtime, appId: string): Promise<ActiveSigningKey> {
  let cache = activeKeys.get(runtime.store.signingKeys);
  if (!cache) {
    cache = new Map();
    activeKeys.set(runtime.store.signingKeys, cache);
  }
  const now = runtime.now();
  const cached = cache.get(appId);
  if (cached && now - cached.readAt < SIGNING_KEY_CACHE_MS) return cached.active;
  const published = await runtime.store.signingKeys.listPublished(appId, now);
  const record = published.find((k) => k.retiresAt === null) ?? (await createKey(runtime, appId));
  const active = cached?.active.id === record.id ? cached.active : await toActive(record);
  cache.set(appId, { active, readAt: now });
  return active;
}

/**
 * The app's published public keys, newest first: what `/.well-known/jwks.json` serves.
 *
 * @example
 * const keys = await publishedKeys(runtime, appId); // [{ kty: 'EC', crv: 'P-256', kid, … }]
 */
export async function publishedKeys(runtime: Runtime, appId: string): Promise<PublishedKey[]> {
  const app = await getApp(runtime, appId);
  const records = await runtime.store.signingKeys.listPublished(app.id, runtime.now());
  return records.map(publicJwk);
}

/** A signing key as the admin API and CLI list it (never its private part). */
export interface SigningKeySummary {
  id: string;
  algorithm: typeof SESSION_TOKEN_ALGORITHM;
  createdAt: number;
  retiresAt: number | null;
  /** Whether new tokens are signed with it. */
  active: boolean;
}

/**
 * The app's published keys with their state, newest first.
 *
 * @example
 * const keys = await listSigningKeys(runtime, appId);
 */
export async function listSigningKeys(
  runtime: Runtime,
  appId: string,
): Promise<SigningKeySummary[]> {
  const app = await getApp(runtime, appId);
  const records = await runtime.store.signingKeys.listPublished(app.id, runtime.now());
  const activeId = records.find((k) => k.retiresAt === null)?.id;
  return records.map((k) => ({
    id: k.id,
    algorithm: k.algorithm,
    createdAt: k.createdAt,
    retiresAt: k.retiresAt,
    active: k.id === activeId,
  }));
}

/**
 * Makes a new signing key the app's, and keeps the previous ones published for `overlapSeconds`
 * (by default the token lifetime plus five minutes), so tokens already handed out verify until they
 * expire. The overlap must be at least the token lifetime plus a minute, since other instances may
 * sign with the old key for up to {@link SIGNING_KEY_CACHE_MS} after the rotation.
 *
 * @example
 * const { id } = await rotateSigningKey(runtime, { appId, overlapSeconds: 3600 });
 */
export async function rotateSigningKey(
  runtime: Runtime,
  options: { appId: string; overlapSeconds?: number },
  context?: RequestContext,
): Promise<SigningKeySummary & { retired: number }> {
  const app = await getApp(runtime, options.appId);
  const ttl = app.policy.sessionTokens.ttlSeconds;
  const least = ttl + MIN_ROTATION_MARGIN_SECONDS;
  const overlap = options.overlapSeconds ?? ttl + 300;
  if (!Number.isInteger(overlap) || overlap < least || overlap > 30 * 86_400) {
    throw new LatchkeyError(
      'invalid_request',
      `the overlap must be a whole number of seconds from ${least} (the token lifetime plus a minute) to ${30 * 86_400}`,
    );
  }
  const record = await createKey(runtime, app.id);
  const retired = await runtime.store.signingKeys.retireOthers(
    app.id,
    record.id,
    runtime.now() + overlap * 1000,
  );
  activeKeys.get(runtime.store.signingKeys)?.delete(app.id);
  await recordEvent(runtime, context, {
    type: 'signing_key.rotated',
    appId: app.id,
    data: { keyId: record.id, retired, overlapSeconds: overlap },
  });
  return {
    id: record.id,
    algorithm: record.algorithm,
    createdAt: record.createdAt,
    retiresAt: null,
    active: true,
    retired,
  };
}
