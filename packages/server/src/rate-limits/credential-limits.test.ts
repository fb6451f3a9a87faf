/**
 * Refused credentials are limited per client IP on each surface that takes one: the flex
 * management API (API key), the actions server API (secret key) and the admin API (operator token,
 * console sign-in). Over the limit, a client is answered 429 in the surface's own shape, with
 * `Retry-After`, before its credential is looked at, so no further refusal is audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildServer } from '../app.ts';
import { auditEvents, databases, type Harness, openHarness } from '../testing/harness.ts';
import { createMemoryRateLimitCounter } from './memory-rate-limit-counter.ts';
import { RATE_LIMIT_WINDOW_MS, REFUSED_CREDENTIALS_PER_IP } from './rate-limits.ts';

const basic = (user: string): string => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;

for (const db of databases()) {
  describe(`refused credentials are limited per IP (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
      h.clock.ms += RATE_LIMIT_WINDOW_MS - (h.clock.ms % RATE_LIMIT_WINDOW_MS);
    });
    after(() => h.close());

    const management = (ip: string, apiKey: string) =>
      h.server.inject({
        method: 'GET',
        url: `/v1/apps/${h.app.id}/users`,
        headers: { authorization: `Bearer ${apiKey}` },
        remoteAddress: ip,
      });
    const server = (ip: string, secret: string) =>
      h.server.inject({
        method: 'GET',
        url: '/v1/users/ada',
        headers: { authorization: basic(secret) },
        remoteAddress: ip,
      });
    const admin = (ip: string, token: string) =>
      h.server.inject({
        method: 'GET',
        url: '/admin/v1/apps',
        headers: { authorization: `Bearer ${token}` },
        remoteAddress: ip,
      });
    const signIn = (ip: string, token: string) =>
      h.server.inject({
        method: 'POST',
        url: '/admin/v1/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ token }),
        remoteAddress: ip,
      });

    /** Sends refused credentials up to the limit, each a 401; returns the next answer. */
    const overTheLimit = async (
      send: () => Promise<LightMyRequestResponse>,
    ): Promise<LightMyRequestResponse> => {
      for (let i = 0; i < REFUSED_CREDENTIALS_PER_IP; i++) {
        const refused = await send();
        assert.equal(refused.statusCode, 401, refused.body);
      }
      const limited = await send();
      assert.equal(limited.statusCode, 429, limited.body);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      return limited;
    };

    it('on the flex management API, in the flex shape, and no more refusals audited', async () => {
      const before = (await auditEvents(h, 'api_key.rejected')).length;
      const limited = await overTheLimit(() => management('203.0.113.1', 'lk_bad.guess'));
      assert.equal(limited.json().code, 'too_many_requests');
      assert.equal(typeof limited.json().error, 'string');
      // The limit is the client's: its valid key waits too, another client's does not.
      assert.equal((await management('203.0.113.1', h.app.apiKey)).statusCode, 429);
      assert.equal((await management('203.0.113.2', h.app.apiKey)).statusCode, 200);
      const audited = (await auditEvents(h, 'api_key.rejected')).length - before;
      assert.equal(audited, REFUSED_CREDENTIALS_PER_IP);
    });

    it('on the actions server API, in the actions shape', async () => {
      const limited = await overTheLimit(() => server('203.0.113.3', 'lk_bad.guess'));
      assert.equal(limited.json().error, 'too_many_requests');
      assert.equal(limited.json().errorCode, 'too_many_requests');
      assert.equal(typeof limited.json().errorDescription, 'string');
    });

    it('on the admin API and its console sign-in, in the admin shape', async () => {
      const limited = await overTheLimit(() => admin('203.0.113.4', 'not-a-token'));
      assert.equal(limited.json().error.code, 'too_many_requests');
      assert.equal(limited.json().request_id, limited.headers['x-request-id']);
      const again = await overTheLimit(() => signIn('203.0.113.5', 'not-a-token'));
      assert.equal(again.json().error.code, 'too_many_requests');
    });

    it('counts one budget per address over every surface, for a window', async () => {
      const ip = '203.0.113.6';
      for (let i = 0; i < REFUSED_CREDENTIALS_PER_IP; i++) {
        const send = [management, server, admin][i % 3] as typeof admin;
        assert.equal((await send(ip, 'lk_bad.guess')).statusCode, 401);
      }
      assert.equal((await admin(ip, 'lk_bad.guess')).statusCode, 429);
      h.clock.advance(RATE_LIMIT_WINDOW_MS / 1000);
      assert.equal((await management(ip, h.app.apiKey)).statusCode, 200);
    });

    it('never counts accepted credentials', async () => {
      for (let i = 0; i < REFUSED_CREDENTIALS_PER_IP + 10; i++) {
        assert.equal((await management('203.0.113.7', h.app.apiKey)).statusCode, 200);
      }
    });

    it("takes the server's configured limit, and 0 turns it off", async () => {
      const serverWith = (refusedCredentialsPerIp: number) =>
        buildServer({
          runtime: h.runtime,
          logger: false,
          rateLimitCounter: createMemoryRateLimitCounter(),
          refusedCredentialsPerIp,
        });
      const strict = await serverWith(2);
      const off = await serverWith(0);
      try {
        const call = (s: typeof strict) =>
          s.inject({
            method: 'GET',
            url: `/v1/apps/${h.app.id}/users`,
            headers: { authorization: 'Bearer lk_bad.guess' },
            remoteAddress: '203.0.113.8',
          });
        assert.equal((await call(strict)).statusCode, 401);
        assert.equal((await call(strict)).statusCode, 401);
        assert.equal((await call(strict)).statusCode, 429);
        for (let i = 0; i < REFUSED_CREDENTIALS_PER_IP + 5; i++) {
          assert.equal((await call(off)).statusCode, 401);
        }
      } finally {
        await strict.close();
        await off.close();
      }
    });

    it('reports refusals in /metrics', async () => {
      const metrics = await h.server.inject({ method: 'GET', url: '/metrics' });
      for (const surface of ['flex', 'actions_server', 'admin']) {
        assert.match(
          metrics.body,
          new RegExp(
            `latchkey_rate_limited_total\\{surface="${surface}",limit="refusedCredentialsPerIp"\\} [1-9]`,
          ),
        );
      }
    });
  });
}
