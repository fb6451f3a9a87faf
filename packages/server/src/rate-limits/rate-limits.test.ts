/**
 * Security row 14: ceremony starts and failed finishes are limited per client IP, with the flex
 * surface's own 429 body (an app's own count only raises an alert: see app-limits.test.ts); expired
 * rows are swept so a flood of starts stays bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SqlStore, sweepExpired } from '@latchkey/store';
import {
  authenticateTransaction,
  databases,
  type Harness,
  limits,
  ORIGIN,
  openHarness,
  registerUser,
  startLogin,
} from '../testing/harness.ts';
import { RATE_LIMIT_WINDOW_MS } from './rate-limits.ts';

for (const db of databases()) {
  describe(`rate limits and sweeping (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
      // Start each test at the beginning of a window, so a window does not close mid-test.
      h.clock.ms += RATE_LIMIT_WINDOW_MS - (h.clock.ms % RATE_LIMIT_WINDOW_MS);
    });
    after(() => h.close());

    const start = (appId: string, ip: string) =>
      h.server.inject({
        method: 'POST',
        url: `/v1/apps/${appId}/authenticate/transactions/webauthn/start`,
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        payload: '{}',
        remoteAddress: ip,
      });

    it('refuses the start after the per-IP limit with a 429 in the flex shape', async () => {
      const app = await h.newApp({ policy: limits({ startsPerIp: 5 }) });
      for (let i = 0; i < 5; i++)
        assert.equal((await start(app.id, '203.0.113.1')).statusCode, 200);
      const refused = await start(app.id, '203.0.113.1');
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().code, 'too_many_requests');
      assert.equal(typeof refused.json().error, 'string');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      // Another client is not held back by the first.
      assert.equal((await start(app.id, '203.0.113.2')).statusCode, 200);
      // And the window passes.
      h.clock.advance(RATE_LIMIT_WINDOW_MS / 1000);
      assert.equal((await start(app.id, '203.0.113.1')).statusCode, 200);
    });

    it('refuses no client for the app-wide start count, and reports it in /metrics', async () => {
      const app = await h.newApp({ policy: limits({ startsPerApp: 4 }) });
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push((await start(app.id, `198.51.100.${i}`)).statusCode);
      assert.deepEqual(answers, [200, 200, 200, 200, 200, 200]);
      const metrics = await h.server.inject({ method: 'GET', url: '/metrics' });
      assert.match(
        metrics.body,
        new RegExp(`latchkey_app_limit_exceeded_total\\{app="${app.id}",limit="startsPerApp"\\} 2`),
      );
      assert.doesNotMatch(metrics.body, /latchkey_rate_limited_total\{[^}]*limit="startsPerApp"/);
    });

    it('refuses every finish from a client that failed too often, even a valid one', async () => {
      const limited = await openHarness(db, { policy: limits({ failuresPerIp: 3 }) });
      try {
        const { authenticator } = await registerUser(limited, 'ada');
        const finish = (payload: unknown, ip: string) =>
          limited.server.inject({
            method: 'POST',
            url: `/v1/apps/${limited.app.id}/authenticate/transactions/webauthn/finish`,
            headers: { 'content-type': 'application/json', origin: ORIGIN },
            payload: JSON.stringify(payload),
            remoteAddress: ip,
          });
        for (let i = 0; i < 3; i++) {
          const failed = await finish(
            { handshake_id: `nope-${i}`, handshake_response: {} },
            '192.0.2.7',
          );
          assert.equal(failed.statusCode, 400);
        }
        const started = await startLogin(limited, await authenticateTransaction(limited, 'ada'));
        const response = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const payload = {
          transaction_id: started.transactionId,
          handshake_id: started.handshakeId,
          handshake_response: response,
        };
        const refused = await finish(payload, '192.0.2.7');
        assert.equal(refused.statusCode, 429);
        assert.equal(refused.json().code, 'too_many_requests');
        // The refused finish was never checked, so its handshake is unburned: the same payload
        // from another client still signs in.
        assert.equal((await finish(payload, '192.0.2.8')).statusCode, 200);
        const metrics = await limited.server.inject({ method: 'GET', url: '/metrics' });
        assert.match(
          metrics.body,
          /latchkey_rate_limited_total\{surface="flex",limit="failuresPerIp"\} 1/,
        );
      } finally {
        await limited.close();
      }
    });

    it('limits the actions client API too, with its own 429 body', async () => {
      const app = await h.newApp({ policy: limits({ startsPerIp: 2 }) });
      const challenge = () =>
        h.server.inject({
          method: 'POST',
          url: '/v1/client/challenge',
          headers: {
            'content-type': 'application/json',
            origin: ORIGIN,
            authorization: `Basic ${Buffer.from(encodeURIComponent(app.id)).toString('base64')}`,
          },
          payload: JSON.stringify({ action: 'signInWithPasskey' }),
          remoteAddress: '203.0.113.50',
        });
      assert.equal((await challenge()).statusCode, 200);
      assert.equal((await challenge()).statusCode, 200);
      const refused = await challenge();
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error, 'too_many_requests');
      assert.equal(refused.json().errorCode, 'too_many_requests');
      assert.equal(typeof refused.json().errorDescription, 'string');
    });

    it('counts refusals in /metrics', async () => {
      const metrics = await h.server.inject({ method: 'GET', url: '/metrics' });
      assert.match(
        metrics.body,
        /latchkey_rate_limited_total\{surface="flex",limit="startsPerIp"\} 1/,
      );
    });

    it('keeps the ceremony table bounded under a flood of starts when swept', async () => {
      const app = await h.newApp({ policy: { ...limits({}), ceremonyTtlSeconds: 30 } });
      const store = h.store as SqlStore;
      const count = async () =>
        Number(
          (
            await store.db
              .selectFrom('ceremonies')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('app_id', '=', app.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      let highest = 0;
      // Ten minutes of a flood: 50 starts every 10 seconds, a sweep every minute.
      for (let tick = 1; tick <= 60; tick++) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => start(app.id, `10.0.${tick}.${i}`)));
        h.clock.advance(10);
        if (tick % 6 === 0)
          await sweepExpired(store.db, {
            now: h.clock.ms,
            rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
          });
        highest = Math.max(highest, await count());
      }
      // 3,000 starts in all; what is alive at once is at most one lifetime plus one sweep interval.
      assert.ok(highest <= 50 * 10, `at most ${50 * 10} ceremonies at once, saw ${highest}`);
      h.clock.advance(60);
      await sweepExpired(store.db, { now: h.clock.ms, rateLimitWindowMs: RATE_LIMIT_WINDOW_MS });
      assert.equal(await count(), 0);
      const windows = await store.db
        .selectFrom('rate_limit_windows')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('window_start', '<', h.clock.ms - 2 * RATE_LIMIT_WINDOW_MS)
        .executeTakeFirstOrThrow();
      assert.equal(Number(windows.n), 0);
    });
  });
}
