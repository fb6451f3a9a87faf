import type { AppRecord } from './app-port.ts';
import { androidOriginFromFingerprint } from './native-apps.ts';

/**
 * Every origin a ceremony of this app accepts in clientDataJSON (WebAuthn L3 §7.1 step 9): its own
 * origins, its related origins (§5.11), and the `android:apk-key-hash:` origin of each signing
 * certificate of its Android apps. Only this app's: nothing here is shared with another app.
 *
 * @example
 * ceremonyOrigins(app) // ['https://bank.example', 'https://bank.co.uk', 'android:apk-key-hash:…']
 */
export function ceremonyOrigins(app: AppRecord): string[] {
  // Policies stored before these fields existed have neither.
  const related = app.policy.relatedOrigins ?? [];
  const android = (app.policy.androidApps ?? []).flatMap((a) =>
    a.sha256CertFingerprints.map(androidOriginFromFingerprint),
  );
  return [...new Set([...app.origins, ...related, ...android])];
}
