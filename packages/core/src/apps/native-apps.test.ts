import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import {
  androidOriginFromFingerprint,
  normalizeFingerprint,
  resolveAndroidApps,
  resolveAppleAppIds,
} from './native-apps.ts';
import { normalizeOrigin } from './origins.ts';

const refusedWith =
  (pattern: RegExp) =>
  (e: unknown): boolean =>
    isLatchkeyError(e, 'invalid_request') && pattern.test((e as Error).message);

/** A signing certificate's SHA-256 digest, and its fingerprint as keytool prints it. */
function certificate(): { digest: Buffer; fingerprint: string } {
  const digest = createHash('sha256').update(randomBytes(64)).digest();
  return {
    digest,
    fingerprint: [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
  };
}

describe('native apps', () => {
  it('writes fingerprints as colon hex in capitals, from keytool or apksigner form', () => {
    const { digest, fingerprint } = certificate();
    assert.equal(normalizeFingerprint(fingerprint.toLowerCase()), fingerprint);
    assert.equal(normalizeFingerprint(digest.toString('hex')), fingerprint);
  });

  it('derives the apk-key-hash origin Android puts in client data from the fingerprint', () => {
    const { digest, fingerprint } = certificate();
    const origin = androidOriginFromFingerprint(fingerprint);
    assert.equal(origin, `android:apk-key-hash:${digest.toString('base64url')}`);
    assert.equal(normalizeOrigin(origin), origin);
  });

  it('refuses fingerprints that are not SHA-256', () => {
    const { fingerprint } = certificate();
    for (const bad of [
      fingerprint.slice(3),
      `${fingerprint}:AB`,
      fingerprint.replace(/^../, 'ZZ'),
      fingerprint.replaceAll(':', '-'),
      // A SHA-1 fingerprint, which older docs print first.
      fingerprint.split(':').slice(0, 20).join(':'),
    ]) {
      assert.throws(() => normalizeFingerprint(bad), refusedWith(/not a SHA-256 fingerprint/), bad);
    }
  });

  it('keeps well-formed Android apps, with handle_all_urls off unless asked', () => {
    const { fingerprint } = certificate();
    assert.deepEqual(
      resolveAndroidApps([
        {
          packageName: 'com.example.bank',
          sha256CertFingerprints: [fingerprint.toLowerCase(), fingerprint],
        },
      ]),
      [
        {
          packageName: 'com.example.bank',
          sha256CertFingerprints: [fingerprint],
          handleAllUrls: false,
        },
      ],
    );
  });

  it('refuses bad package names, missing fingerprints, repeats and unknown fields', () => {
    const { fingerprint } = certificate();
    const fps = [fingerprint];
    for (const [apps, pattern] of [
      [[{ packageName: 'bank', sha256CertFingerprints: fps }], /not an Android application id/],
      [
        [{ packageName: 'com.1bank.app', sha256CertFingerprints: fps }],
        /not an Android application id/,
      ],
      [
        [{ packageName: 'com.example-bank', sha256CertFingerprints: fps }],
        /not an Android application id/,
      ],
      [[{ packageName: 'com.example.bank', sha256CertFingerprints: [] }], /1 to 10/],
      [[{ packageName: 'com.example.bank' }], /1 to 10/],
      [
        [
          { packageName: 'com.example.bank', sha256CertFingerprints: fps },
          { packageName: 'com.example.bank', sha256CertFingerprints: fps },
        ],
        /twice/,
      ],
      [
        [{ packageName: 'com.example.bank', sha256CertFingerprints: fps, colour: 'red' }],
        /no field colour/,
      ],
      [
        [{ packageName: 'com.example.bank', sha256CertFingerprints: fps, handleAllUrls: 'yes' }],
        /true or false/,
      ],
      [['com.example.bank'], /must be objects/],
      ['com.example.bank', /must be a list/],
    ] as const) {
      assert.throws(() => resolveAndroidApps(apps), refusedWith(pattern), JSON.stringify(apps));
    }
  });

  it('keeps Apple app ids as TEAMID.bundle.id and refuses other forms', () => {
    assert.deepEqual(
      resolveAppleAppIds(['ABCDE12345.com.example.bank', 'ABCDE12345.com.example.bank']),
      ['ABCDE12345.com.example.bank'],
    );
    for (const id of [
      'com.example.bank',
      'abcde12345.com.example.bank',
      'ABCDE1234.com.example.bank',
      'ABCDE12345.',
      'ABCDE12345.com..bank',
      'ABCDE12345.com.example.bank/',
    ]) {
      assert.throws(() => resolveAppleAppIds([id]), refusedWith(/not TEAMID\.bundle\.id/), id);
    }
  });
});
