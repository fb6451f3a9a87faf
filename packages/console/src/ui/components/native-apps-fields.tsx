import type { ComponentChildren } from 'preact';
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

/** One textarea of a list, one entry a line, with its hint. */
function ListField(props: {
  label: string;
  hintId: string;
  value: string;
  onInput: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <>
      <label>
        {props.label}
        <textarea
          rows={2}
          value={props.value}
          aria-describedby={props.hintId}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      </label>
      <small id={props.hintId} class="hint">
        {props.children}
      </small>
    </>
  );
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
      <ListField
        label="Related origins"
        hintId="hint-related-origins"
        value={related}
        onInput={(value) => {
          setRelated(value);
          emit({ related: value });
        }}
      >
        One per line: sites outside {props.rpId} whose pages may use its passkeys (at most 5
        different domain names). Host <a href={wellKnown('webauthn')}>this document</a> at https://
        {props.rpId}/.well-known/webauthn.
      </ListField>
      <ListField
        label="Android apps"
        hintId="hint-android-apps"
        value={android}
        onInput={(value) => {
          setAndroid(value);
          emit({ android: value });
        }}
      >
        One per line: package=SHA-256 signing-certificate fingerprints, comma-separated. Their
        android:apk-key-hash origins are accepted. Host{' '}
        <a href={wellKnown('assetlinks.json')}>assetlinks.json</a> at https://{props.rpId}
        /.well-known/assetlinks.json.
      </ListField>
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
      <ListField
        label="Apple apps"
        hintId="hint-apple-apps"
        value={apple}
        onInput={(value) => {
          setApple(value);
          emit({ apple: value });
        }}
      >
        One per line: TEAMID.bundle.id. Host{' '}
        <a href={wellKnown('apple-app-site-association')}>apple-app-site-association</a> at https://
        {props.rpId}/.well-known/apple-app-site-association.
      </ListField>
    </article>
  );
}
