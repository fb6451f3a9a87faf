import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prfEnabled, withoutPrfResults } from './prf.ts';

describe('PRF extension results', () => {
  it('reads prf.enabled only when it is exactly true', () => {
    assert.equal(prfEnabled({ prf: { enabled: true } }), true);
    for (const results of [{ prf: { enabled: 'true' } }, { prf: {} }, {}, null, 'prf']) {
      assert.equal(prfEnabled(results), false, JSON.stringify(results));
    }
  });

  it('drops every PRF output a client sends, keeping only enabled and the other extensions', () => {
    const sent = {
      credProps: { rk: true },
      prf: { enabled: true, results: { first: 'c2VjcmV0' } },
    };
    assert.deepEqual(withoutPrfResults(sent), { credProps: { rk: true }, prf: { enabled: true } });
    assert.deepEqual(withoutPrfResults({ prf: { results: { first: 'c2VjcmV0' } } }), {});
    const untouched = { credProps: { rk: false } };
    assert.equal(withoutPrfResults(untouched), untouched);
  });
});
