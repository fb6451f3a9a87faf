/** The admin API's part in authenticator policy: policy fields, the metadata in use, attested AAGUIDs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRoot, issueMetadataSigner, signMetadataBlob } from '@latchkey/authenticator';
import { createOperatorToken, loadAuthenticatorMetadata } from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import { databases, type Harness, openHarness, registerUser } from '../../testing/harness.ts';

for (const db of databases()) {
  describe(`the admin API and authenticator policy (${db.name})`, () => {
    let h: Harness;
    let token: string;
    const admin = (method: 'GET' | 'PATCH', path: string, body?: unknown) =>
      h.server.inject({
        method,
        url: `/admin/v1${path}`,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }) as Promise<LightMyRequestResponse>;
    before(async () => {
      h = await openHarness(db);
      token = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    });
    after(async () => {
      await h.close();
    });

    it('sets and validates the authenticator policy of an app', async () => {
      const set = await admin('PATCH', `/apps/${h.app.id}`, {
        policy: {
          aaguidDenyList: ['EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4'],
          deviceBinding: 'device-bound-only',
        },
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json().policy.aaguidDenyList, ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4']);
      for (const policy of [
        { deviceBinding: 'sometimes' },
        { aaguidAllowList: ['not-a-uuid-but-thirty-six-characters'] },
        { requireAttestedAuthenticator: true },
      ]) {
        const refused = await admin('PATCH', `/apps/${h.app.id}`, { policy });
        assert.equal(refused.statusCode, 400, JSON.stringify(policy));
        assert.equal(refused.json().error.code, 'invalid_request');
      }
      await admin('PATCH', `/apps/${h.app.id}`, { policy: { deviceBinding: 'synced-allowed' } });
    });

    it('reports the metadata in use and lists passkeys as attested or self-reported', async () => {
      assert.deepEqual((await admin('GET', '/authenticator-metadata')).json(), { metadata: null });
      const root = await createTestRoot('CN=Latchkey Test MDS Root');
      const blob = signMetadataBlob({
        signer: await issueMetadataSigner(root),
        no: 4,
        nextUpdate: '2099-01-01',
        entries: [],
      });
      await loadAuthenticatorMetadata(h.runtime, { blob, trustedRoots: [root.pem] });
      const { metadata } = (await admin('GET', '/authenticator-metadata')).json();
      assert.equal(metadata.serial, 4);
      assert.equal(metadata.stale, false);
      await registerUser(h, 'ada');
      const user = await h.store.users.findByExternalId(h.app.id, 'ada');
      const detail = (await admin('GET', `/apps/${h.app.id}/users/${user?.id}`)).json();
      assert.equal(detail.passkeys[0].aaguid_attested, false);
    });
  });
}
