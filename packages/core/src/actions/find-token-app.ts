import { findApp } from '../apps/find-apps.ts';
import type { AppRecord } from '../ports.ts';
import { type Runtime, sha256Hex } from '../runtime.ts';

/** The lengths a step-up token can have; `resolveToken` refuses the same others. */
const TOKEN_LENGTH = { min: 20, max: 200 } as const;

/**
 * The id of the app a step-up token was issued for, or null for a token latchkey never issued.
 * Unlike `resolveToken` it neither checks expiry nor audits: it serves what must know the app
 * before the route runs (CORS, abuse limits). An expired token still names its app, so that the
 * page can read the `expired_token` error the route then sends.
 *
 * @example
 * const appId = await findTokenAppId(runtime, bearer);
 */
export async function findTokenAppId(runtime: Runtime, token: string): Promise<string | null> {
  if (token.length < TOKEN_LENGTH.min || token.length > TOKEN_LENGTH.max) return null;
  const record = await runtime.store.stepUpTokens.findByHash(sha256Hex(token));
  return record?.appId ?? null;
}

/**
 * The app a step-up token was issued for, or null (see {@link findTokenAppId}).
 *
 * @example
 * const app = await findTokenApp(runtime, bearer);
 */
export async function findTokenApp(runtime: Runtime, token: string): Promise<AppRecord | null> {
  const appId = await findTokenAppId(runtime, token);
  return appId === null ? null : findApp(runtime, appId);
}
