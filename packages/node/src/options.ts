/** The constructor's options, and their validation: every mistake is reported before any request. */
import { PassageError } from './errors.ts';

/**
 * Options of `new PassageFlex(…)`.
 *
 * @example
 * const options: PassageFlexOptions = {
 *   appId: process.env.LATCHKEY_APP_ID!,
 *   apiKey: process.env.LATCHKEY_API_KEY!,
 *   baseUrl: 'https://passkeys.example.com',
 * };
 */
export interface PassageFlexOptions {
  /** The app's id, as `latchkey apps create` printed it. */
  appId: string;
  /** An API key of that app. Keep it on the server, out of the repository. */
  apiKey: string;
  /**
   * Where latchkey listens, such as `https://passkeys.example.com`. A path prefix is kept
   * (`https://example.com/auth`); a trailing `/v1` is accepted and dropped, so Passage-style
   * base paths work too.
   */
  baseUrl: string;
  /** How long one request may take, its retries included, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * How many times a request that is safe to repeat is tried again after a network failure or a
   * 502, 503 or 504. Default 2; 0 turns retries off.
   */
  retries?: number;
  /** The `fetch` to use. Default the global one (Node 18 and later). */
  fetch?: typeof fetch;
}

/**
 * passage-flex-node's name for {@link PassageFlexOptions} (which adds `baseUrl`).
 *
 * @example
 * const config: PassageConfig = { appId, apiKey, baseUrl: 'https://passkeys.example.com' };
 */
export type PassageConfig = PassageFlexOptions;

/**
 * latchkey's name for {@link PassageFlexOptions}.
 *
 * @example
 * const options: LatchkeyOptions = { appId, apiKey, baseUrl: 'http://127.0.0.1:8080' };
 */
export type LatchkeyOptions = PassageFlexOptions;

/** Options with their defaults applied, checked. */
export interface ResolvedOptions {
  appId: string;
  apiKey: string;
  /** The URL every path is appended to: `<baseUrl>/v1/apps/<appId>`. */
  appUrl: string;
  timeoutMs: number;
  retries: number;
  fetch: typeof fetch;
}

/**
 * `timeoutMs` when not given: 10 seconds per request, retries included.
 *
 * @example
 * new PassageFlex({ appId, apiKey, baseUrl, timeoutMs: DEFAULT_TIMEOUT_MS / 2 });
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * `retries` when not given.
 *
 * @example
 * new PassageFlex({ appId, apiKey, baseUrl, retries: DEFAULT_RETRIES + 1 });
 */
export const DEFAULT_RETRIES = 2;
/** Retrying more than this only hides an outage from the caller. */
const MAX_RETRIES = 10;

function invalid(message: string): PassageError {
  return new PassageError({ errorCode: 'invalid_argument', message });
}

function requireText(options: Record<string, unknown>, name: 'appId' | 'apiKey' | 'baseUrl') {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`${name} is required: new PassageFlex({ appId, apiKey, baseUrl })`);
  }
  return value.trim();
}

function resolveBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new PassageError({
      errorCode: 'invalid_argument',
      message: `baseUrl must be an absolute http(s) URL such as https://passkeys.example.com, got "${value}"`,
      cause,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(`baseUrl must use http or https, got ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw invalid('baseUrl must not have a query or a fragment');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

/**
 * Checks the constructor's options and applies defaults. Throws `PassageError` with errorCode
 * `invalid_argument` naming the first unusable option.
 *
 * @example
 * const resolved = resolveOptions({ appId: 'app', apiKey: 'key', baseUrl: 'http://127.0.0.1:8080' });
 * resolved.appUrl; // 'http://127.0.0.1:8080/v1/apps/app'
 */
export function resolveOptions(options: PassageFlexOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options are required: new PassageFlex({ appId, apiKey, baseUrl })');
  }
  const record = options as unknown as Record<string, unknown>;
  const appId = requireText(record, 'appId');
  const apiKey = requireText(record, 'apiKey');
  const baseUrl = resolveBaseUrl(requireText(record, 'baseUrl'));

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw invalid(`timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}`);
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw invalid(`retries must be a whole number from 0 to ${MAX_RETRIES}, got ${retries}`);
  }
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== 'function') {
    throw invalid('fetch is not available: pass options.fetch, or run on Node 18 or later');
  }
  return {
    appId,
    apiKey,
    appUrl: `${baseUrl}/v1/apps/${encodeURIComponent(appId)}`,
    timeoutMs,
    retries,
    fetch: fetchFunction,
  };
}
