/**
 * The documents a relying party hosts under `/.well-known/` at its RP ID's domain, made from an
 * app's settings: `webauthn` (WebAuthn L3 §5.11 related origins), `assetlinks.json` (Android
 * Digital Asset Links) and `apple-app-site-association` (Apple's `webcredentials` service).
 */
import type { Runtime } from '../runtime.ts';
import type { AppRecord } from './app-port.ts';
import { getApp } from './get-app.ts';
import type { AndroidApp } from './native-apps.ts';

/** The well-known files latchkey can write, by their name under `/.well-known/`. */
export const WELL_KNOWN_FILES = [
  'webauthn',
  'assetlinks.json',
  'apple-app-site-association',
] as const;
export type WellKnownFile = (typeof WELL_KNOWN_FILES)[number];

/** Lets an Android app use the site's passkeys and passwords (Credential Manager). */
const GET_LOGIN_CREDS = 'delegate_permission/common.get_login_creds';
/** Lets an Android app open the site's links (App Links), for apps that ask for it. */
const HANDLE_ALL_URLS = 'delegate_permission/common.handle_all_urls';

function assetLinksStatement(app: AndroidApp): Record<string, unknown> {
  return {
    relation: app.handleAllUrls ? [HANDLE_ALL_URLS, GET_LOGIN_CREDS] : [GET_LOGIN_CREDS],
    target: {
      namespace: 'android_app',
      package_name: app.packageName,
      sha256_cert_fingerprints: app.sha256CertFingerprints,
    },
  };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/**
 * One well-known document for the apps given (one app, or every app of one RP ID), or null when
 * their settings give it nothing to say (no related origins, no Android or no Apple apps).
 *
 * @example
 * wellKnownDocument([app], 'webauthn') // { origins: ['https://bank.co.uk'] }
 */
export function wellKnownDocument(apps: AppRecord[], file: WellKnownFile): unknown {
  // Policies stored before these fields existed have none of them.
  switch (file) {
    case 'webauthn': {
      const origins = unique(apps.flatMap((a) => a.policy.relatedOrigins ?? []));
      return origins.length ? { origins } : null;
    }
    case 'assetlinks.json': {
      const statements = apps.flatMap((a) => (a.policy.androidApps ?? []).map(assetLinksStatement));
      return statements.length ? statements : null;
    }
    case 'apple-app-site-association': {
      const ids = unique(apps.flatMap((a) => a.policy.appleAppIds ?? []));
      return ids.length ? { webcredentials: { apps: ids } } : null;
    }
  }
}

/** An app's well-known document (null when it has nothing to say), or `app_not_found`. */
export async function appWellKnownDocument(
  runtime: Runtime,
  options: { appId: string; file: WellKnownFile },
): Promise<unknown> {
  return wellKnownDocument([await getApp(runtime, options.appId)], options.file);
}

/**
 * The well-known document of the apps whose RP ID is this host name, as the RP ID's own domain
 * serves it when its `/.well-known/` requests are proxied to latchkey; null when no app has that
 * RP ID or none of them has anything to say.
 */
export async function rpIdWellKnownDocument(
  runtime: Runtime,
  options: { host: string; file: WellKnownFile },
): Promise<unknown> {
  const host = options.host.toLowerCase();
  const apps = (await runtime.store.apps.list()).filter((a) => a.rpId === host);
  return apps.length ? wellKnownDocument(apps, options.file) : null;
}
