import { LatchkeyError } from '../errors.ts';
import { resolveAndroidApps, resolveAppleAppIds } from './native-apps.ts';
import {
  AAGUID_LIST_MAX,
  ALGORITHM_NAMES,
  type AlgorithmName,
  type AppPolicy,
  ATTESTATION,
  COUNTER_POLICY,
  DEFAULT_POLICY,
  DEVICE_BINDING,
  HINTS,
  type Hint,
  RATE_LIMIT_MAX,
  RATE_LIMIT_NAMES,
  type RateLimits,
  RESIDENT_KEY,
  RULE_ERROR_OUTCOMES,
  SESSION_TOKEN_TTL_BOUNDS,
  type SessionTokenPolicy,
  TTL_BOUNDS,
  USER_VERIFICATION,
} from './policy.ts';
import { resolveRelatedOrigins } from './related-origins.ts';

function oneOf<T extends string>(list: readonly T[], value: unknown, field: string): T {
  if (typeof value === 'string' && (list as readonly string[]).includes(value)) return value as T;
  throw new LatchkeyError('invalid_request', `${field} must be one of ${list.join(', ')}`);
}

function ttl(value: unknown, field: string): number {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= TTL_BOUNDS.min &&
    value <= TTL_BOUNDS.max
  ) {
    return value;
  }
  throw new LatchkeyError(
    'invalid_request',
    `${field} must be a whole number of seconds from ${TTL_BOUNDS.min} to ${TTL_BOUNDS.max}`,
  );
}

function bool(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new LatchkeyError('invalid_request', `${field} must be true or false`);
}

function rateLimits(value: unknown, base: RateLimits): RateLimits {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LatchkeyError('invalid_request', 'rateLimits must be an object');
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, limit] of Object.entries(value)) {
    if (!(RATE_LIMIT_NAMES as readonly string[]).includes(key)) {
      throw new LatchkeyError('invalid_request', `unknown rate limit ${key}`);
    }
    if (limit !== undefined) merged[key] = limit;
  }
  const checked = {} as RateLimits;
  for (const name of RATE_LIMIT_NAMES) {
    const limit = merged[name];
    if (
      typeof limit !== 'number' ||
      !Number.isInteger(limit) ||
      limit < 0 ||
      limit > RATE_LIMIT_MAX
    ) {
      throw new LatchkeyError(
        'invalid_request',
        `rateLimits.${name} must be a whole number from 0 (off) to ${RATE_LIMIT_MAX}`,
      );
    }
    checked[name] = limit;
  }
  return checked;
}

function sessionTokens(value: unknown, base: SessionTokenPolicy): SessionTokenPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LatchkeyError('invalid_request', 'sessionTokens must be an object');
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'enabled' && key !== 'ttlSeconds') {
      throw new LatchkeyError('invalid_request', `unknown session token setting ${key}`);
    }
    if (field !== undefined) merged[key] = field;
  }
  const { ttlSeconds } = merged;
  if (
    typeof ttlSeconds !== 'number' ||
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < SESSION_TOKEN_TTL_BOUNDS.min ||
    ttlSeconds > SESSION_TOKEN_TTL_BOUNDS.max
  ) {
    throw new LatchkeyError(
      'invalid_request',
      `sessionTokens.ttlSeconds must be a whole number of seconds from ${SESSION_TOKEN_TTL_BOUNDS.min} to ${SESSION_TOKEN_TTL_BOUNDS.max}`,
    );
  }
  return { enabled: bool(merged.enabled, 'sessionTokens.enabled'), ttlSeconds };
}

function algorithms(value: unknown): AlgorithmName[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new LatchkeyError('invalid_request', 'algorithms must list at least one algorithm');
  }
  const names = value.map((v) => oneOf(ALGORITHM_NAMES, v, 'algorithms'));
  if (new Set(names).size !== names.length) {
    throw new LatchkeyError('invalid_request', 'algorithms must not repeat');
  }
  return names;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A list of AAGUIDs, lower-cased and without repeats. */
function aaguids(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > AAGUID_LIST_MAX) {
    throw new LatchkeyError(
      'invalid_request',
      `${field} must list at most ${AAGUID_LIST_MAX} AAGUIDs`,
    );
  }
  const list = value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''));
  for (const aaguid of list) {
    if (!UUID.test(aaguid)) {
      throw new LatchkeyError(
        'invalid_request',
        `${field} must hold AAGUIDs such as 00000000-0000-0000-0000-000000000000`,
      );
    }
  }
  return [...new Set(list)];
}

/**
 * A list of WebAuthn hints: each one of {@link HINTS}, none repeated (their order is the
 * preference, so a repeat means a mistake). Also checks the hints of a transaction or a start.
 *
 * @example
 * resolveHints(['security-key'], 'hints') // ['security-key']
 */
export function resolveHints(value: unknown, field: string): Hint[] {
  if (!Array.isArray(value) || value.length > HINTS.length) {
    throw new LatchkeyError('invalid_request', `${field} must be a list of ${HINTS.join(', ')}`);
  }
  const hints = value.map((v) => oneOf(HINTS, v, field));
  if (new Set(hints).size !== hints.length) {
    throw new LatchkeyError('invalid_request', `${field} must not repeat`);
  }
  return hints;
}

/**
 * Merges a partial policy over `base` (the defaults unless given) and validates every field, so a
 * stored policy is always complete and well-formed.
 *
 * @example
 * resolvePolicy({ userVerification: 'preferred' }) // the defaults, with UV preferred
 */
export function resolvePolicy(
  partial: Partial<Record<keyof AppPolicy, unknown>> = {},
  base: AppPolicy = DEFAULT_POLICY,
): AppPolicy {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_POLICY)) {
      throw new LatchkeyError('invalid_request', `unknown policy field ${key}`);
    }
    merged[key] = value;
  }
  // Without an attestation request, browsers send none: no AAGUID could ever be attested.
  if (merged.requireAttestedAuthenticator === true && merged.attestation === 'none') {
    throw new LatchkeyError(
      'invalid_request',
      'requireAttestedAuthenticator needs attestation direct or enterprise (or indirect)',
    );
  }
  return {
    userVerification: oneOf(USER_VERIFICATION, merged.userVerification, 'userVerification'),
    attestation: oneOf(ATTESTATION, merged.attestation, 'attestation'),
    residentKey: oneOf(RESIDENT_KEY, merged.residentKey, 'residentKey'),
    algorithms: algorithms(merged.algorithms),
    ceremonyTtlSeconds: ttl(merged.ceremonyTtlSeconds, 'ceremonyTtlSeconds'),
    transactionTtlSeconds: ttl(merged.transactionTtlSeconds, 'transactionTtlSeconds'),
    nonceTtlSeconds: ttl(merged.nonceTtlSeconds, 'nonceTtlSeconds'),
    counterPolicy: oneOf(COUNTER_POLICY, merged.counterPolicy, 'counterPolicy'),
    allowCrossOrigin: bool(merged.allowCrossOrigin, 'allowCrossOrigin'),
    allowRemovingLastPasskey: bool(merged.allowRemovingLastPasskey, 'allowRemovingLastPasskey'),
    // Stored policies from before rate limits existed have none: they get the defaults.
    rateLimits: rateLimits(merged.rateLimits ?? {}, base.rateLimits ?? DEFAULT_POLICY.rateLimits),
    // Likewise for policies from before onRuleError existed.
    onRuleError: oneOf(
      RULE_ERROR_OUTCOMES,
      merged.onRuleError ?? DEFAULT_POLICY.onRuleError,
      'onRuleError',
    ),
    // Likewise for policies from before session tokens existed: off.
    sessionTokens: sessionTokens(
      merged.sessionTokens ?? {},
      base.sessionTokens ?? DEFAULT_POLICY.sessionTokens,
    ),
    // Policies from before authenticator policy existed get its defaults.
    aaguidAllowList: aaguids(merged.aaguidAllowList ?? [], 'aaguidAllowList'),
    aaguidDenyList: aaguids(merged.aaguidDenyList ?? [], 'aaguidDenyList'),
    deviceBinding: oneOf(
      DEVICE_BINDING,
      merged.deviceBinding ?? DEFAULT_POLICY.deviceBinding,
      'deviceBinding',
    ),
    requireAttestedAuthenticator: bool(
      merged.requireAttestedAuthenticator ?? false,
      'requireAttestedAuthenticator',
    ),
    // Likewise for policies from before hints existed: none.
    hints: resolveHints(merged.hints ?? [], 'hints'),
    // Likewise for policies from before related origins and native apps existed.
    relatedOrigins: resolveRelatedOrigins(merged.relatedOrigins ?? []),
    androidApps: resolveAndroidApps(merged.androidApps ?? []),
    appleAppIds: resolveAppleAppIds(merged.appleAppIds ?? []),
  };
}
