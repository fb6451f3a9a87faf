/** The record of failed commits that a late flush consults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitFailures } from './commit-failures.ts';

describe('commitFailures', () => {
  it('finds the first failure from a batch on, and none before any', () => {
    const failures = commitFailures();
    assert.equal(failures.since(1), undefined);
    failures.record(3, 'three');
    failures.record(5, 'five');
    assert.equal(failures.since(1), 'three');
    assert.equal(failures.since(4), 'five');
    assert.equal(failures.since(6), undefined);
  });

  it('forgets the oldest beyond what it remembers', () => {
    const failures = commitFailures();
    for (let batch = 1; batch <= 300; batch++) failures.record(batch, batch);
    assert.equal(failures.since(1), 45);
  });
});
