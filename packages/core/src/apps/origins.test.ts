import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import { assertRpIdCoversOrigins, normalizeOrigin } from './origins.ts';

describe('origins', () => {
  it('keeps bare https origins and loopback http origins', () => {
    assert.equal(normalizeOrigin('https://bank.example'), 'https://bank.example');
    assert.equal(normalizeOrigin('https://bank.example/'), 'https://bank.example');
    assert.equal(normalizeOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(
      normalizeOrigin('android:apk-key-hash:abcdefghijklmnopqrstuvwxyz0123456789_-AB'),
      'android:apk-key-hash:abcdefghijklmnopqrstuvwxyz0123456789_-AB',
    );
  });

  it('refuses paths, plain http off loopback, other schemes and bad Android origins', () => {
    for (const origin of [
      'https://bank.example/login',
      'http://bank.example',
      'ftp://bank.example',
      'bank.example',
      'android:apk-key-hash:!!',
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
});
