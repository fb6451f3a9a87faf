/**
 * The client IP behind a proxy: with `--trust-proxy` the server takes the address the nearest
 * trusted proxy saw, never the left of `X-Forwarded-For`, which the client writes. Checked over real
 * HTTP, through the per-IP rate limit and the audit log's IP.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createApp, createRuntime } from '@latchkey/core';
import { createSqlRateLimitCounter } from '@latchkey/store';
import { buildServer } from '../app.ts';
import { databases, NO_RATE_LIMITS, ORIGIN, TestClock } from '../testing/harness.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';

describe('reading the trust-proxy setting', () => {
  it('reads a bare flag as one hop, numbers as hops, and lists as proxy addresses', () => {
    assert.equal(parseTrustProxy(undefined), false);
    assert.equal(parseTrustProxy(true), 1);
    assert.equal(parseTrustProxy('true'), 1);
    assert.equal(parseTrustProxy('false'), false);
    assert.equal(parseTrustProxy('0'), false);
    assert.equal(parseTrustProxy('2'), 2);
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback'), [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses what it cannot read instead of trusting the wrong hop', () => {
    for (const bad of ['11', 'yes', '10.0.0.0/33', '10.0.0/8', '::1/129', '1.2.3.4,', '-1']) {
      assert.throws(() => parseTrustProxy(bad), /invalid trust proxy/, bad);
    }
  });
});

for (const db of databases()) {
  describe(`the client IP behind a proxy (${db.name})`, () => {
    /** A listening server on a fresh database, an app limited to 3 starts per IP, and a caller. */
    async function serveWith(trustProxy: TrustProxy) {
      const opened = await db.open();
      // A clock at the start of a rate-limit window, so that a test's starts share one minute.
      const runtime = createRuntime({ store: opened.store, now: new TestClock().now });
      const server = await buildServer({
        runtime,
        logger: false,
        trustProxy,
        rateLimitCounter: createSqlRateLimitCounter(opened.store.db),
      });
      await server.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      const { app } = await createApp(runtime, {
        name: 'Bank',
        origins: [ORIGIN],
        policy: { rateLimits: { ...NO_RATE_LIMITS, startsPerIp: 3 } },
      });
      const start = (forwardedFor?: string) =>
        fetch(`${base}/v1/apps/${app.id}/authenticate/transactions/webauthn/start`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: ORIGIN,
            ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
          },
          body: '{}',
        });
      /** The IP the audit log recorded for a request with a bad API key. */
      const auditedIp = async (forwardedFor: string) => {
        const res = await fetch(`${base}/v1/apps/${app.id}/users`, {
          headers: { authorization: 'Bearer lk_nope', 'x-forwarded-for': forwardedFor },
        });
        assert.equal(res.status, 401);
        const [event] = await opened.store.audit.list({
          appId: app.id,
          type: 'api_key.rejected',
          limit: 1,
        });
        return event?.ip;
      };
      return {
        start,
        auditedIp,
        close: async () => {
          await server.close();
          await opened.cleanup();
        },
      };
    }

    it('with one trusted hop, takes the address the proxy appended and ignores a forged left part', async () => {
      const s = await serveWith(parseTrustProxy(true));
      try {
        // A client rotating the part it writes is still one client to the per-IP limit.
        const answers = [];
        for (let i = 0; i < 4; i++) {
          answers.push((await s.start(`198.51.100.${i}, 203.0.113.9`)).status);
        }
        assert.deepEqual(answers, [200, 200, 200, 429]);
        // Another client behind the same proxy has its own budget.
        assert.equal((await s.start('203.0.113.10')).status, 200);
        assert.equal(await s.auditedIp('192.0.2.66, 203.0.113.9'), '203.0.113.9');
      } finally {
        await s.close();
      }
    });

    it('with two trusted hops, takes the address the outer proxy saw', async () => {
      const s = await serveWith(2);
      try {
        assert.equal(await s.auditedIp('192.0.2.66, 203.0.113.9, 10.0.0.5'), '203.0.113.9');
      } finally {
        await s.close();
      }
    });

    it('with trusted proxy addresses, trusts their entries only', async () => {
      const trusted = await serveWith(parseTrustProxy('127.0.0.1, 10.0.0.0/8'));
      try {
        // Both the socket's peer and the 10.x hop are proxies; the next address is the client.
        assert.equal(await trusted.auditedIp('192.0.2.66, 203.0.113.9, 10.1.2.3'), '203.0.113.9');
      } finally {
        await trusted.close();
      }
      // A connection that is not from a listed proxy is the client itself, whatever it claims.
      const untrusted = await serveWith(parseTrustProxy('10.0.0.0/8'));
      try {
        assert.equal(await untrusted.auditedIp('203.0.113.9'), '127.0.0.1');
      } finally {
        await untrusted.close();
      }
    });

    it('without --trust-proxy, the header is ignored', async () => {
      const s = await serveWith(false);
      try {
        const answers = [];
        for (let i = 0; i < 4; i++) answers.push((await s.start(`198.51.100.${i}`)).status);
        assert.deepEqual(answers, [200, 200, 200, 429]);
        assert.equal(await s.auditedIp('203.0.113.9'), '127.0.0.1');
      } finally {
        await s.close();
      }
    });
  });
}
