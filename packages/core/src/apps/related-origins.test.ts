import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import { relatedOriginLabel, resolveRelatedOrigins } from './related-origins.ts';

const refusedWith =
  (pattern: RegExp) =>
  (e: unknown): boolean =>
    isLatchkeyError(e, 'invalid_request') && pattern.test((e as Error).message);

describe('related origins', () => {
  it('keeps bare https origins, canonical and once each', () => {
    assert.deepEqual(
      resolveRelatedOrigins([
        'https://bank.co.uk/',
        'https://shop.bank-group.example',
        'https://bank.co.uk',
      ]),
      ['https://bank.co.uk', 'https://shop.bank-group.example'],
    );
    assert.deepEqual(resolveRelatedOrigins(['http://shop.localhost:3001']), [
      'http://shop.localhost:3001',
    ]);
  });

  it('counts the first label of each registrable domain, by the public suffix list', () => {
    assert.equal(relatedOriginLabel('https://www.bank.co.uk'), 'bank');
    assert.equal(relatedOriginLabel('https://bank.example'), 'bank');
    assert.equal(relatedOriginLabel('https://ada.github.io'), 'ada');
    assert.equal(relatedOriginLabel('https://a.b.shop.example'), 'shop');
  });

  it('accepts five labels, however many origins share them, and refuses a sixth', () => {
    const five = ['one', 'two', 'three', 'four', 'five'].flatMap((l) => [
      `https://${l}.example`,
      `https://www.${l}.co.uk`,
    ]);
    assert.equal(resolveRelatedOrigins(five).length, 10);
    assert.throws(
      () => resolveRelatedOrigins([...five, 'https://six.example']),
      refusedWith(/6 registrable-domain labels.*at most 5/),
    );
  });

  it('refuses plain http off loopback, IP addresses, paths and Android origins', () => {
    for (const [origin, pattern] of [
      ['http://bank.co.uk', /only allowed on localhost/],
      ['https://192.0.2.1', /IP address/],
      ['https://[2001:db8::1]', /IP address/],
      ['https://bank.co.uk/login', /path/],
      ['bank.co.uk', /invalid origin/],
      ['android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk', /web origins/],
    ] as const) {
      assert.throws(() => resolveRelatedOrigins([origin]), refusedWith(pattern), origin);
    }
  });

  it('refuses public suffixes and hosts without a registrable domain', () => {
    for (const origin of [
      'https://github.io',
      'https://co.uk',
      'https://example',
      'http://localhost:3000',
    ]) {
      assert.throws(
        () => resolveRelatedOrigins([origin]),
        refusedWith(/public suffix or has no registrable domain/),
        origin,
      );
    }
  });

  it('refuses what is not a list of strings, and lists past the bound', () => {
    for (const value of ['https://bank.co.uk', [42], null]) {
      assert.throws(() => resolveRelatedOrigins(value), refusedWith(/list of origins/));
    }
    const many = Array.from({ length: 51 }, (_, i) => `https://s${i}.bank.example`);
    assert.throws(() => resolveRelatedOrigins(many), refusedWith(/at most 50/));
  });
});
