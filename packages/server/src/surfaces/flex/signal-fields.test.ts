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
  startLogin,
  startRegister,
  verifyNonce,
} from '../../testing/harness.ts';

/** Device id (what revokes) of a credential id, through the management API. */
async function deviceIdOf(h: Harness, externalId: string, credentialId: string): Promise<string> {
  const user = (await h.manage('GET', `/users?identifier=${externalId}&limit=1`)).json().users[0];
  const devices = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices;
  const device = devices.find((d: { cred_id: string }) => d.cred_id === credentialId);
  assert.ok(device, `no device for ${credentialId}`);
  return `${user.id}/devices/${device.id}`;
}

for (const db of databases()) {
  describe(`flex finishes carry Signal API data (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(async () => {
      await h.close();
    });

    it('answers a registration with the nonce, the RP ID, the user handle and every accepted credential', async () => {
      const first = new SoftwareAuthenticator();
      const started = await startRegister(h, await registerTransaction(h, 'signal-reg'));
      const response = await first.createCredential({ options: started.options, origin: ORIGIN });
      const finished = await finishRegister(h, started, response);
      assert.equal(finished.statusCode, 200, finished.body);
      const body = finished.json();
      assert.deepEqual(Object.keys(body).sort(), [
        'accepted_credential_ids',
        'nonce',
        'rp_id',
        'user_handle',
      ]);
      assert.equal(body.rp_id, RP_ID);
      assert.equal(body.user_handle, started.options.user.id);
      assert.deepEqual(body.accepted_credential_ids, [response.id]);
      assert.deepEqual((await verifyNonce(h, body.nonce)).json(), { external_id: 'signal-reg' });

      const second = new SoftwareAuthenticator();
      const again = await startRegister(h, await registerTransaction(h, 'signal-reg'));
      const secondResponse = await second.createCredential({
        options: again.options,
        origin: ORIGIN,
      });
      const secondBody = (await finishRegister(h, again, secondResponse)).json();
      assert.equal(secondBody.user_handle, body.user_handle, 'one user, one handle');
      assert.deepEqual(
        [...secondBody.accepted_credential_ids].sort(),
        [response.id, secondResponse.id].sort(),
      );
    });

    it('answers a sign-in with the accepted credentials, which a revoke shrinks', async () => {
      const phone = new SoftwareAuthenticator();
      const laptop = new SoftwareAuthenticator();
      let phoneId = '';
      let laptopId = '';
      for (const [authenticator, set] of [
        [phone, (id: string) => (phoneId = id)],
        [laptop, (id: string) => (laptopId = id)],
      ] as const) {
        const started = await startRegister(h, await registerTransaction(h, 'signal-login'));
        const response = await authenticator.createCredential({
          options: started.options,
          origin: ORIGIN,
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 200);
        set(response.id);
      }

      const withTransaction = await startLogin(h, await authenticateTransaction(h, 'signal-login'));
      const signedIn = await finishLogin(
        h,
        withTransaction,
        await phone.getAssertion({ options: withTransaction.options, origin: ORIGIN }),
      );
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      const body = signedIn.json();
      assert.equal(body.rp_id, RP_ID);
      assert.deepEqual([...body.accepted_credential_ids].sort(), [phoneId, laptopId].sort());
      assert.equal(typeof body.user_handle, 'string');

      const revoked = await h.manage(
        'DELETE',
        `/users/${await deviceIdOf(h, 'signal-login', laptopId)}`,
      );
      assert.equal(revoked.statusCode, 200, revoked.body);
      const discoverable = await startLogin(h, null);
      const after = await finishLogin(
        h,
        discoverable,
        await phone.getAssertion({ options: discoverable.options, origin: ORIGIN }),
      );
      assert.equal(after.statusCode, 200, after.body);
      assert.deepEqual(after.json().accepted_credential_ids, [phoneId]);
      assert.equal(after.json().user_handle, body.user_handle);
    });

    it('tells a discoverable sign-in with an unknown credential its RP ID and credential id, and nothing about a user', async () => {
      const authenticator = new SoftwareAuthenticator();
      const started = await startRegister(h, await registerTransaction(h, 'signal-gone'));
      const response = await authenticator.createCredential({
        options: started.options,
        origin: ORIGIN,
      });
      assert.equal((await finishRegister(h, started, response)).statusCode, 200);
      await h.manage('DELETE', `/users/${await deviceIdOf(h, 'signal-gone', response.id)}`);

      const login = await startLogin(h, null);
      const failed = await finishLogin(
        h,
        login,
        await authenticator.getAssertion({ options: login.options, origin: ORIGIN }),
      );
      assert.equal(failed.statusCode, 401, failed.body);
      const body = failed.json();
      assert.deepEqual(Object.keys(body).sort(), ['code', 'credential_id', 'error', 'rp_id']);
      assert.equal(body.code, 'discoverable_login_failed');
      assert.equal(body.rp_id, RP_ID);
      assert.equal(body.credential_id, response.id);
      assert.doesNotMatch(body.error, /signal-gone/);
      const failures = await h.store.audit.list({
        appId: h.app.id,
        type: 'ceremony.failed',
        limit: 10,
      });
      assert.equal(failures[0]?.reason, 'credential_unknown');
    });

    it('adds nothing to other sign-in failures', async () => {
      const owner = new SoftwareAuthenticator();
      const started = await startRegister(h, await registerTransaction(h, 'signal-owner'));
      const response = await owner.createCredential({ options: started.options, origin: ORIGIN });
      assert.equal((await finishRegister(h, started, response)).statusCode, 200);
      const stranger = new SoftwareAuthenticator();
      const strangerStart = await startRegister(h, await registerTransaction(h, 'signal-stranger'));
      const strangerResponse = await stranger.createCredential({
        options: strangerStart.options,
        origin: ORIGIN,
      });
      assert.equal((await finishRegister(h, strangerStart, strangerResponse)).statusCode, 200);

      // The stranger's passkey in the owner's transaction: refused, with the bare error shape.
      const login = await startLogin(h, await authenticateTransaction(h, 'signal-owner'));
      const failed = await finishLogin(
        h,
        login,
        await stranger.getAssertion({
          options: login.options,
          origin: ORIGIN,
          credentialId: strangerResponse.id,
        }),
      );
      assert.equal(failed.statusCode, 401, failed.body);
      assert.deepEqual(Object.keys(failed.json()).sort(), ['code', 'error']);
      assert.equal(failed.json().code, 'webauthn_login_failed');
    });
  });
}
