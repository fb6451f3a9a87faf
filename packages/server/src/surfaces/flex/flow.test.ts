import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  authenticateTransaction,
  databases,
  finishLogin,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  RP_ID,
  registerTransaction,
  registerUser,
  startLogin,
  startRegister,
  verifyNonce,
} from '../../testing/harness.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

for (const db of databases()) {
  describe(`flex flows (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(async () => {
      await h.close();
    });

    it('registers a first passkey and redeems the nonce for the external id', async () => {
      const transactionId = await registerTransaction(h, 'alice');
      const started = await startRegister(h, transactionId);
      assert.equal(started.options.rp.id, RP_ID);
      assert.equal(started.options.rp.name, 'Bank');
      assert.equal(started.options.user.name, 'alice@bank.example');
      assert.notEqual(
        started.options.user.id,
        'alice',
        'the user handle is random, not the external id',
      );
      assert.deepEqual(
        started.options.pubKeyCredParams.map((p) => p.alg),
        [-7, -8, -257],
        'ES256 first',
      );
      assert.equal(started.options.authenticatorSelection?.residentKey, 'required');
      assert.equal(started.options.authenticatorSelection?.userVerification, 'required');
      assert.equal(started.options.attestation, 'none');
      assert.deepEqual(started.options.excludeCredentials, []);
      assert.ok(Buffer.from(started.options.challenge, 'base64url').length >= 16);

      const authenticator = new SoftwareAuthenticator();
      const response = await authenticator.createCredential({
        options: started.options,
        origin: ORIGIN,
      });
      const finished = await finishRegister(h, started, response);
      assert.equal(finished.statusCode, 200, finished.body);
      const { nonce } = finished.json();
      assert.equal(typeof nonce, 'string');

      const verified = await verifyNonce(h, nonce);
      assert.equal(verified.statusCode, 200, verified.body);
      assert.deepEqual(verified.json(), { external_id: 'alice' });
    });

    it('adds a second passkey to an existing user, excluding the first', async () => {
      const first = await registerUser(h, 'bob');
      const started = await startRegister(h, await registerTransaction(h, 'bob'));
      assert.deepEqual(
        started.options.excludeCredentials?.map((c) => c.id),
        [first.credentialId],
      );
      const second = new SoftwareAuthenticator({
        backupEligible: false,
        backupState: false,
        attachment: 'cross-platform',
        transports: ['usb'],
      });
      const finished = await finishRegister(
        h,
        started,
        await second.createCredential({ options: started.options, origin: ORIGIN }),
      );
      assert.equal(finished.statusCode, 200, finished.body);
      const user = (await h.manage('GET', '/users?identifier=bob&limit=1')).json().users[0];
      const devices = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices;
      assert.equal(devices.length, 2);
      assert.deepEqual(devices.map((d: { type: string }) => d.type).sort(), [
        'passkey',
        'security_key',
      ]);
    });

    it('signs in with a transaction, listing only the user’s credentials', async () => {
      const { authenticator, credentialId } = await registerUser(h, 'carol');
      await registerUser(h, 'dave');
      const started = await startLogin(h, await authenticateTransaction(h, 'carol'));
      assert.deepEqual(
        started.options.allowCredentials?.map((c) => c.id),
        [credentialId],
      );
      assert.equal(started.options.rpId, RP_ID);
      assert.equal(started.options.userVerification, 'required');
      const finished = await finishLogin(
        h,
        started,
        await authenticator.getAssertion({ options: started.options, origin: ORIGIN }),
      );
      assert.equal(finished.statusCode, 200, finished.body);
      const verified = await verifyNonce(h, finished.json().nonce);
      assert.deepEqual(verified.json(), { external_id: 'carol' });
    });

    it('signs in without a transaction (discoverable), and the nonce names the user', async () => {
      const { authenticator } = await registerUser(h, 'erin');
      for (const body of [{}, { transaction_id: null }, { transaction_id: '' }]) {
        const res = await h.browser('/authenticate/transactions/webauthn/start', body);
        assert.equal(res.statusCode, 200, res.body);
        const handshake = res.json().handshake;
        assert.equal(handshake.challenge.publicKey.allowCredentials, undefined);
        const started = {
          handshakeId: handshake.id,
          options: handshake.challenge.publicKey,
          transactionId: null,
        };
        const finished = await finishLogin(
          h,
          started,
          await authenticator.getAssertion({ options: started.options, origin: ORIGIN }),
        );
        assert.equal(finished.statusCode, 200, finished.body);
        assert.deepEqual((await verifyNonce(h, finished.json().nonce)).json(), {
          external_id: 'erin',
        });
      }
    });

    it('starts a discoverable sign-in from an empty body of any content type', async () => {
      for (const headers of [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/json' },
      ]) {
        const res = await h.server.inject({
          method: 'POST',
          url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
          headers,
          payload: '',
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      const none = await h.server.inject({
        method: 'POST',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
      });
      assert.equal(none.statusCode, 200, none.body);
    });

    it('accepts JSON sent as text/plain, as passage-flex-js 0.1 does', async () => {
      const transactionId = await registerTransaction(h, 'frank');
      const res = await h.browser(
        '/register/transactions/webauthn/start',
        { transaction_id: transactionId },
        { headers: { 'content-type': 'text/plain;charset=UTF-8' } },
      );
      assert.equal(res.statusCode, 200, res.body);
    });

    it('accepts transports at the top level or inside response, and any userHandle form', async () => {
      const authenticator = new SoftwareAuthenticator();
      for (const placement of ['top', 'response'] as const) {
        const started = await startRegister(h, await registerTransaction(h, `grace-${placement}`));
        const response = await authenticator.createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { transportsPlacement: placement },
        });
        const finished = await finishRegister(h, started, response);
        assert.equal(finished.statusCode, 200, finished.body);
        const user = (await h.manage('GET', `/users?identifier=grace-${placement}&limit=1`)).json()
          .users[0];
        const devices = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices;
        assert.deepEqual(devices[0].transports.sort(), ['hybrid', 'internal']);
      }
      const credentialId = authenticator.credentials()[0]!.id;
      for (const userHandle of ['', undefined, null, 'grace-top', 'Z3JhY2U']) {
        const started = await startLogin(h, null);
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          credentialId,
          overrides: { userHandle },
        });
        const finished = await finishLogin(h, started, assertion);
        assert.equal(finished.statusCode, 200, `${String(userHandle)}: ${finished.body}`);
      }
    });

    it('lists users by identifier with every field of the paginated model', async () => {
      await registerUser(h, 'heidi');
      const res = await h.manage('GET', '/users?identifier=heidi&limit=1');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      for (const link of ['first', 'last', 'next', 'previous', 'self']) {
        assert.equal(typeof body._links[link].href, 'string', link);
      }
      assert.equal(typeof body.created_before, 'number');
      assert.equal(body.limit, 1);
      assert.equal(body.page, 1);
      assert.equal(body.total_users, 1);
      const user = body.users[0];
      assert.equal(user.external_id, 'heidi');
      assert.equal(user.email, '');
      assert.equal(user.phone, '');
      assert.equal(user.email_verified, false);
      assert.equal(user.phone_verified, false);
      assert.equal(user.status, 'active');
      assert.ok('user_metadata' in user);
      assert.match(user.created_at, RFC3339);
      assert.match(user.updated_at, RFC3339);
      assert.match(user.last_login_at, RFC3339);
      assert.equal(typeof user.login_count, 'number');

      const empty = await h.manage('GET', '/users?identifier=nobody&limit=1');
      assert.equal(empty.statusCode, 200);
      assert.deepEqual(empty.json().users, []);
      assert.equal(empty.json().total_users, 0);
    });

    it('pages through users with working links', async () => {
      const other = await h.newApp();
      for (const id of ['p1', 'p2', 'p3']) {
        await registerTransaction(h, id, other.id, other.apiKey);
      }
      const first = (
        await h.manage('GET', '/users?limit=2', undefined, {
          appId: other.id,
          apiKey: other.apiKey,
        })
      ).json();
      assert.equal(first.total_users, 3);
      assert.equal(first.users.length, 2);
      assert.equal(first._links.previous.href, '');
      const nextPath = first._links.next.href.replace(`/v1/apps/${other.id}`, '');
      const second = (
        await h.manage('GET', nextPath, undefined, { appId: other.id, apiKey: other.apiKey })
      ).json();
      assert.equal(second.users.length, 1);
      assert.equal(second._links.next.href, '');
      const ids = [...first.users, ...second.users]
        .map((u: { external_id: string }) => u.external_id)
        .sort();
      assert.deepEqual(ids, ['p1', 'p2', 'p3']);
    });

    it('returns user info and devices with every WebAuthnDevice field, and revokes a device', async () => {
      const { authenticator, credentialId } = await registerUser(
        h,
        'ivan',
        new SoftwareAuthenticator({ aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' }),
      );
      const started = await startLogin(h, await authenticateTransaction(h, 'ivan'));
      await finishLogin(
        h,
        started,
        await authenticator.getAssertion({ options: started.options, origin: ORIGIN }),
      );

      const user = (await h.manage('GET', '/users?identifier=ivan&limit=1')).json().users[0];
      const info = await h.manage('GET', `/users/${user.id}`);
      assert.equal(info.statusCode, 200, info.body);
      const u = info.json().user;
      assert.equal(u.external_id, 'ivan');
      assert.equal(u.webauthn, true);
      assert.deepEqual(u.recent_events, []);
      assert.deepEqual(u.social_connections, {});
      assert.deepEqual(u.webauthn_types, ['passkey']);
      assert.equal(u.login_count, 1);
      assert.equal(u.webauthn_devices.length, 1);

      const devices = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices;
      const device = devices[0];
      assert.equal(device.cred_id, credentialId);
      assert.notEqual(device.id, credentialId, 'the device id is not the credential id');
      assert.equal(device.friendly_name, 'Google Password Manager');
      assert.equal(device.type, 'passkey');
      assert.equal(device.usage_count, 1);
      assert.match(device.created_at, RFC3339);
      assert.match(device.updated_at, RFC3339);
      assert.match(device.last_login_at, RFC3339);
      assert.match(device.icons.light, /^data:image\/svg\+xml;base64,/);
      assert.match(device.icons.dark, /^data:image\/svg\+xml;base64,/);
      assert.equal(device.aaguid, 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4');
      assert.equal(device.backup_eligible, true);
      assert.equal(device.backup_state, true);

      const revoked = await h.manage('DELETE', `/users/${user.id}/devices/${device.id}`);
      assert.equal(revoked.statusCode, 200, revoked.body);
      const after = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices;
      assert.deepEqual(after, []);
      const again = await h.manage('DELETE', `/users/${user.id}/devices/${device.id}`);
      assert.equal(again.statusCode, 404);
      assert.equal(again.json().code, 'device_not_found');
      const noPasskeys = await h.manage('POST', '/transactions/authenticate', {
        external_id: 'ivan',
      });
      assert.equal(noPasskeys.statusCode, 409);
      assert.equal(noPasskeys.json().code, 'user_has_no_passkeys');
    });

    it('gives unknown-provider devices null icons and a string last_login_at before first use', async () => {
      await registerUser(h, 'judy');
      const user = (await h.manage('GET', '/users?identifier=judy&limit=1')).json().users[0];
      const device = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices[0];
      assert.equal(device.icons.light, null);
      assert.equal(device.icons.dark, null);
      assert.equal(device.last_login_at, '0001-01-01T00:00:00Z');
      assert.equal(device.friendly_name, 'Passkey');
    });

    it('answers 404 user_not_found and app_not_found', async () => {
      const user = await h.manage('GET', '/users/nope');
      assert.equal(user.statusCode, 404);
      assert.deepEqual(user.json(), { code: 'user_not_found', error: 'user not found' });
      const app = await h.server.inject({ method: 'GET', url: '/v1/apps/nope' });
      assert.equal(app.statusCode, 404);
      assert.equal(app.json().code, 'app_not_found');
      const start = await h.browser(
        '/authenticate/transactions/webauthn/start',
        {},
        { appId: 'nope' },
      );
      assert.equal(start.statusCode, 404);
      assert.equal(start.json().code, 'app_not_found');
    });

    it('serves public app info with auth_origin, with or without a key', async () => {
      for (const headers of [{}, { authorization: `Bearer ${h.app.apiKey}` }]) {
        const res = await h.server.inject({ method: 'GET', url: `/v1/apps/${h.app.id}`, headers });
        assert.equal(res.statusCode, 200);
        const { app } = res.json();
        assert.equal(app.id, h.app.id);
        assert.equal(app.name, 'Bank');
        assert.equal(app.auth_origin, ORIGIN);
      }
    });

    it('allows CORS from the app’s origins only, with the Passage-Flex-Version header', async () => {
      const preflight = await h.server.inject({
        method: 'OPTIONS',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,passage-flex-version',
        },
      });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], ORIGIN);
      assert.match(
        String(preflight.headers['access-control-allow-headers']),
        /Passage-Flex-Version/i,
      );
      assert.match(String(preflight.headers['access-control-allow-headers']), /Content-Type/i);
      assert.equal(preflight.headers['access-control-allow-credentials'], undefined);

      const evil = await h.server.inject({
        method: 'OPTIONS',
        url: `/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(evil.headers['access-control-allow-origin'], undefined);

      const simple = await h.browser('/authenticate/transactions/webauthn/start', {});
      assert.equal(simple.headers['access-control-allow-origin'], ORIGIN);
      const appInfo = await h.server.inject({
        method: 'GET',
        url: `/v1/apps/${h.app.id}`,
        headers: { origin: ORIGIN },
      });
      assert.equal(appInfo.headers['access-control-allow-origin'], ORIGIN);
    });
  });
}
