import { LatchkeyError } from '../errors.ts';

const ANDROID_ORIGIN = /^android:apk-key-hash:[A-Za-z0-9_-]{20,128}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether an origin is a native Android app's (`android:apk-key-hash:…`) rather than a web origin. */
export function isAndroidOrigin(origin: string): boolean {
  return origin.startsWith('android:');
}

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');
}

/**
 * Checks one allowed origin and returns it in canonical form. Web origins are compared exactly with
 * clientDataJSON's `origin` (WebAuthn L3 §7.1 step 9), so they must be bare origins: a scheme, a
 * host and an optional port, without a path. Plain http is only a secure context on loopback.
 */
export function normalizeOrigin(origin: string): string {
  if (isAndroidOrigin(origin)) {
    if (!ANDROID_ORIGIN.test(origin)) {
      throw new LatchkeyError('invalid_request', `invalid Android origin: ${origin}`);
    }
    return origin;
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new LatchkeyError('invalid_request', `invalid origin: ${origin}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LatchkeyError('invalid_request', `origin must be http(s): ${origin}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new LatchkeyError(
      'invalid_request',
      `http origins are only allowed on localhost: ${origin}`,
    );
  }
  if (url.origin !== origin.replace(/\/$/, '')) {
    throw new LatchkeyError(
      'invalid_request',
      `origin must not have a path, query or user: ${origin}`,
    );
  }
  return url.origin;
}

/** The host name of a web origin. */
export function originHostname(origin: string): string {
  return new URL(origin).hostname;
}

/**
 * Checks an RP ID against the app's web origins: each origin's host must equal the RP ID or be a
 * subdomain of it (WebAuthn L3 §5.1.3: the RP ID is a registrable domain suffix of the origin).
 */
export function assertRpIdCoversOrigins(rpId: string, origins: string[]): void {
  if (!/^[a-z0-9.-]+$/.test(rpId) || rpId.startsWith('.') || rpId.endsWith('.')) {
    throw new LatchkeyError('invalid_request', `invalid RP ID: ${rpId}`);
  }
  for (const origin of origins) {
    if (isAndroidOrigin(origin)) continue;
    const host = originHostname(origin);
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new LatchkeyError('invalid_request', `origin ${origin} is not within RP ID ${rpId}`);
    }
  }
}
