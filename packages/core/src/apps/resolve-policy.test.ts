import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import { DEFAULT_POLICY } from './policy.ts';
import { resolvePolicy } from './resolve-policy.ts';

describe('resolvePolicy', () => {
  it('defaults to the safe choices', () => {
    const policy = resolvePolicy();
    assert.equal(policy.userVerification, 'required');
    assert.equal(policy.attestation, 'none');
    assert.equal(policy.residentKey, 'required');
    assert.deepEqual(policy.algorithms, ['ES256', 'EdDSA', 'RS256']);
    assert.equal(policy.counterPolicy, 'refuse');
    assert.equal(policy.allowCrossOrigin, false);
    assert.deepEqual(policy, DEFAULT_POLICY);
  });

  it('changes only the fields given, over a base', () => {
    const base = resolvePolicy({ nonceTtlSeconds: 60 });
    const next = resolvePolicy({ userVerification: 'preferred' }, base);
    assert.equal(next.nonceTtlSeconds, 60);
    assert.equal(next.userVerification, 'preferred');
  });

  it('refuses unknown fields, values and out-of-range lifetimes', () => {
    for (const partial of [
      { userVerification: 'sometimes' },
      { algorithms: [] },
      { algorithms: ['ES256', 'ES256'] },
      { algorithms: ['PS256'] },
      { nonceTtlSeconds: 1 },
      { nonceTtlSeconds: 86_400 },
      { ceremonyTtlSeconds: 12.5 },
      { counterPolicy: 'ignore' },
      { allowCrossOrigin: 'yes' },
      { colour: 'blue' },
      { hints: ['usb'] },
      { hints: ['hybrid', 'hybrid'] },
      { hints: 'hybrid' },
    ]) {
      assert.throws(
        () => resolvePolicy(partial as never),
        (e) => isLatchkeyError(e, 'invalid_request'),
        JSON.stringify(partial),
      );
    }
  });

  it('keeps hints in their order, and gives a policy from before hints none', () => {
    assert.deepEqual(resolvePolicy({ hints: ['hybrid', 'security-key'] }).hints, [
      'hybrid',
      'security-key',
    ]);
    const { hints: _, ...older } = resolvePolicy();
    assert.deepEqual(resolvePolicy({}, older as never).hints, []);
  });
});
