/**
 * Abuse limits that many addresses together cannot turn against an app: failed finishes count
 * against the client that sent them, and toward the app's alert only when they reached a live
 * ceremony; a finish that succeeds gives its failure slot back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
  describe(`per-app limits alert and never lock an app out (${db.name})`, () => {
    let h: Harness;
    let authenticator: Awaited<ReturnType<typeof registerUser>>['authenticator'];
    before(async () => {
      h = await openHarness(db, { policy: limits({ failuresPerIp: 5, failuresPerApp: 20 }) });
      h.clock.ms += RATE_LIMIT_WINDOW_MS - (h.clock.ms % RATE_LIMIT_WINDOW_MS);
      ({ authenticator } = await registerUser(h, 'ada'));
    });
    after(() => h.close());

    const finish = (payload: unknown, ip: string) =>
      h.server.inject({
        method: 'POST',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/finish`,
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        payload: JSON.stringify(payload),
        remoteAddress: ip,
      });
    const signIn = async (ip: string) => {
      const started = await startLogin(h, await authenticateTransaction(h, 'ada'));
      const response = await authenticator.getAssertion({
        options: started.options,
        origin: ORIGIN,
      });
      return finish(
        {
          transaction_id: started.transactionId,
          handshake_id: started.handshakeId,
          handshake_response: response,
        },
        ip,
      );
    };
    const exceeded = async (limit: string): Promise<number> => {
      const metrics = await h.server.inject({ method: 'GET', url: '/metrics' });
      const line = new RegExp(
        `latchkey_app_limit_exceeded_total\\{app="${h.app.id}",limit="${limit}"\\} (\\d+)`,
      ).exec(metrics.body);
      return Number(line?.[1] ?? 0);
    };

    it('lets a well-behaved client sign in after a flood of junk finishes from many addresses', async () => {
      // Eight addresses, each up to its own limit and beyond: 64 junk finishes, three times the
      // app-wide figure, of every kind that never reaches a ceremony.
      const wellFormed = {
        handshake_id: 'made-up',
        handshake_response: {
          id: 'AAAA',
          rawId: 'AAAA',
          type: 'public-key',
          response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
          clientExtensionResults: {},
        },
      };
      const junk = [
        wellFormed,
        wellFormed,
        { handshake_id: 'made-up', handshake_response: {} },
        'x',
      ];
      const statuses = new Set<number>();
      for (let ip = 1; ip <= 8; ip++) {
        for (let i = 0; i < 8; i++) {
          const answer = await finish(junk[i % junk.length], `198.51.100.${ip}`);
          statuses.add(answer.statusCode);
        }
      }
      assert.deepEqual([...statuses].sort(), [400, 429]);
      // Each flooding address is held to its own limit...
      assert.equal((await signIn('198.51.100.1')).statusCode, 429);
      // ...while a client that did nothing wrong signs in, and the app raised no alert: junk that
      // never reached a ceremony does not count toward it.
      assert.equal((await signIn('203.0.113.9')).statusCode, 200);
      assert.equal(await exceeded('failuresPerApp'), 0);
    });

    it('counts failures that reached a ceremony toward the alert, refusing nobody for it', async () => {
      h.clock.advance(RATE_LIMIT_WINDOW_MS / 1000);
      // 21 finishes, each of a live ceremony but with a response that does not match it, from
      // addresses that stay under their own limit.
      for (let i = 0; i < 21; i++) {
        const started = await startLogin(h, await authenticateTransaction(h, 'ada'));
        const response = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const failed = await finish(
          {
            transaction_id: started.transactionId,
            handshake_id: started.handshakeId,
            handshake_response: { ...response, rawId: 'AAAA' },
          },
          `192.0.2.${i % 7}`,
        );
        assert.equal(failed.statusCode, 401);
        assert.equal(failed.json().code, 'webauthn_login_failed');
      }
      assert.equal(await exceeded('failuresPerApp'), 1);
      assert.equal((await signIn('203.0.113.10')).statusCode, 200);
    });

    it('gives the failure slot of a finish that succeeds back', async () => {
      h.clock.advance(RATE_LIMIT_WINDOW_MS / 1000);
      // Eight sign-ins from one address with a limit of five failures: none of them failed.
      for (let i = 0; i < 8; i++) assert.equal((await signIn('203.0.113.20')).statusCode, 200);
      // Slots are given back once a success is answered; the last one may still be on its way, so
      // only four failures are sure to find room, and the sixth sure to find none.
      const junk = (i: number) =>
        finish({ handshake_id: `nope-${i}`, handshake_response: {} }, '203.0.113.20');
      for (let i = 0; i < 4; i++) assert.equal((await junk(i)).statusCode, 400);
      await junk(4);
      assert.equal((await junk(5)).statusCode, 429);
    });
  });
}
