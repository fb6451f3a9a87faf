/**
 * Native apps that share an app's passkeys: Android apps (package name and signing-certificate
 * fingerprints, for Digital Asset Links) and Apple apps (`TEAMID.bundle.id`, for the
 * `webcredentials` service of apple-app-site-association).
 */
import { LatchkeyError } from '../errors.ts';
import { androidOriginFromDigest } from './origins.ts';

/** An Android app allowed to use the app's passkeys through Credential Manager. */
export interface AndroidApp {
  /** The application id, such as `com.example.bank`. */
  packageName: string;
  /** SHA-256 fingerprints of its signing certificates, colon hex in capitals (`AB:CD:…`). */
  sha256CertFingerprints: string[];
  /** Whether assetlinks.json also grants `handle_all_urls` (Android App Links) to this app. */
  handleAllUrls: boolean;
}

/** Upper bounds, so a typo cannot grow the documents without end. */
export const NATIVE_APPS_MAX = 20;
export const FINGERPRINTS_PER_APP_MAX = 10;

// Android application ids: two or more segments, each a letter then letters, digits or `_`.
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
// A SHA-256 digest as keytool (`AB:CD:…`) or apksigner (`abcd…`) prints it.
const FINGERPRINT = /^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;
// An Apple app id: a 10-character team id, then a reverse-DNS bundle id.
const APPLE_APP_ID = /^[A-Z0-9]{10}\.[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new LatchkeyError('invalid_request', `${field} must be a list`);
  if (value.length > NATIVE_APPS_MAX) {
    throw new LatchkeyError('invalid_request', `${field} must list at most ${NATIVE_APPS_MAX}`);
  }
  return value;
}

/**
 * A SHA-256 certificate fingerprint in the one form assetlinks.json uses: colon hex in capitals.
 *
 * @example
 * normalizeFingerprint('fa:c6:…') // 'FA:C6:…'
 */
export function normalizeFingerprint(fingerprint: string): string {
  if (!FINGERPRINT.test(fingerprint)) {
    throw new LatchkeyError(
      'invalid_request',
      `androidApps fingerprint ${fingerprint} is not a SHA-256 fingerprint (32 bytes in hex, as keytool -list -v prints it)`,
    );
  }
  const hex = fingerprint.replaceAll(':', '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? hex;
}

/**
 * The origin Android's Credential Manager puts in clientDataJSON for an app signed with this
 * certificate: `android:apk-key-hash:` and the base64url of the certificate's SHA-256 digest.
 *
 * @example
 * androidOriginFromFingerprint('FA:C6:17:45:…') // 'android:apk-key-hash:-sYXRd…'
 */
export function androidOriginFromFingerprint(fingerprint: string): string {
  return androidOriginFromDigest(
    Buffer.from(normalizeFingerprint(fingerprint).replaceAll(':', ''), 'hex'),
  );
}

/** Validates an app's Android apps: package names unique and well formed, fingerprints SHA-256. */
export function resolveAndroidApps(value: unknown): AndroidApp[] {
  const apps = list(value, 'androidApps').map((entry): AndroidApp => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new LatchkeyError('invalid_request', 'androidApps entries must be objects');
    }
    const { packageName, sha256CertFingerprints, handleAllUrls, ...rest } = entry as Record<
      string,
      unknown
    >;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) {
      throw new LatchkeyError('invalid_request', `androidApps entries have no field ${unknown}`);
    }
    if (
      typeof packageName !== 'string' ||
      packageName.length > 150 ||
      !PACKAGE_NAME.test(packageName)
    ) {
      throw new LatchkeyError(
        'invalid_request',
        `androidApps package name ${String(packageName)} is not an Android application id (such as com.example.bank)`,
      );
    }
    if (
      !Array.isArray(sha256CertFingerprints) ||
      sha256CertFingerprints.length === 0 ||
      sha256CertFingerprints.length > FINGERPRINTS_PER_APP_MAX ||
      sha256CertFingerprints.some((f) => typeof f !== 'string')
    ) {
      throw new LatchkeyError(
        'invalid_request',
        `androidApps ${packageName} needs 1 to ${FINGERPRINTS_PER_APP_MAX} SHA-256 certificate fingerprints`,
      );
    }
    if (handleAllUrls !== undefined && typeof handleAllUrls !== 'boolean') {
      throw new LatchkeyError('invalid_request', 'androidApps handleAllUrls must be true or false');
    }
    return {
      packageName,
      sha256CertFingerprints: [
        ...new Set((sha256CertFingerprints as string[]).map(normalizeFingerprint)),
      ],
      handleAllUrls: handleAllUrls ?? false,
    };
  });
  const names = apps.map((a) => a.packageName);
  if (new Set(names).size !== names.length) {
    throw new LatchkeyError('invalid_request', 'androidApps must not name a package twice');
  }
  return apps;
}

/** Validates an app's Apple app ids (`TEAMID.bundle.id`), without repeats. */
export function resolveAppleAppIds(value: unknown): string[] {
  const ids = list(value, 'appleAppIds').map((id) => {
    if (typeof id !== 'string' || id.length > 165 || !APPLE_APP_ID.test(id)) {
      throw new LatchkeyError(
        'invalid_request',
        `appleAppIds ${String(id)} is not TEAMID.bundle.id (a 10-character team id in capitals and digits, then the bundle id)`,
      );
    }
    return id;
  });
  return [...new Set(ids)];
}
