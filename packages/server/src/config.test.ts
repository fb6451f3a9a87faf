import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRetentionDays, refusedCredentialsPerIp, trustProxy } from './config.ts';

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

  it('limits refused credentials to 30 a minute unless told, and 0 turns it off', () => {
    const saved = process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP;
    try {
      delete process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP;
      assert.equal(refusedCredentialsPerIp(undefined), 30);
      assert.equal(refusedCredentialsPerIp('0'), 0);
      process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP = '100';
      assert.equal(refusedCredentialsPerIp(undefined), 100);
      assert.equal(refusedCredentialsPerIp('5'), 5);
      for (const bad of ['-1', '2.5', 'lots', '', '1e3', '2000000']) {
        assert.throws(() => refusedCredentialsPerIp(bad), /invalid refused-credentials limit/, bad);
      }
    } finally {
      if (saved === undefined) delete process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP;
      else process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP = saved;
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
