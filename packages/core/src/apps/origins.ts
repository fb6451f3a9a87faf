import { parse } from 'tldts';
import { LatchkeyError } from '../errors.ts';

/** The one Android origin form: `android:apk-key-hash:` and a base64url SHA-256 (32 bytes, unpadded). */
const ANDROID_PREFIX = 'android:apk-key-hash:';
const SHA256_BASE64URL = /^[A-Za-z0-9_-]{43}$/;
/** The one single-label name that may be an RP ID: browsers treat it as a secure context. */
const LOCALHOST = 'localhost';
const IP_ADVICE = 'an IP address can never hold a passkey: use http://localhost:PORT instead';

/** Whether an origin is a native Android app's (`android:apk-key-hash:…`) rather than a web origin. */
export function isAndroidOrigin(origin: string): boolean {
  return origin.startsWith('android:');
}

/**
 * Whether an origin is `android:apk-key-hash:` followed by exactly a SHA-256 digest in unpadded
 * base64url: what Android's Credential Manager puts in clientDataJSON for a native app. The digest
 * must decode to 32 bytes and encode back to the same text, so each digest has one spelling and
 * the exact comparison of WebAuthn L3 §7.1 step 9 cannot be dodged by a variant.
 */
function isAndroidKeyHashOrigin(origin: string): boolean {
  if (!origin.startsWith(ANDROID_PREFIX)) return false;
  const digest = origin.slice(ANDROID_PREFIX.length);
  if (!SHA256_BASE64URL.test(digest)) return false;
  const bytes = Buffer.from(digest, 'base64url');
  return bytes.length === 32 && bytes.toString('base64url') === digest;
}

/**
 * The Android origin of an app signed with the certificate of this SHA-256 digest.
 *
 * @example
 * androidOriginFromDigest(digestBytes) // 'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk'
 */
export function androidOriginFromDigest(digest: Uint8Array): string {
  return `${ANDROID_PREFIX}${Buffer.from(digest).toString('base64url')}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === LOCALHOST || hostname.endsWith(`.${LOCALHOST}`);
}

/**
 * Whether a host name is an IP address (IPv4, or IPv6 with or without brackets). WebAuthn L3
 * §5.1.3 step 7: a browser refuses any RP ID on such an origin, so no passkey could be made there.
 */
export function isIpAddress(hostname: string): boolean {
  return parse(hostname).isIp === true;
}

/**
 * Checks one allowed origin and returns it in canonical form. Web origins are compared exactly with
 * clientDataJSON's `origin` (WebAuthn L3 §7.1 step 9), so they must be bare origins: a scheme, a
 * host and an optional port, without a path. Plain http is only a secure context on loopback.
 */
export function normalizeOrigin(origin: string): string {
  if (isAndroidOrigin(origin)) {
    if (!isAndroidKeyHashOrigin(origin)) {
      throw new LatchkeyError(
        'invalid_request',
        `invalid Android origin: ${origin} (expected ${ANDROID_PREFIX} and the base64url SHA-256 of the app's signing certificate, 43 characters)`,
      );
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
  if (isIpAddress(url.hostname)) {
    throw new LatchkeyError('invalid_request', `origin ${origin}: ${IP_ADVICE}`);
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
 * Whether an RP ID is a public suffix (`com`, `co.uk`, or a private one such as `github.io`),
 * by the Public Suffix List that tldts bundles, private section included. A passkey for a public
 * suffix would be usable by every site under it, and browsers refuse such RP IDs anyway. An
 * unlisted single label is treated as a suffix too (the list's default `*` rule), except localhost.
 */
export function isPublicSuffix(rpId: string): boolean {
  if (rpId === LOCALHOST) return false;
  const parsed = parse(rpId, { allowPrivateDomains: true });
  return parsed.domain === null || parsed.publicSuffix === rpId;
}

/**
 * Checks an RP ID against the app's web origins: each origin's host must equal the RP ID or be a
 * subdomain of it (WebAuthn L3 §5.1.3: the RP ID is a registrable domain suffix of the origin).
 * The RP ID itself must be a domain name that is not a public suffix nor an IP address.
 */
export function assertRpIdCoversOrigins(rpId: string, origins: string[]): void {
  if (!/^[a-z0-9.-]+$/.test(rpId) || rpId.startsWith('.') || rpId.endsWith('.')) {
    throw new LatchkeyError('invalid_request', `invalid RP ID: ${rpId}`);
  }
  if (isIpAddress(rpId)) {
    throw new LatchkeyError('invalid_request', `RP ID ${rpId}: ${IP_ADVICE}`);
  }
  if (isPublicSuffix(rpId)) {
    throw new LatchkeyError(
      'invalid_request',
      `RP ID ${rpId} is a public suffix, shared by unrelated sites: use your own domain under it`,
    );
  }
  for (const origin of origins) {
    if (isAndroidOrigin(origin)) continue;
    const host = originHostname(origin);
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new LatchkeyError('invalid_request', `origin ${origin} is not within RP ID ${rpId}`);
    }
  }
}
