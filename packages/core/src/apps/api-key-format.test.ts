import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKey, keyKindOf, MAX_KEY_LENGTH, parseKey } from './api-key-format.ts';

describe('credential formats', () => {
  it('reads back what it writes, for each kind with an id', () => {
    for (const kind of ['appKey', 'operatorToken'] as const) {
      assert.deepEqual(parseKey(kind, formatKey(kind, 'k1', 's3cret')), {
        id: 'k1',
        secret: 's3cret',
      });
    }
  });

  it('refuses a key of another kind: an operator token is no app key, nor the reverse', () => {
    assert.equal(parseKey('appKey', formatKey('operatorToken', 'k1', 's')), null);
    assert.equal(parseKey('operatorToken', formatKey('appKey', 'k1', 's')), null);
  });

  it('refuses a missing id or secret, an over-long id, and an over-long key', () => {
    for (const bad of ['lk_', 'lk_.s', 'lk_k1.', 'lk_k1', `lk_${'i'.repeat(101)}.s`]) {
      assert.equal(parseKey('appKey', bad), null, bad);
    }
    assert.equal(parseKey('appKey', `lk_k1.${'s'.repeat(MAX_KEY_LENGTH)}`), null);
  });

  it('names the kind by the prefix alone', () => {
    assert.equal(keyKindOf('lk_a.b'), 'appKey');
    assert.equal(keyKindOf('lko_a.b'), 'operatorToken');
    assert.equal(keyKindOf('lks_secret'), 'operatorSession');
    assert.equal(keyKindOf('sk_live_x'), null);
  });
});
