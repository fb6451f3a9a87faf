/**
 * Account recovery over the flex API: the app's backend asks for a recovery transaction for one of
 * its users, the browser registers with it as with any register transaction, and the user's other
 * passkeys are revoked with its finish, audited and announced by webhook.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createWebhookEndpoint } from '@latchkey/core';
import { RATE_LIMIT_WINDOW_MS, REFUSED_CREDENTIALS_PER_IP } from '../../rate-limits/rate-limits.ts';
import {
  auditEvents,
  databases,
  finishLogin,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerUser,
  startLogin,
  startRegister,
  verifyNonce,
} from '../../testing/harness.ts';
import { webhookNetworkPolicy } from '../../webhooks/webhook-sender.ts';

for (const db of databases()) {
  describe(`account recovery over the flex API (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
      await createWebhookEndpoint(
        h.runtime,
        { appId: h.app.id, url: 'http://127.0.0.1:9/hooks' },
        webhookNetworkPolicy(true),
      );
    });
    after(() => h.close());

    const recoveryTransaction = (
      body: Record<string, unknown>,
      options: { appId?: string; apiKey?: string | null } = {},
    ) => h.manage('POST', '/transactions/recovery', body, options);

    /** Creates a recovery transaction and registers a new authenticator with it. */
    async function recover(externalId: string, body: Record<string, unknown> = {}) {
      const created = await recoveryTransaction({ external_id: externalId, ...body });
      assert.equal(created.statusCode, 201, created.body);
      const started = await startRegister(h, created.json().transaction_id);
      const authenticator = new SoftwareAuthenticator();
      const response = await authenticator.createCredential({
        options: started.options,
        origin: ORIGIN,
      });
      const finished = await finishRegister(h, started, response);
      assert.equal(finished.statusCode, 200, finished.body);
      return { started, authenticator, credentialId: response.id, nonce: finished.json().nonce };
    }

    /** A discoverable sign-in with `authenticator`: the finish's answer. */
    async function signIn(authenticator: SoftwareAuthenticator) {
      const started = await startLogin(h, null);
      const response = await authenticator.getAssertion({
        options: started.options,
        origin: ORIGIN,
      });
      return finishLogin(h, started, response);
    }

    const devicesOf = async (externalId: string): Promise<string[]> => {
      const user = (await h.manage('GET', `/users?identifier=${externalId}&limit=1`)).json()
        .users[0];
      const listed = await h.manage('GET', `/users/${user.id}/devices`);
      return listed.json().devices.map((d: { cred_id: string }) => d.cred_id);
    };

    it('registers a new passkey for an existing user, whose nonce names them, and revokes the old one', async () => {
      const old = await registerUser(h, 'ada');
      const recovered = await recover('ada', { passkey_display_name: 'ada@bank.example' });
      assert.deepEqual(recovered.started.options.excludeCredentials, []);
      assert.equal(recovered.started.options.user.name, 'ada@bank.example');
      const verified = await verifyNonce(h, recovered.nonce);
      assert.deepEqual(verified.json(), { external_id: 'ada' });
      assert.deepEqual(await devicesOf('ada'), [recovered.credentialId]);

      const refused = await signIn(old.authenticator);
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().code, 'discoverable_login_failed');
      const signedIn = await signIn(recovered.authenticator);
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      assert.deepEqual((await verifyNonce(h, signedIn.json().nonce)).json(), {
        external_id: 'ada',
      });
    });

    it('audits the recovery and puts its webhook events in the outbox, with the external id', async () => {
      const old = await registerUser(h, 'bea');
      const recovered = await recover('bea');
      const [started] = await auditEvents(h, 'recovery.started');
      assert.equal(started?.data?.revokeOtherPasskeys, true);
      const [completed] = await auditEvents(h, 'recovery.completed');
      assert.equal(completed?.data?.revoked, 1);
      assert.equal(completed?.data?.credentialId, recovered.credentialId);
      const [revoked] = await auditEvents(h, 'credential.revoked');
      assert.equal(revoked?.reason, 'recovery');
      assert.equal(revoked?.data?.credentialId, old.credentialId);

      const deliveries = await h.store.webhooks.listDeliveries({ appId: h.app.id, limit: 100 });
      const of = (type: string) =>
        deliveries.filter((d) => d.eventType === type && d.externalId === 'bea');
      assert.deepEqual(of('recovery.started')[0]?.data, {
        transaction_id: recovered.started.transactionId,
        revoke_other_passkeys: true,
        passkey_count: 1,
      });
      const announced = of('recovery.completed')[0]?.data;
      assert.equal(announced?.device_id, completed?.credentialId);
      assert.equal(announced?.revoked_count, 1);
      assert.deepEqual(announced?.revoked_device_ids, [revoked?.credentialId]);
      assert.equal(of('passkey.revoked')[0]?.data.reason, 'recovery');
      assert.equal(of('passkey.created').length, 2, 'the old passkey and the new one');
    });

    it('counts recoveries as their own mode of passkey creation in /metrics', async () => {
      const text = (await h.server.inject({ method: 'GET', url: '/metrics' })).body;
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith('latchkey_passkey_creations_total{mode="recovery",outcome="succeeded"}'),
        );
      assert.ok(Number(line?.slice(line.lastIndexOf(' ') + 1)) >= 1, line);
    });

    it('keeps the other passkeys with revoke_other_passkeys false, and they still sign in', async () => {
      const old = await registerUser(h, 'cal');
      const recovered = await recover('cal', { revoke_other_passkeys: false });
      assert.deepEqual(
        recovered.started.options.excludeCredentials?.map((c) => c.id),
        [old.credentialId],
      );
      assert.deepEqual(
        (await devicesOf('cal')).sort(),
        [old.credentialId, recovered.credentialId].sort(),
      );
      assert.equal((await signIn(old.authenticator)).statusCode, 200);
    });

    it('answers 404 user_not_found for an external id the app has never registered', async () => {
      const res = await recoveryTransaction({ external_id: 'nobody' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'user_not_found');
      assert.equal(typeof res.json().error, 'string');
      assert.equal(await h.store.users.findByExternalId(h.app.id, 'nobody'), null);
    });

    it('refuses bad input with 400 invalid_request, never a 500', async () => {
      for (const body of [
        {},
        { external_id: 5 },
        { external_id: '' },
        { external_id: 'x'.repeat(257) },
        { external_id: 'a\u0000b' },
        { external_id: 'ada', revoke_other_passkeys: 'yes' },
        { external_id: 'ada', revoke_other_passkeys: null },
        { external_id: 'ada', passkey_display_name: '' },
        { external_id: 'ada', passkey_display_name: 'x'.repeat(257) },
      ]) {
        const res = await recoveryTransaction(body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.json().code, 'invalid_request');
      }
      for (const payload of ['[]', '"ada"', '{"external_id":', 'null']) {
        const res = await h.server.inject({
          method: 'POST',
          url: `/v1/apps/${h.app.id}/transactions/recovery`,
          headers: { authorization: `Bearer ${h.app.apiKey}`, 'content-type': 'application/json' },
          payload,
        });
        assert.equal(res.statusCode, 400, payload);
        assert.equal(res.json().code, 'invalid_request');
      }
    });

    it('needs the app’s API key', async () => {
      for (const apiKey of [null, 'lk_bad.guess']) {
        const res = await recoveryTransaction({ external_id: 'ada' }, { apiKey });
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().code, 'invalid_access_token');
      }
    });

    it('is limited as the other management routes: 429 after too many refused keys from one address', async () => {
      const attempt = (apiKey: string) =>
        h.server.inject({
          method: 'POST',
          url: `/v1/apps/${h.app.id}/transactions/recovery`,
          headers: { authorization: `Bearer ${apiKey}` },
          payload: { external_id: 'ada' },
          remoteAddress: '203.0.113.9',
        });
      // At the start of a window, so that all the refusals count in one.
      h.clock.ms += RATE_LIMIT_WINDOW_MS - (h.clock.ms % RATE_LIMIT_WINDOW_MS);
      for (let i = 0; i < REFUSED_CREDENTIALS_PER_IP; i++) {
        assert.equal((await attempt('lk_bad.guess')).statusCode, 401);
      }
      const limited = await attempt(h.app.apiKey);
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().code, 'too_many_requests');
    });

    it('crosses no app: app B’s key cannot recover app A’s user, nor use its transaction', async () => {
      await registerUser(h, 'dee');
      const b = await h.newApp();
      const withBKey = await recoveryTransaction(
        { external_id: 'dee' },
        { apiKey: b.apiKey, appId: h.app.id },
      );
      assert.equal(withBKey.statusCode, 401);
      assert.equal(withBKey.json().code, 'invalid_access_token');
      const inB = await recoveryTransaction(
        { external_id: 'dee' },
        { apiKey: b.apiKey, appId: b.id },
      );
      assert.equal(inB.statusCode, 404, 'app B has no user dee');
      assert.equal(inB.json().code, 'user_not_found');

      const created = await recoveryTransaction({ external_id: 'dee' });
      const atB = await h.browser(
        '/register/transactions/webauthn/start',
        { transaction_id: created.json().transaction_id },
        { appId: b.id },
      );
      assert.equal(atB.statusCode, 400);
      assert.equal(atB.json().code, 'invalid_request');
      assert.equal((await devicesOf('dee')).length, 1);
    });

    it('refuses a recovery transaction used to sign in', async () => {
      await registerUser(h, 'eve');
      const created = await recoveryTransaction({ external_id: 'eve' });
      const res = await h.browser('/authenticate/transactions/webauthn/start', {
        transaction_id: created.json().transaction_id,
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'invalid_request');
    });

    it('uses a recovery transaction once, and not once expired', async () => {
      await registerUser(h, 'fay');
      const created = await recoveryTransaction({ external_id: 'fay' });
      const transactionId = created.json().transaction_id;
      await startRegister(h, transactionId);
      const replayed = await h.browser('/register/transactions/webauthn/start', {
        transaction_id: transactionId,
      });
      assert.equal(replayed.statusCode, 400);
      assert.equal(replayed.json().code, 'invalid_request');

      const late = await recoveryTransaction({ external_id: 'fay' });
      h.clock.advance(301);
      const expired = await h.browser('/register/transactions/webauthn/start', {
        transaction_id: late.json().transaction_id,
      });
      assert.equal(expired.statusCode, 400);
      assert.equal(expired.json().code, 'invalid_request');
    });

    it('refuses a forged recovery registration and leaves the old passkey working', async () => {
      const old = await registerUser(h, 'gus');
      const created = await recoveryTransaction({ external_id: 'gus' });
      const started = await startRegister(h, created.json().transaction_id);
      const response = await new SoftwareAuthenticator().createCredential({
        options: started.options,
        origin: 'https://evil.example',
      });
      const finished = await finishRegister(h, started, response);
      assert.equal(finished.statusCode, 400);
      assert.equal(finished.json().code, 'invalid_request');
      assert.deepEqual(await devicesOf('gus'), [old.credentialId]);
      assert.equal((await signIn(old.authenticator)).statusCode, 200);
    });
  });
}
