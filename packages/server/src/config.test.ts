import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRetentionDays, trustProxy } from './config.ts';

describe('serve settings', () => {
  it('keeps audit events 90 days unless told, and 0 means forever', () => {
    const saved = process.env.LATCHKEY_AUDIT_RETENTION_DAYS;
    try {
      delete process.env.LATCHKEY_AUDIT_RETENTION_DAYS;
      assert.equal(auditRetentionDays(undefined), 90);
      assert.equal(auditRetentionDays('0'), 0);
      assert.equal(auditRetentionDays('365'), 365);
      process.env.LATCHKEY_AUDIT_RETENTION_DAYS = '30';
      assert.equal(auditRetentionDays(undefined), 30);
      assert.equal(auditRetentionDays('7'), 7);
      for (const bad of ['-1', '1.5', 'forever', '', '1e3']) {
        assert.throws(() => auditRetentionDays(bad), /invalid audit retention/, bad);
      }
    } finally {
      if (saved === undefined) delete process.env.LATCHKEY_AUDIT_RETENTION_DAYS;
      else process.env.LATCHKEY_AUDIT_RETENTION_DAYS = saved;
    }
  });

  it('reads LATCHKEY_TRUST_PROXY like the flag, the flag first', () => {
    const saved = process.env.LATCHKEY_TRUST_PROXY;
    try {
      delete process.env.LATCHKEY_TRUST_PROXY;
      assert.equal(trustProxy(undefined), false);
      assert.equal(trustProxy(true), 1);
      process.env.LATCHKEY_TRUST_PROXY = 'true';
      assert.equal(trustProxy(undefined), 1);
      process.env.LATCHKEY_TRUST_PROXY = '10.0.0.0/8';
      assert.deepEqual(trustProxy(undefined), ['10.0.0.0/8']);
      assert.equal(trustProxy('3'), 3);
    } finally {
      if (saved === undefined) delete process.env.LATCHKEY_TRUST_PROXY;
      else process.env.LATCHKEY_TRUST_PROXY = saved;
    }
  });
});
