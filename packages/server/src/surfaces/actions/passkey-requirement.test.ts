/**
 * Authenticator facts in step-up (docs/actions.md, "Which passkey may meet the challenge"): the
 * `passkeys.*` rule variables, an action code's or a track's passkey requirement narrowing
 * `allowCredentials` and checked again at verify, and `validate` naming the passkey that met it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestRoot,
  issueAttestationCertificate,
  issueMetadataSigner,
  metadataEntry,
  metadataStatement,
  SoftwareAuthenticator,
  signMetadataBlob,
} from '@latchkey/authenticator';
import { loadAuthenticatorMetadata } from '@latchkey/core';
import { auditEvents, databases } from '../../testing/harness.ts';
import { type ActionsHarness, enroll, openActionsHarness } from './testing/actions-harness.ts';

const KEY_AAGUID = '5ca1ab1e-0000-4000-8000-00000000c003';
const WIRE = 'wire-transfer';

for (const db of databases()) {
  describe(`passkey requirements and facts in step-up (${db.name})`, () => {
    let h: ActionsHarness;
    let synced: SoftwareAuthenticator;
    let securityKey: SoftwareAuthenticator;
    let attestedKey: SoftwareAuthenticator;
    before(async () => {
      h = await openActionsHarness(db);
      // bob: a synced passkey first, then a device-bound security key.
      synced = await enroll(h, 'bob');
      securityKey = await enroll(h, 'bob', new SoftwareAuthenticator({ backupEligible: false }));
      await enroll(h, 'sam');
      // carol: a security key whose attestation verifies against loaded FIDO metadata.
      const mdsRoot = await createTestRoot('CN=Latchkey Test MDS Root');
      const attestationRoot = await createTestRoot('CN=Latchkey Test Attestation Root');
      const blob = signMetadataBlob({
        signer: await issueMetadataSigner(mdsRoot),
        no: 1,
        nextUpdate: '2099-01-01',
        entries: [
          metadataEntry({
            aaguid: KEY_AAGUID,
            statement: metadataStatement({
              aaguid: KEY_AAGUID,
              description: 'Latchkey Test Key',
              roots: [attestationRoot.base64],
            }),
          }),
        ],
      });
      await loadAuthenticatorMetadata(h.runtime, { blob, trustedRoots: [mdsRoot.pem] });
      attestedKey = new SoftwareAuthenticator({
        aaguid: KEY_AAGUID,
        backupEligible: false,
        attestationCertificate: await issueAttestationCertificate({
          root: attestationRoot,
          aaguid: KEY_AAGUID,
        }),
      });
      await enroll(h, 'carol', attestedKey, 'packed');
      const set = await h.setRules(WIRE, {
        defaultOutcome: 'CHALLENGE',
        passkeyRequirement: { deviceBound: true },
      });
      assert.equal(set.status, 200, await set.text());
    });
    after(async () => {
      await h.close();
    });

    const track = (userId: string, action = WIRE, extra: Record<string, unknown> = {}) =>
      h.authsignal.track({ userId, action, attributes: { custom: { amount: 1 }, ...extra } });

    it('offers only the passkeys that meet the action code requirement', async () => {
      const tracked = await track('bob');
      assert.equal(tracked.state, 'CHALLENGE_REQUIRED');
      const options = await h.page().authenticationOptions(tracked.token);
      const offered = options.options.allowCredentials.map((c: { id: string }) => c.id);
      const held = await h.authsignal.getAuthenticators({ userId: 'bob' });
      const bound = held?.filter(
        (a) => a.webauthnCredential?.credentialDeviceType === 'singleDevice',
      );
      assert.equal(held?.length, 2);
      assert.deepEqual(
        offered,
        bound?.map((a) => a.webauthnCredential?.credentialId),
      );
    });

    it('refuses at verify a passkey that does not meet it, even when the client sends one', async () => {
      const tracked = await track('bob');
      const page = h.page();
      const started = await page.authenticationOptions(tracked.token);
      // A client that ignores allowCredentials and answers with the synced passkey.
      const { allowCredentials: _offered, ...rest } = started.options;
      const assertion = await synced.getAssertion({ options: rest, origin: page.origin });
      const refused = await page.verify(tracked.token, started.challengeId, assertion);
      assert.equal(refused.error, 'invalid_credential');
      const [failed] = await auditEvents(h, 'ceremony.failed');
      assert.equal(failed?.reason, 'passkey_requirement_unmet');
      const validated = await h.authsignal.validateChallenge({ token: tracked.token });
      assert.equal(validated.isValid, false);
    });

    it('names the passkey that met the challenge, with its facts, in validate', async () => {
      const tracked = await track('bob');
      const verified = await h.page().signIn({ token: tracked.token, authenticator: securityKey });
      assert.equal(verified.isVerified, true, JSON.stringify(verified));
      const res = await fetch(`${h.baseUrl}/validate`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${h.app.apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ token: verified.accessToken }),
      });
      const body = (await res.json()) as Record<string, any>;
      assert.equal(body.isValid, true);
      assert.deepEqual(body.passkeyRequirement, { deviceBound: true, attested: false });
      assert.equal(body.verifiedPasskey.userAuthenticatorId, body.verifiedByAuthenticatorId);
      assert.equal(body.verifiedPasskey.deviceBound, true);
      assert.equal(body.verifiedPasskey.aaguidAttested, false);
      assert.equal(body.verifiedPasskey.userVerified, true);
      const stored = await h.store.credentials.findById(
        h.app.id,
        body.verifiedPasskey.userAuthenticatorId,
      );
      assert.equal(body.verifiedPasskey.credentialId, stored?.credentialId);
    });

    it('lets a track add a requirement, refusing a user with no passkey that meets it', async () => {
      const tracked = await track('bob', 'pay', { passkeyRequirement: { attested: true } });
      const options = await h.page().authenticationOptions(tracked.token);
      assert.equal(options.error, 'invalid_request');
      const carol = await track('carol', 'pay', { passkeyRequirement: { attested: true } });
      const verified = await h.page().signIn({ token: carol.token, authenticator: attestedKey });
      assert.equal(verified.isVerified, true, JSON.stringify(verified));
      const validated = await h.authsignal.validateChallenge({ token: verified.accessToken });
      assert.equal(validated.isValid, true);
    });

    it('refuses a passkey requirement with an unknown field', async () => {
      await assert.rejects(
        track('bob', 'pay', { passkeyRequirement: { synced: true } }),
        (error: { statusCode?: number }) => error.statusCode === 400,
      );
      const set = await h.setRules('pay', {
        defaultOutcome: 'ALLOW',
        passkeyRequirement: { uv: 1 },
      });
      assert.equal(set.status, 400);
    });

    it('lets rules read what the user passkeys are', async () => {
      const set = await h.setRules('sensitive', {
        defaultOutcome: 'ALLOW',
        rules: [
          {
            name: 'only synced passkeys',
            priority: 10,
            outcome: 'BLOCK',
            conditions: { '!': { var: 'passkeys.anyDeviceBound' } },
          },
          {
            name: 'attested and recent',
            priority: 20,
            outcome: 'CHALLENGE',
            conditions: {
              and: [
                { var: 'passkeys.anyAttested' },
                { '<': [{ var: 'passkeys.newestAgeDays' }, 7] },
                { '===': [{ var: 'passkeys.count' }, 1] },
              ],
            },
          },
        ],
      });
      assert.equal(set.status, 200, await set.text());
      assert.equal((await track('sam', 'sensitive')).state, 'BLOCK');
      assert.equal((await track('bob', 'sensitive')).state, 'ALLOW');
      assert.equal((await track('carol', 'sensitive')).state, 'CHALLENGE_REQUIRED');
    });
  });
}
