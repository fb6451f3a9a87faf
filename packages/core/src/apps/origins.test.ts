import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import { assertRpIdCoversOrigins, isPublicSuffix, normalizeOrigin } from './origins.ts';

describe('origins', () => {
  it('keeps bare https origins and loopback http origins', () => {
    assert.equal(normalizeOrigin('https://bank.example'), 'https://bank.example');
    assert.equal(normalizeOrigin('https://bank.example/'), 'https://bank.example');
    assert.equal(normalizeOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(
      normalizeOrigin('android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk'),
      'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk',
    );
  });

  it('refuses paths, plain http off loopback, other schemes and bad Android origins', () => {
    for (const origin of [
      'https://bank.example/login',
      'http://bank.example',
      'ftp://bank.example',
      'bank.example',
      'android:apk-key-hash:!!',
      // Not a SHA-256 in unpadded base64url: too short, too long, padded, a non-canonical last
      // character (the same 32 bytes spelt another way), standard base64, another scheme.
      'android:apk-key-hash:abcdefghijklmnopqrstuvwxyz0123456789_-AB',
      'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZY',
      'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYkA',
      'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk=',
      'android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYl',
      'android:apk-key-hash:POIplOLeHuvl+XAQckH0DwY4Yb1ydnnKcmhn/jibZYk',
      'android:facet:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk',
      'https://user@bank.example',
    ]) {
      assert.throws(
        () => normalizeOrigin(origin),
        (e) => isLatchkeyError(e, 'invalid_request'),
        origin,
      );
    }
  });

  it('requires every web origin to sit within the RP ID', () => {
    assertRpIdCoversOrigins('bank.example', ['https://bank.example', 'https://app.bank.example']);
    assert.throws(() => assertRpIdCoversOrigins('bank.example', ['https://evilbank.example']));
    assert.throws(() => assertRpIdCoversOrigins('app.bank.example', ['https://bank.example']));
  });

  it('refuses IP-address origins, naming localhost as the fix', () => {
    for (const origin of [
      'http://127.0.0.1:3000',
      'https://127.0.0.1',
      'https://10.0.0.1:8443',
      'http://[::1]:8080',
      'https://[2001:db8::1]',
      // The URL parser reads these as 127.0.0.1.
      'http://127.1:3000',
      'http://0x7f000001',
    ]) {
      assert.throws(
        () => normalizeOrigin(origin),
        (e) => isLatchkeyError(e, 'invalid_request') && /http:\/\/localhost:PORT/.test(e.message),
        origin,
      );
    }
    assert.equal(normalizeOrigin('http://app.localhost:3000'), 'http://app.localhost:3000');
  });

  it('refuses an RP ID that is a public suffix, ICANN or private, or an IP address', () => {
    for (const rpId of ['com', 'co.uk', 'github.io', 's3.amazonaws.com', 'example', 'xn--p1ai']) {
      assert.equal(isPublicSuffix(rpId), true, rpId);
      assert.throws(
        () => assertRpIdCoversOrigins(rpId, []),
        (e) => isLatchkeyError(e, 'invalid_request') && /public suffix/.test(e.message),
        rpId,
      );
    }
    for (const rpId of ['127.0.0.1', '10.1.2.3']) {
      assert.throws(
        () => assertRpIdCoversOrigins(rpId, []),
        (e) => isLatchkeyError(e, 'invalid_request') && /localhost:PORT/.test(e.message),
        rpId,
      );
    }
    assert.throws(
      () => assertRpIdCoversOrigins('[::1]', []),
      (e) => isLatchkeyError(e),
    );
    for (const rpId of ['bank.example', 'ada.github.io', 'bank.co.uk', 'localhost']) {
      assert.equal(isPublicSuffix(rpId), false, rpId);
      assertRpIdCoversOrigins(rpId, []);
    }
  });
});
