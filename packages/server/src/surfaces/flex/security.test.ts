/**
 * The checks of security.md, rows 1–9, 11, 15 and 16, each proven over HTTP with the software
 * authenticator forging what an attacker would. Row 13 (parsers) lives in robustness.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  auditEvents,
  authenticateTransaction,
  databases,
  finishLogin,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerTransaction,
  registerUser,
  startLogin,
  startRegister,
  verifyNonce,
} from '../../testing/harness.ts';

for (const db of databases()) {
  describe(`security checks (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(async () => {
      await h.close();
    });

    async function signInStarted(externalId: string, authenticator?: SoftwareAuthenticator) {
      const registered = await registerUser(h, externalId, authenticator);
      const started = await startLogin(h, await authenticateTransaction(h, externalId));
      return { ...registered, started };
    }

    describe('row 1: ceremonies are single use, bound and expiring', () => {
      it('refuses a replayed authentication finish', async () => {
        const { authenticator, started } = await signInStarted('r1-replay');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        assert.equal((await finishLogin(h, started, assertion)).statusCode, 200);
        const replay = await finishLogin(h, started, assertion);
        assert.equal(replay.statusCode, 400);
        assert.equal(replay.json().code, 'invalid_request');
      });

      it('refuses a replayed registration finish', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r1-reg-replay'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 200);
        const replay = await finishRegister(h, started, response);
        assert.equal(replay.statusCode, 400);
        assert.equal(replay.json().code, 'invalid_request');
      });

      it('lets exactly one of 20 simultaneous finishes of one payload succeed', async () => {
        const { authenticator, started } = await signInStarted('r1-race');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const results = await Promise.all(
          Array.from({ length: 20 }, () => finishLogin(h, started, assertion)),
        );
        assert.equal(results.filter((r) => r.statusCode === 200).length, 1);
        assert.ok(results.every((r) => r.statusCode === 200 || r.statusCode === 400));
      });

      it('refuses an expired ceremony', async () => {
        const { authenticator, started } = await signInStarted('r1-expired');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        h.clock.advance(300 + 31);
        const res = await finishLogin(h, started, assertion);
        assert.equal(res.statusCode, 400);
        const failed = await auditEvents(h, 'ceremony.failed');
        assert.equal(failed[0]?.reason, 'ceremony_expired');
      });

      it('refuses a registration challenge replayed into an authentication', async () => {
        const { authenticator } = await registerUser(h, 'r1-kind');
        const started = await startRegister(h, await registerTransaction(h, 'r1-kind'));
        const login = await startLogin(h, null);
        const assertion = await authenticator.getAssertion({
          options: { ...login.options, challenge: started.options.challenge },
          origin: ORIGIN,
        });
        const res = await finishLogin(h, { ...login, handshakeId: started.handshakeId }, assertion);
        assert.equal(res.statusCode, 400);
        assert.equal(
          (await auditEvents(h, 'ceremony.failed'))[0]?.reason,
          'ceremony_kind_mismatch',
        );
      });

      it("refuses app A's ceremony finished at app B", async () => {
        const other = await h.newApp();
        const { authenticator, started } = await signInStarted('r1-cross-app');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const res = await finishLogin(h, started, assertion, other.id);
        assert.equal(res.statusCode, 400);
        assert.equal(
          (await finishLogin(h, started, assertion)).statusCode,
          200,
          'B could not burn it either',
        );
      });

      it('burns the ceremony on a failed attempt', async () => {
        const { authenticator, started } = await signInStarted('r1-burn');
        const bad = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          overrides: { corruptSignature: true },
        });
        assert.equal((await finishLogin(h, started, bad)).statusCode, 401);
        const good = await authenticator.getAssertion({ options: started.options, origin: ORIGIN });
        const res = await finishLogin(h, started, good);
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'invalid_request');
      });

      it('uses a transaction once, and only for its kind', async () => {
        const transactionId = await registerTransaction(h, 'r1-tx');
        assert.equal(
          (
            await h.browser('/authenticate/transactions/webauthn/start', {
              transaction_id: transactionId,
            })
          ).statusCode,
          400,
        );
        await startRegister(h, transactionId);
        const again = await h.browser('/register/transactions/webauthn/start', {
          transaction_id: transactionId,
        });
        assert.equal(again.statusCode, 400);
        assert.equal(again.json().code, 'invalid_request');
      });

      it('refuses an expired transaction', async () => {
        const transactionId = await registerTransaction(h, 'r1-tx-expired');
        h.clock.advance(301);
        const res = await h.browser('/register/transactions/webauthn/start', {
          transaction_id: transactionId,
        });
        assert.equal(res.statusCode, 400);
      });
    });

    describe('row 2: client data is checked exactly', () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['an evil origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
        [
          'a suffix-extended origin',
          { origin: 'https://bank.example.evil.example' },
          'origin_mismatch',
        ],
        ['http for https', { origin: 'http://bank.example' }, 'origin_mismatch'],
        ['a wrong port', { origin: 'https://bank.example:8443' }, 'origin_mismatch'],
        ['a swapped type', { type: 'webauthn.create' }, 'type_mismatch'],
        [
          'another challenge',
          { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
          'challenge_mismatch',
        ],
        ['crossOrigin true', { crossOrigin: true }, 'cross_origin'],
      ];
      for (const [name, overrides, reason] of cases) {
        it(`refuses an assertion with ${name}`, async () => {
          const { authenticator, started } = await signInStarted(`r2-get-${reason}-${name.length}`);
          const assertion = await authenticator.getAssertion({
            options: started.options,
            origin: ORIGIN,
            overrides,
          });
          const res = await finishLogin(h, started, assertion);
          assert.equal(res.statusCode, 401);
          assert.equal(res.json().code, 'webauthn_login_failed');
          assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, reason);
        });
      }
      for (const [name, overrides, reason] of cases) {
        const registrationOverrides =
          reason === 'type_mismatch' ? { type: 'webauthn.get' } : overrides;
        it(`refuses a registration with ${name}`, async () => {
          const started = await startRegister(
            h,
            await registerTransaction(h, `r2-create-${reason}-${name.length}`),
          );
          const response = await new SoftwareAuthenticator().createCredential({
            options: started.options,
            origin: ORIGIN,
            overrides: registrationOverrides,
          });
          const res = await finishRegister(h, started, response);
          assert.equal(res.statusCode, 400);
          assert.equal(res.json().code, 'invalid_request');
          assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, reason);
        });
      }

      it('accepts crossOrigin true where the app allows it', async () => {
        const hx = await h.newApp({ policy: { allowCrossOrigin: true } });
        const started = await startRegister(
          h,
          await registerTransaction(h, 'r2-cross-ok', hx.id, hx.apiKey),
          hx.id,
        );
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { crossOrigin: true },
        });
        assert.equal((await finishRegister(h, started, response, hx.id)).statusCode, 200);
      });
    });

    describe('row 3: the RP ID hash', () => {
      it('refuses authenticator data signed for another RP ID', async () => {
        const { authenticator, started } = await signInStarted('r3');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          overrides: { rpId: 'evil.example' },
        });
        const res = await finishLogin(h, started, assertion);
        assert.equal(res.statusCode, 401);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'rp_id_mismatch');
      });

      it('refuses a registration for another RP ID', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r3-reg'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { rpId: 'evil.example' },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 400);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'rp_id_mismatch');
      });
    });

    describe('row 4: user presence and verification', () => {
      it('refuses an assertion without user presence', async () => {
        const { authenticator, started } = await signInStarted('r4-up');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { up: false } },
        });
        assert.equal((await finishLogin(h, started, assertion)).statusCode, 401);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'user_not_present');
      });

      it('refuses a registration without user presence', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r4-up-reg'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { up: false } },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 400);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'user_not_present');
      });

      it('refuses an assertion without user verification where UV is required', async () => {
        const { authenticator, started } = await signInStarted('r4-uv');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { uv: false } },
        });
        assert.equal((await finishLogin(h, started, assertion)).statusCode, 401);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'user_not_verified');
      });

      it('refuses a registration without user verification where UV is required', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r4-uv-reg'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { uv: false } },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 400);
      });

      it('accepts UV=0 where the app only prefers verification', async () => {
        const app = await h.newApp({ policy: { userVerification: 'preferred' } });
        const started = await startRegister(
          h,
          await registerTransaction(h, 'r4-pref', app.id, app.apiKey),
          app.id,
        );
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { uv: false } },
        });
        assert.equal((await finishRegister(h, started, response, app.id)).statusCode, 200);
      });
    });

    describe('row 5: policy holds on the response', () => {
      it('refuses a credential with an algorithm the app does not allow', async () => {
        const app = await h.newApp({ policy: { algorithms: ['ES256'] } });
        const started = await startRegister(
          h,
          await registerTransaction(h, 'r5-alg', app.id, app.apiKey),
          app.id,
        );
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          algorithm: 'EdDSA',
        });
        const res = await finishRegister(h, started, response, app.id);
        assert.equal(res.statusCode, 400);
        assert.equal(
          (await auditEvents(h, 'ceremony.failed', app.id))[0]?.reason,
          'algorithm_not_allowed',
        );
      });

      it('registers EdDSA and RS256 credentials and signs in with them', async () => {
        for (const algorithm of ['EdDSA', 'RS256'] as const) {
          const authenticator = new SoftwareAuthenticator();
          const started = await startRegister(h, await registerTransaction(h, `r5-${algorithm}`));
          const response = await authenticator.createCredential({
            options: started.options,
            origin: ORIGIN,
            algorithm,
          });
          assert.equal((await finishRegister(h, started, response)).statusCode, 200);
          const login = await startLogin(h, await authenticateTransaction(h, `r5-${algorithm}`));
          const res = await finishLogin(
            h,
            login,
            await authenticator.getAssertion({ options: login.options, origin: ORIGIN }),
          );
          assert.equal(res.statusCode, 200, `${algorithm}: ${res.body}`);
        }
      });

      it('refuses a non-discoverable credential where the app requires resident keys', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r5-rk'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { clientExtensionResults: { credProps: { rk: false } } },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 400);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'resident_key_missing');
      });

      it('refuses attestation "none" where the app requires direct attestation', async () => {
        const app = await h.newApp({ policy: { attestation: 'direct' } });
        const started = await startRegister(
          h,
          await registerTransaction(h, 'r5-att', app.id, app.apiKey),
          app.id,
        );
        assert.equal(started.options.attestation, 'direct');
        const none = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          attestation: 'none',
        });
        assert.equal((await finishRegister(h, started, none, app.id)).statusCode, 400);
        const again = await startRegister(
          h,
          await registerTransaction(h, 'r5-att', app.id, app.apiKey),
          app.id,
        );
        const packed = await new SoftwareAuthenticator().createCredential({
          options: again.options,
          origin: ORIGIN,
          attestation: 'packed',
        });
        assert.equal((await finishRegister(h, again, packed, app.id)).statusCode, 200);
      });

      it('treats authenticatorAttachment as advice: leaving it out changes nothing', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r5-attach'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { authenticatorAttachment: undefined },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 200);
      });
    });

    describe('row 6: a credential belongs to one user of one app', () => {
      it("refuses user B's credential in user A's transaction", async () => {
        await registerUser(h, 'r6-a');
        const b = await registerUser(h, 'r6-b');
        const started = await startLogin(h, await authenticateTransaction(h, 'r6-a'));
        const assertion = await b.authenticator.getAssertion({
          options: { ...started.options, allowCredentials: [] },
          origin: ORIGIN,
          credentialId: b.credentialId,
        });
        const res = await finishLogin(h, started, assertion);
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().code, 'webauthn_login_failed');
        assert.equal(
          (await auditEvents(h, 'ceremony.failed'))[0]?.reason,
          'credential_not_allowed',
        );
      });

      it('refuses registering a credential id twice', async () => {
        const first = await registerUser(h, 'r6-dup');
        const started = await startRegister(h, await registerTransaction(h, 'r6-dup-2'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { credentialId: first.credentialId },
        });
        const res = await finishRegister(h, started, response);
        assert.equal(res.statusCode, 409);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'credential_exists');
      });

      it("keeps app A's users and devices out of app B's reach", async () => {
        const other = await h.newApp();
        const { authenticator } = await registerUser(h, 'r6-iso');
        const user = (await h.manage('GET', '/users?identifier=r6-iso&limit=1')).json().users[0];
        const device = (await h.manage('GET', `/users/${user.id}/devices`)).json().devices[0];
        const asB = { appId: other.id, apiKey: other.apiKey };
        assert.deepEqual(
          (await h.manage('GET', '/users?identifier=r6-iso&limit=1', undefined, asB)).json().users,
          [],
        );
        assert.equal((await h.manage('GET', `/users/${user.id}`, undefined, asB)).statusCode, 404);
        assert.equal(
          (await h.manage('GET', `/users/${user.id}/devices`, undefined, asB)).statusCode,
          404,
        );
        assert.equal(
          (await h.manage('DELETE', `/users/${user.id}/devices/${device.id}`, undefined, asB))
            .statusCode,
          404,
        );
        const res = await h.manage(
          'POST',
          '/transactions/authenticate',
          { external_id: 'r6-iso' },
          asB,
        );
        assert.equal(res.statusCode, 409);
        const started = await startLogin(h, null, other.id);
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
        });
        const login = await finishLogin(h, started, assertion, other.id);
        assert.equal(login.statusCode, 401);
        assert.equal(login.json().code, 'discoverable_login_failed');
        assert.equal((await h.manage('GET', `/users/${user.id}/devices`)).json().devices.length, 1);
      });

      it('answers discoverable_login_failed for an unknown credential without a transaction', async () => {
        const stranger = new SoftwareAuthenticator();
        const other = await h.newApp();
        await registerUser(
          {
            ...h,
            app: other,
            manage: (m, p, b, o) =>
              h.manage(m, p, b, { appId: other.id, apiKey: other.apiKey, ...o }),
            browser: (p, b, o) => h.browser(p, b, { appId: other.id, ...o }),
          },
          'stranger',
          stranger,
        );
        const started = await startLogin(h, null);
        const res = await finishLogin(
          h,
          started,
          await stranger.getAssertion({ options: started.options, origin: ORIGIN }),
        );
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().code, 'discoverable_login_failed');
      });
    });

    describe('row 7: the signature counter', () => {
      async function deviceBound(externalId: string) {
        const authenticator = new SoftwareAuthenticator({
          backupEligible: false,
          backupState: false,
        });
        return registerUser(h, externalId, authenticator);
      }
      async function login(
        externalId: string,
        authenticator: SoftwareAuthenticator,
        signCount: number,
      ) {
        const started = await startLogin(h, await authenticateTransaction(h, externalId));
        return finishLogin(
          h,
          started,
          await authenticator.getAssertion({
            options: started.options,
            origin: ORIGIN,
            overrides: { signCount },
          }),
        );
      }
      async function storedCounter(credentialId: string): Promise<number | undefined> {
        return (await h.store.credentials.findByCredentialId(h.app.id, credentialId))?.counter;
      }

      it('stores 10 after 3', async () => {
        const { authenticator, credentialId } = await deviceBound('r7-up');
        assert.equal((await login('r7-up', authenticator, 3)).statusCode, 200);
        assert.equal(await storedCounter(credentialId), 3);
        assert.equal((await login('r7-up', authenticator, 10)).statusCode, 200);
        assert.equal(await storedCounter(credentialId), 10);
      });

      it('refuses 5 after 10 on a device-bound credential', async () => {
        const { authenticator, credentialId } = await deviceBound('r7-down');
        assert.equal((await login('r7-down', authenticator, 10)).statusCode, 200);
        const res = await login('r7-down', authenticator, 5);
        assert.equal(res.statusCode, 401);
        assert.equal(await storedCounter(credentialId), 10);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'counter_regression');
        assert.equal(
          (await login('r7-down', authenticator, 10)).statusCode,
          401,
          'equal is a regression too',
        );
      });

      it('accepts 0 after 0 (synced passkeys without a counter) and still records the use', async () => {
        const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
        const { credentialId } = await registerUser(h, 'r7-zero', authenticator);
        assert.equal((await login('r7-zero', authenticator, 0)).statusCode, 200);
        assert.equal((await login('r7-zero', authenticator, 0)).statusCode, 200);
        const row = await h.store.credentials.findByCredentialId(h.app.id, credentialId);
        assert.equal(row?.counter, 0);
        assert.equal(row?.usageCount, 2);
      });

      it('flags, and accepts, a regression where the app chose to flag', async () => {
        const app = await h.newApp({ policy: { counterPolicy: 'flag' } });
        const scoped = {
          ...h,
          app,
          manage: (m: 'GET' | 'POST' | 'DELETE', p: string, b?: unknown, o = {}) =>
            h.manage(m, p, b, { appId: app.id, apiKey: app.apiKey, ...o }),
          browser: (p: string, b?: unknown, o = {}) => h.browser(p, b, { appId: app.id, ...o }),
        };
        const authenticator = new SoftwareAuthenticator({
          backupEligible: false,
          backupState: false,
        });
        await registerUser(scoped, 'r7-flag', authenticator);
        for (const signCount of [10, 5]) {
          const started = await startLogin(
            scoped,
            await authenticateTransaction(scoped, 'r7-flag'),
          );
          const res = await finishLogin(
            scoped,
            started,
            await authenticator.getAssertion({
              options: started.options,
              origin: ORIGIN,
              overrides: { signCount },
            }),
          );
          assert.equal(res.statusCode, 200);
        }
        assert.equal((await auditEvents(h, 'credential.counter_flagged', app.id)).length, 1);
      });

      it('flags a regression on a synced passkey instead of locking the user out', async () => {
        const authenticator = new SoftwareAuthenticator();
        await registerUser(h, 'r7-synced', authenticator);
        assert.equal((await login('r7-synced', authenticator, 10)).statusCode, 200);
        assert.equal((await login('r7-synced', authenticator, 5)).statusCode, 200);
        const flagged = await auditEvents(h, 'credential.counter_flagged');
        assert.ok(flagged.length >= 1);
      });
    });

    describe('row 8: backup flags', () => {
      it('refuses BS=1 with BE=0', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'r8-bs'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { be: false, bs: true } },
        });
        assert.equal((await finishRegister(h, started, response)).statusCode, 400);
        assert.equal((await auditEvents(h, 'ceremony.failed'))[0]?.reason, 'backup_flags_invalid');
      });

      it('refuses a change of backup eligibility after registration', async () => {
        const { authenticator, started } = await signInStarted('r8-flip');
        const assertion = await authenticator.getAssertion({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { be: false, bs: false } },
        });
        assert.equal((await finishLogin(h, started, assertion)).statusCode, 401);
        assert.equal(
          (await auditEvents(h, 'ceremony.failed'))[0]?.reason,
          'backup_eligibility_changed',
        );
      });

      it('stores a change of backup state', async () => {
        const authenticator = new SoftwareAuthenticator({
          backupEligible: true,
          backupState: false,
        });
        const { credentialId } = await registerUser(h, 'r8-state', authenticator);
        const started = await startLogin(h, await authenticateTransaction(h, 'r8-state'));
        await finishLogin(
          h,
          started,
          await authenticator.getAssertion({
            options: started.options,
            origin: ORIGIN,
            overrides: { flags: { bs: true } },
          }),
        );
        assert.equal(
          (await h.store.credentials.findByCredentialId(h.app.id, credentialId))?.backupState,
          true,
        );
      });
    });

    describe('row 9: nonces', () => {
      it('redeems a nonce once', async () => {
        const { nonce } = await registerUser(h, 'r9-once');
        assert.equal((await verifyNonce(h, nonce)).statusCode, 200);
        const again = await verifyNonce(h, nonce);
        assert.equal(again.statusCode, 401);
        assert.deepEqual(again.json(), {
          code: 'invalid_nonce',
          error: 'nonce is invalid, expired, or cannot be found',
        });
        assert.equal((await auditEvents(h, 'nonce.rejected')).length >= 1, true);
      });

      it('lets exactly one of 20 concurrent redemptions succeed', async () => {
        const { nonce } = await registerUser(h, 'r9-race');
        const results = await Promise.all(Array.from({ length: 20 }, () => verifyNonce(h, nonce)));
        assert.equal(results.filter((r) => r.statusCode === 200).length, 1);
        assert.equal(results.filter((r) => r.statusCode === 401).length, 19);
      });

      it('refuses an expired nonce', async () => {
        const { nonce } = await registerUser(h, 'r9-expired');
        h.clock.advance(121);
        const res = await verifyNonce(h, nonce);
        assert.equal(res.statusCode, 401);
      });

      it("refuses app A's nonce at app B", async () => {
        const other = await h.newApp();
        const { nonce } = await registerUser(h, 'r9-cross');
        assert.equal(
          (await verifyNonce(h, nonce, { appId: other.id, apiKey: other.apiKey })).statusCode,
          401,
        );
        assert.equal((await verifyNonce(h, nonce)).statusCode, 200);
      });

      it('stores nonces only as hashes, 256 random bits each', async () => {
        const { nonce } = await registerUser(h, 'r9-hash');
        assert.equal(Buffer.from(nonce, 'base64url').length, 32);
        const redeemed = (await auditEvents(h, 'nonce.redeemed')).length;
        assert.equal(
          await h.store.nonces.consume(h.app.id, nonce, h.clock.now()),
          null,
          'the plain nonce is not a key',
        );
        assert.equal((await auditEvents(h, 'nonce.redeemed')).length, redeemed);
      });
    });

    describe('row 11: API keys', () => {
      it('answers 401 invalid_access_token for a missing, malformed, unknown or foreign key', async () => {
        const other = await h.newApp();
        for (const apiKey of [null, 'nope', 'lk_x.y', `${h.app.apiKey}x`, other.apiKey]) {
          const res = await h.manage(
            'POST',
            '/transactions/register',
            { external_id: 'k', passkey_display_name: 'k' },
            { apiKey },
          );
          assert.equal(res.statusCode, 401, String(apiKey));
          assert.deepEqual(res.json(), {
            code: 'invalid_access_token',
            error: 'Invalid access token',
          });
        }
        assert.ok((await auditEvents(h, 'api_key.rejected')).length >= 5);
      });

      it('refuses a revoked key', async () => {
        const app = await h.newApp();
        const { revokeApiKey } = await import('@latchkey/core');
        const keyId = app.apiKey.slice(3, app.apiKey.indexOf('.'));
        await revokeApiKey(h.runtime, { appId: app.id, keyId });
        const res = await h.manage('GET', '/users?limit=1', undefined, {
          appId: app.id,
          apiKey: app.apiKey,
        });
        assert.equal(res.statusCode, 401);
        assert.equal((await auditEvents(h, 'api_key.revoked', app.id)).length, 1);
      });

      it('keeps no usable key in the database', async () => {
        const secret = h.app.apiKey.slice(h.app.apiKey.indexOf('.') + 1);
        const keys = await h.store.apiKeys.listByApp(h.app.id);
        const dump = JSON.stringify(keys);
        assert.ok(!dump.includes(secret));
        assert.ok(!dump.includes(h.app.apiKey));
      });
    });

    describe('row 15: no account enumeration', () => {
      it('answers alike for an unknown user and a user without passkeys', async () => {
        await registerTransaction(h, 'r15-known');
        const known = await h.manage('POST', '/transactions/authenticate', {
          external_id: 'r15-known',
        });
        const unknown = await h.manage('POST', '/transactions/authenticate', {
          external_id: 'r15-unknown',
        });
        assert.equal(known.statusCode, unknown.statusCode);
        assert.deepEqual(known.json(), unknown.json());
        assert.ok(!known.body.includes('r15'));
      });

      it('names no user in a failed sign-in', async () => {
        await registerUser(h, 'r15-victim');
        const attacker = await registerUser(h, 'r15-attacker');
        const started = await startLogin(h, await authenticateTransaction(h, 'r15-victim'));
        const res = await finishLogin(
          h,
          started,
          await attacker.authenticator.getAssertion({
            options: { ...started.options, allowCredentials: [] },
            origin: ORIGIN,
          }),
        );
        assert.ok(!res.body.includes('r15'));
      });
    });

    describe('row 16: the audit log', () => {
      it('records a successful registration and sign-in with request facts', async () => {
        const before = (await auditEvents(h, 'ceremony.succeeded')).length;
        await registerUser(h, 'r16');
        const events = await h.store.audit.list({ appId: h.app.id, limit: 20 });
        const types = events.map((e) => e.type);
        for (const type of [
          'transaction.created',
          'ceremony.started',
          'credential.registered',
          'ceremony.succeeded',
        ]) {
          assert.ok(types.includes(type as never), type);
        }
        assert.equal((await auditEvents(h, 'ceremony.succeeded')).length, before + 1);
        const withIp = events.find((e) => e.type === 'ceremony.started');
        assert.ok(withIp?.ip);
        assert.ok(withIp?.requestId);
      });
    });
  });
}
