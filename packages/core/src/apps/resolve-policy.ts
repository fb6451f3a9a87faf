import { LatchkeyError } from '../errors.ts';
import { resolveAndroidApps, resolveAppleAppIds } from './native-apps.ts';
import {
  ALGORITHM_NAMES,
  type AlgorithmName,
  type AppPolicy,
  ATTESTATION,
  COUNTER_POLICY,
  DEFAULT_POLICY,
  RATE_LIMIT_MAX,
  RATE_LIMIT_NAMES,
  type RateLimits,
  RESIDENT_KEY,
  RULE_ERROR_OUTCOMES,
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
    // Likewise for policies from before related origins and native apps existed.
    relatedOrigins: resolveRelatedOrigins(merged.relatedOrigins ?? []),
    androidApps: resolveAndroidApps(merged.androidApps ?? []),
    appleAppIds: resolveAppleAppIds(merged.appleAppIds ?? []),
  };
}
