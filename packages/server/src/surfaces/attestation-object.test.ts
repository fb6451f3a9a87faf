/**
 * An attestation object is the authenticator's exact bytes: one with bytes after its CBOR map is
 * refused on both surfaces, audited as a failed registration, and stores no passkey.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  auditEvents,
  databases,
  finishRegister,
  ORIGIN,
  registerTransaction,
  startRegister,
} from '../testing/harness.ts';
import { type ActionsHarness, openActionsHarness } from './actions/testing/actions-harness.ts';

const SUFFIXES = [Uint8Array.of(0x00), Uint8Array.of(0xa0), Uint8Array.of(0xff, 0xff)];

for (const db of databases()) {
  describe(`attestation objects with trailing bytes (${db.name})`, () => {
    let h: ActionsHarness;
    before(async () => {
      h = await openActionsHarness(db);
    });
    after(async () => {
      await h.close();
    });

    it('flex refuses them with 400 and audits a failed registration', async () => {
      for (const [i, suffix] of SUFFIXES.entries()) {
        const externalId = `trailing-${i}`;
        const authenticator = new SoftwareAuthenticator();
        for (const attestation of ['none', 'packed'] as const) {
          const started = await startRegister(h, await registerTransaction(h, externalId));
          const response = await authenticator.createCredential({
            options: started.options,
            origin: ORIGIN,
            attestation,
            overrides: { attestationObjectSuffix: suffix },
          });
          const res = await finishRegister(h, started, response);
          assert.equal(res.statusCode, 400, res.body);
          assert.deepEqual(res.json(), {
            code: 'invalid_request',
            error: 'the passkey could not be registered',
          });
        }
        const user = await h.store.users.findByExternalId(h.app.id, externalId);
        assert.equal(await h.store.credentials.countByUser(h.app.id, user?.id ?? ''), 0);
      }
      const failures = (await auditEvents(h, 'ceremony.failed')).filter(
        (e) => e.reason === 'malformed_response',
      );
      assert.equal(failures.length, SUFFIXES.length * 2);
    });

    it('flex still accepts the same authenticator without the suffix', async () => {
      const started = await startRegister(h, await registerTransaction(h, 'no-suffix'));
      const response = await new SoftwareAuthenticator().createCredential({
        options: started.options,
        origin: ORIGIN,
        attestation: 'packed',
      });
      assert.equal((await finishRegister(h, started, response)).statusCode, 200);
    });

    it('actions refuses them in its own shape', async () => {
      const tracked = await h.authsignal.track({
        userId: 'trailing-actions',
        action: 'enroll-passkey',
        attributes: { scope: 'add:authenticators' },
      });
      const added = await h.page().signUp({
        token: tracked.token,
        authenticator: new SoftwareAuthenticator(),
        overrides: { attestationObjectSuffix: Uint8Array.of(0) },
      });
      assert.equal(added.error, 'invalid_credential', JSON.stringify(added));
      assert.equal(added.errorCode, 'invalid_credential');
      assert.equal(added.errorDescription, 'the passkey could not be registered');
      const user = await h.authsignal.getUser({ userId: 'trailing-actions' });
      assert.equal(user.isEnrolled, false);
    });
  });
}
