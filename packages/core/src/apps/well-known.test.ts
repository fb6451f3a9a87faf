import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CeremonyHarness, openHarness } from '../testing/ceremony-harness.ts';
import { createApp } from './create-app.ts';
import { appWellKnownDocument, rpIdWellKnownDocument, wellKnownDocument } from './well-known.ts';

const FP = Array.from({ length: 32 }, (_, i) =>
  (i * 7).toString(16).padStart(2, '0').toUpperCase(),
).join(':');

describe('well-known documents', () => {
  let h: CeremonyHarness;
  before(async () => {
    h = await openHarness({
      relatedOrigins: ['https://bank.co.uk'],
      androidApps: [
        { packageName: 'com.example.bank', sha256CertFingerprints: [FP], handleAllUrls: true },
        { packageName: 'com.example.wallet', sha256CertFingerprints: [FP], handleAllUrls: false },
      ],
      appleAppIds: ['ABCDE12345.com.example.bank'],
    });
  });
  after(() => h.close());

  it('lists the related origins in the webauthn document', async () => {
    assert.deepEqual(await appWellKnownDocument(h.runtime, { appId: h.app.id, file: 'webauthn' }), {
      origins: ['https://bank.co.uk'],
    });
  });

  it('grants get_login_creds to each Android app, and handle_all_urls only where asked', () => {
    assert.deepEqual(wellKnownDocument([h.app], 'assetlinks.json'), [
      {
        relation: [
          'delegate_permission/common.handle_all_urls',
          'delegate_permission/common.get_login_creds',
        ],
        target: {
          namespace: 'android_app',
          package_name: 'com.example.bank',
          sha256_cert_fingerprints: [FP],
        },
      },
      {
        relation: ['delegate_permission/common.get_login_creds'],
        target: {
          namespace: 'android_app',
          package_name: 'com.example.wallet',
          sha256_cert_fingerprints: [FP],
        },
      },
    ]);
  });

  it('names the Apple apps under webcredentials', () => {
    assert.deepEqual(wellKnownDocument([h.app], 'apple-app-site-association'), {
      webcredentials: { apps: ['ABCDE12345.com.example.bank'] },
    });
  });

  it('has nothing to say for an app without such settings, nor for an unknown RP ID', async () => {
    const { app } = await createApp(h.runtime, { name: 'Shop', origins: ['https://shop.example'] });
    for (const file of ['webauthn', 'assetlinks.json', 'apple-app-site-association'] as const) {
      assert.equal(wellKnownDocument([app], file), null, file);
      assert.equal(await rpIdWellKnownDocument(h.runtime, { host: 'shop.example', file }), null);
      assert.equal(await rpIdWellKnownDocument(h.runtime, { host: 'nobody.example', file }), null);
    }
  });

  it('serves the apps of an RP ID by the host name, whatever its case', async () => {
    assert.deepEqual(
      await rpIdWellKnownDocument(h.runtime, { host: 'BANK.example', file: 'webauthn' }),
      {
        origins: ['https://bank.co.uk'],
      },
    );
  });
});
