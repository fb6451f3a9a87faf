import { useState } from 'preact/hooks';
import type { AndroidApp, Policy } from '../types.ts';

type Fields = Pick<Policy, 'relatedOrigins' | 'androidApps' | 'appleAppIds'>;

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** `com.example.bank=AB:CD:…,12:34:…`, as the CLI's --android-app takes it. */
function androidLine(app: AndroidApp): string {
  return `${app.packageName}=${app.sha256CertFingerprints.join(',')}`;
}

/** A line as an Android app; the server names what is wrong with a line that is not one. */
function parseAndroidLine(line: string, handleAllUrls: boolean): AndroidApp {
  const at = line.indexOf('=');
  return {
    packageName: at < 0 ? line : line.slice(0, at).trim(),
    sha256CertFingerprints: at < 0 ? [] : lines(line.slice(at + 1).replaceAll(',', '\n')),
    handleAllUrls,
  };
}

/**
 * An app's related origins, Android apps and Apple apps, with links to the well-known documents
 * made from them, which the RP ID's domain hosts (docs/native-apps-and-related-origins.md).
 */
export function NativeAppsFields(props: {
  appId: string;
  rpId: string;
  policy: Fields;
  onChange: (fields: Fields) => void;
}) {
  const [related, setRelated] = useState((props.policy.relatedOrigins ?? []).join('\n'));
  const [android, setAndroid] = useState(
    (props.policy.androidApps ?? []).map(androidLine).join('\n'),
  );
  const [links, setLinks] = useState((props.policy.androidApps ?? []).some((a) => a.handleAllUrls));
  const [apple, setApple] = useState((props.policy.appleAppIds ?? []).join('\n'));
  const emit = (next: { related?: string; android?: string; links?: boolean; apple?: string }) => {
    const all = { related, android, links, apple, ...next };
    props.onChange({
      relatedOrigins: lines(all.related),
      androidApps: lines(all.android).map((l) => parseAndroidLine(l, all.links)),
      appleAppIds: lines(all.apple),
    });
  };
  const wellKnown = (file: string) =>
    `/v1/apps/${encodeURIComponent(props.appId)}/.well-known/${file}`;

  return (
    <article>
      <header>
        <h2>Related origins and native apps</h2>
      </header>
      <label>
        Related origins
        <textarea
          rows={2}
          value={related}
          aria-describedby="hint-related-origins"
          onInput={(e) => {
            setRelated(e.currentTarget.value);
            emit({ related: e.currentTarget.value });
          }}
        />
      </label>
      <small id="hint-related-origins" class="hint">
        One per line: sites outside {props.rpId} whose pages may use its passkeys (at most 5
        different domain names). Host <a href={wellKnown('webauthn')}>this document</a> at https://
        {props.rpId}/.well-known/webauthn.
      </small>
      <label>
        Android apps
        <textarea
          rows={2}
          value={android}
          aria-describedby="hint-android-apps"
          onInput={(e) => {
            setAndroid(e.currentTarget.value);
            emit({ android: e.currentTarget.value });
          }}
        />
      </label>
      <small id="hint-android-apps" class="hint">
        One per line: package=SHA-256 signing-certificate fingerprints, comma-separated. Their
        android:apk-key-hash origins are accepted. Host{' '}
        <a href={wellKnown('assetlinks.json')}>assetlinks.json</a> at https://{props.rpId}
        /.well-known/assetlinks.json.
      </small>
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={links}
          aria-checked={links}
          onChange={(e) => {
            setLinks(e.currentTarget.checked);
            emit({ links: e.currentTarget.checked });
          }}
        />
        Also let these Android apps open the site’s links (App Links)
      </label>
      <label>
        Apple apps
        <textarea
          rows={2}
          value={apple}
          aria-describedby="hint-apple-apps"
          onInput={(e) => {
            setApple(e.currentTarget.value);
            emit({ apple: e.currentTarget.value });
          }}
        />
      </label>
      <small id="hint-apple-apps" class="hint">
        One per line: TEAMID.bundle.id. Host{' '}
        <a href={wellKnown('apple-app-site-association')}>apple-app-site-association</a> at https://
        {props.rpId}/.well-known/apple-app-site-association.
      </small>
    </article>
  );
}
