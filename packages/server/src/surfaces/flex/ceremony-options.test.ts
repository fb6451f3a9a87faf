/**
 * Ceremony options over HTTP with the software authenticator: WebAuthn hints (the app's default
 * and a transaction's or a start's own), the automatic passkey upgrade (a conditional create,
 * the one ceremony whose response may lack user presence), and PRF (recorded as enabled, its
 * outputs kept nowhere, its last credential not revoked unawares).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { sql } from 'kysely';
import {
  auditEvents,
  databases,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerTransaction,
  startRegister,
} from '../../testing/harness.ts';

/** Every table a secret could end up in, dumped as text. */
async function dumpStore(h: Harness): Promise<string> {
  const tables = ['users', 'credentials', 'ceremonies', 'transactions', 'nonces', 'audit_events'];
  let text = '';
  for (const table of tables) {
    const { rows } = await sql`SELECT * FROM ${sql.table(table)}`.execute(h.store.db);
    text += JSON.stringify(rows);
  }
  return text;
}

for (const db of databases()) {
  describe(`ceremony options (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db, { policy: { hints: ['client-device'] } });
    });
    after(() => h.close());

    async function upgradeTransaction(externalId: string): Promise<string> {
      const res = await h.manage('POST', '/transactions/register', {
        external_id: externalId,
        passkey_display_name: externalId,
        upgrade: true,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().transaction_id;
    }

    describe('hints', () => {
      it("sends the app's hints, a transaction's own instead, and a start's own before both", async () => {
        const byPolicy = await startRegister(h, await registerTransaction(h, 'hints-policy'));
        assert.deepEqual(byPolicy.options.hints, ['client-device']);

        const res = await h.manage('POST', '/transactions/register', {
          external_id: 'hints-tx',
          passkey_display_name: 'hints-tx',
          hints: ['security-key', 'hybrid'],
        });
        const byTransaction = await startRegister(h, res.json().transaction_id);
        assert.deepEqual(byTransaction.options.hints, ['security-key', 'hybrid']);

        const tx = await registerTransaction(h, 'hints-start');
        const started = await h.browser('/register/transactions/webauthn/start', {
          transaction_id: tx,
          hints: ['hybrid'],
        });
        assert.deepEqual(started.json().handshake.challenge.publicKey.hints, ['hybrid']);

        const login = await h.browser('/authenticate/transactions/webauthn/start', {
          hints: ['security-key'],
        });
        assert.deepEqual(login.json().handshake.challenge.publicKey.hints, ['security-key']);
      });

      it('refuses a hint outside the vocabulary, or a repeated one, with 400 and no transaction', async () => {
        for (const hints of [['usb'], ['hybrid', 'hybrid'], 'hybrid']) {
          const res = await h.manage('POST', '/transactions/register', {
            external_id: 'hints-bad',
            passkey_display_name: 'hints-bad',
            hints,
          });
          assert.equal(res.statusCode, 400, JSON.stringify(hints));
          assert.equal(res.json().code, 'invalid_request');
        }
        const user = await h.store.users.findByExternalId(h.app.id, 'hints-bad');
        assert.equal(user, null, 'nothing was created');
        const start = await h.browser('/authenticate/transactions/webauthn/start', {
          hints: ['platform'],
        });
        assert.equal(start.statusCode, 400);
      });

      it("refuses a policy with an unknown hint, and sends none where the app's list is empty", async () => {
        const app = await h.newApp({ policy: { hints: [] } });
        const started = await startRegister(
          h,
          await registerTransaction(h, 'no-hints', app.id, app.apiKey),
          app.id,
        );
        assert.equal('hints' in started.options, false);
        await assert.rejects(h.newApp({ policy: { hints: ['usb' as never] } }), /hints/);
      });
    });

    describe('automatic passkey upgrade (conditional create)', () => {
      it('asks the browser for a conditional create, accepts UP=0 and records the upgrade', async () => {
        const started = await h.browser('/register/transactions/webauthn/start', {
          transaction_id: await upgradeTransaction('upgrade-ok'),
        });
        assert.equal(started.json().handshake.mediation, 'conditional');
        const body = started.json();
        const response = await new SoftwareAuthenticator().createCredential({
          options: body.handshake.challenge.publicKey,
          origin: ORIGIN,
          overrides: { flags: { up: false } },
        });
        const finished = await finishRegister(
          h,
          {
            handshakeId: body.handshake.id,
            options: body.handshake.challenge.publicKey,
            transactionId: body.transaction_id,
          },
          response,
        );
        assert.equal(finished.statusCode, 200, finished.body);
        const stored = await h.store.credentials.findByCredentialId(h.app.id, response.id);
        assert.equal(stored?.createdByUpgrade, true);
        const [registered] = await auditEvents(h, 'credential.registered');
        assert.equal(registered?.data?.upgrade, true);
      });

      it('refuses UP=0 in a registration that was not created as an upgrade', async () => {
        const started = await startRegister(h, await registerTransaction(h, 'upgrade-not'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { up: false } },
        });
        const res = await finishRegister(h, started, response);
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'invalid_request');
        assert.equal(await h.store.credentials.findByCredentialId(h.app.id, response.id), null);
        const [failed] = await auditEvents(h, 'ceremony.failed');
        assert.equal(failed?.reason, 'user_not_present');
      });

      it('still requires user verification in an upgrade where the policy does', async () => {
        const started = await startRegister(h, await upgradeTransaction('upgrade-no-uv'));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { flags: { up: false, uv: false } },
        });
        const res = await finishRegister(h, started, response);
        assert.equal(res.statusCode, 400);
        const [failed] = await auditEvents(h, 'ceremony.failed');
        assert.equal(failed?.reason, 'user_not_verified');
        assert.equal(failed?.data?.upgrade, true);
      });

      it('counts creations by mode and outcome in /metrics', async () => {
        const text = (await h.server.inject({ method: 'GET', url: '/metrics' })).body;
        const count = (mode: string, outcome: string) => {
          const line = text
            .split('\n')
            .find((l) =>
              l.startsWith(`latchkey_passkey_creations_total{mode="${mode}",outcome="${outcome}"}`),
            );
          return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
        };
        assert.ok(count('upgrade', 'succeeded') >= 1);
        assert.ok(count('upgrade', 'failed') >= 1);
        assert.ok(count('prompt', 'failed') >= 1);
        assert.ok(count('prompt', 'started') >= count('prompt', 'failed'));
      });
    });

    describe('PRF', () => {
      const SECRET = 'cHJmLXJlc3VsdC1uZXZlci1zdG9yZWQtMzItYnl0ZXM';

      async function registerWithPrf(externalId: string, prf: Record<string, unknown>) {
        const started = await startRegister(h, await registerTransaction(h, externalId));
        const response = await new SoftwareAuthenticator().createCredential({
          options: started.options,
          origin: ORIGIN,
          overrides: { clientExtensionResults: { credProps: { rk: true }, prf } },
        });
        const res = await finishRegister(h, started, response);
        assert.equal(res.statusCode, 200, res.body);
        return response.id;
      }

      async function devices(externalId: string) {
        const user = await h.store.users.findByExternalId(h.app.id, externalId);
        const res = await h.manage('GET', `/users/${user?.id}/devices`);
        return { userId: user?.id ?? '', devices: res.json().devices as Record<string, unknown>[] };
      }

      it('records prf.enabled per credential and keeps no PRF output a client sends', async () => {
        await registerWithPrf('prf-ada', { enabled: true, results: { first: SECRET } });
        await registerWithPrf('prf-ada', { enabled: false });
        const listed = await devices('prf-ada');
        assert.deepEqual(
          listed.devices.map((d) => d.prf_enabled),
          [true, false],
        );
        assert.equal((await dumpStore(h)).includes(SECRET), false, 'the PRF output is stored');
      });

      it("refuses to revoke a user's last PRF passkey unless the loss is acknowledged", async () => {
        await registerWithPrf('prf-last', { enabled: true });
        const {
          userId,
          devices: [device],
        } = await devices('prf-last');
        const path = `/users/${userId}/devices/${device?.id}`;
        const refused = await h.manage('DELETE', path);
        assert.equal(refused.statusCode, 409);
        assert.equal(refused.json().code, 'operation_not_allowed');
        assert.match(refused.json().error, /acknowledge_prf_loss/);
        assert.equal((await devices('prf-last')).devices.length, 1, 'nothing was revoked');
        const revoked = await h.manage('DELETE', `${path}?acknowledge_prf_loss=true`);
        assert.equal(revoked.statusCode, 200);
        assert.equal((await devices('prf-last')).devices.length, 0);
        const [event] = await auditEvents(h, 'credential.revoked');
        assert.equal(event?.data?.prfEnabled, true);
      });

      it('revokes a PRF passkey without asking while another PRF passkey remains', async () => {
        await registerWithPrf('prf-two', { enabled: true });
        await registerWithPrf('prf-two', { enabled: true });
        const { userId, devices: both } = await devices('prf-two');
        const res = await h.manage('DELETE', `/users/${userId}/devices/${both[0]?.id}`);
        assert.equal(res.statusCode, 200);
        const last = await h.manage('DELETE', `/users/${userId}/devices/${both[1]?.id}`);
        assert.equal(last.statusCode, 409);
      });
    });
  });
}
