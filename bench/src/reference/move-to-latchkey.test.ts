/**
 * A passkey registered with the naive reference server moves to latchkey without re-enrolment:
 * the reference's records are imported, the same authenticator signs in to latchkey, a clone
 * replaying a lower counter is refused, the credential stays out of another app, and importing
 * again changes nothing. On SQLite and, where configured, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { importPasskeys, readSimpleWebAuthnRecords } from '@latchkey/core';
import {
  databases,
  finishLogin,
  type Harness,
  openHarness,
  startLogin,
  verifyNonce,
} from '@latchkey/server/testing';
import type { FastifyInstance } from 'fastify';
import { buildReferenceServer, REFERENCE_RP } from './reference-server.ts';

const API_KEY = 'reference-backend-key';

async function post(server: FastifyInstance, url: string, body: unknown): Promise<any> {
  const res = await server.inject({
    method: 'POST',
    url,
    payload: body as Record<string, unknown>,
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

for (const db of databases()) {
  describe(`moving passkeys from the reference server to latchkey (${db.name})`, () => {
    let h: Harness;
    let reference: FastifyInstance;
    let app: { id: string; apiKey: string };
    let records: unknown;
    let credentialId: string;
    // Device-bound, so that a counter going backwards is refused rather than only flagged.
    const authenticator = new SoftwareAuthenticator({ backupEligible: false });

    before(async () => {
      h = await openHarness(db);
      reference = buildReferenceServer({ apiKey: API_KEY });
      const options = await post(reference, '/register/options', { username: 'ada' });
      const response = await authenticator.createCredential({
        options,
        origin: REFERENCE_RP.origin,
      });
      credentialId = response.id;
      await post(reference, '/register/verify', { username: 'ada', response });
      // Two sign-ins at the reference: the counter it hands over is 2.
      for (let i = 0; i < 2; i++) {
        const { transactionId } = await post(reference, '/transactions/authenticate', {
          username: 'ada',
        });
        const { handshakeId, options } = await post(reference, '/authenticate/start', {
          transactionId,
        });
        const assertion = await authenticator.getAssertion({
          options,
          origin: REFERENCE_RP.origin,
        });
        const { nonce } = await post(reference, '/authenticate/finish', {
          handshakeId,
          response: assertion,
        });
        assert.equal((await post(reference, '/authenticate/redeem', { nonce })).username, 'ada');
      }
      records = (await reference.inject({ method: 'GET', url: '/export' })).json();
      app = await h.newApp({ origins: [REFERENCE_RP.origin] });
    });
    after(async () => {
      await reference.close();
      await h.close();
    });

    /** A discoverable sign-in at an app with `signer`; the response, and the nonce's external id. */
    async function signIn(appId: string, signer: SoftwareAuthenticator) {
      const started = await startLogin(h, null, appId);
      const assertion = await signer.getAssertion({
        options: started.options,
        origin: REFERENCE_RP.origin,
        credentialId,
      });
      return finishLogin(h, started, assertion, appId);
    }

    it('imports the records: one user, one passkey, its counter and backup flags kept', async () => {
      const report = await importPasskeys(h.runtime, {
        appId: app.id,
        entries: readSimpleWebAuthnRecords(records),
      });
      assert.deepEqual(report.users, { created: 1, existing: 0, skipped: 0 });
      assert.deepEqual(report.passkeys, { imported: 1, alreadyPresent: 0, skipped: 0 });
      const stored = await h.store.credentials.findByCredentialId(app.id, credentialId);
      assert.equal(stored?.counter, 2);
      assert.equal(stored?.backupEligible, false);
    });

    it('signs the same authenticator in to latchkey, and the nonce names the imported user', async () => {
      const res = await signIn(app.id, authenticator);
      assert.equal(res.statusCode, 200, res.body);
      const verified = await verifyNonce(h, res.json().nonce, {
        appId: app.id,
        apiKey: app.apiKey,
      });
      assert.equal(verified.statusCode, 200, verified.body);
      assert.equal(verified.json().external_id, 'ada');
    });

    it('refuses a clone that replays a counter below the one carried over', async () => {
      const clone = new SoftwareAuthenticator({ backupEligible: false });
      // The clone was copied before the two reference sign-ins: it counts from 0.
      clone.importCredential({ ...authenticator.exportCredential(credentialId), signCount: 0 });
      const res = await signIn(app.id, clone);
      assert.equal(res.statusCode, 401, res.body);
      const failed = await h.store.audit.list({ appId: app.id, type: 'ceremony.failed', limit: 5 });
      assert.equal(failed[0]?.reason, 'counter_regression');
    });

    it('keeps the passkey out of another app: reported there, and no sign-in', async () => {
      const other = await h.newApp({ origins: [REFERENCE_RP.origin] });
      const report = await importPasskeys(h.runtime, {
        appId: other.id,
        entries: readSimpleWebAuthnRecords(records),
      });
      assert.deepEqual(report.skippedByReason, { credential_in_other_app: 1 });
      assert.equal(report.passkeys.imported, 0);
      const res = await signIn(other.id, authenticator);
      assert.notEqual(res.statusCode, 200);
    });

    it('changes nothing when the same records are imported again, and says so', async () => {
      const report = await importPasskeys(h.runtime, {
        appId: app.id,
        entries: readSimpleWebAuthnRecords(records),
      });
      assert.equal(report.changed, false);
      assert.deepEqual(report.passkeys, { imported: 0, alreadyPresent: 1, skipped: 0 });
      // The counter latchkey stored since (3) is not set back to the file's 2.
      const stored = await h.store.credentials.findByCredentialId(app.id, credentialId);
      assert.equal(stored?.counter, 3);
    });
  });
}
