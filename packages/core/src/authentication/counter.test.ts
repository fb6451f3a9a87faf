import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCounterRegression } from './counter.ts';

describe('isCounterRegression', () => {
  it('follows WebAuthn L3 §7.2 step 22', () => {
    assert.equal(isCounterRegression(3, 10), false);
    assert.equal(isCounterRegression(0, 0), false);
    assert.equal(isCounterRegression(0, 1), false);
    assert.equal(isCounterRegression(10, 5), true);
    assert.equal(isCounterRegression(10, 10), true);
    assert.equal(isCounterRegression(5, 0), true);
  });
});
