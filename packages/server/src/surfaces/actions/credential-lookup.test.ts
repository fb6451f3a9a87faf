/**
 * `GET /v1/client/user-authenticators/passkey?credentialIds=` (`passkey.isAvailableOnDevice`) is
 * called with the app id alone, which is public. It must not tell such a caller who owns a
 * credential id or what device it is; a user's token learns that about its own credentials only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databases } from '../../testing/harness.ts';
import { type ActionsHarness, enroll, openActionsHarness } from './testing/actions-harness.ts';

for (const db of databases()) {
  describe(`the client credential lookup (${db.name})`, () => {
    let h: ActionsHarness;
    let ada: string;
    let bob: string;
    before(async () => {
      h = await openActionsHarness(db);
      await enroll(h, 'ada');
      await enroll(h, 'bob');
      const credentialOf = async (externalId: string) => {
        const row = await h.store.db
          .selectFrom('credentials')
          .innerJoin('users', 'users.id', 'credentials.user_id')
          .select('credentials.credential_id')
          .where('users.external_id', '=', externalId)
          .where('users.app_id', '=', h.app.id)
          .executeTakeFirstOrThrow();
        return row.credential_id;
      };
      ada = await credentialOf('ada');
      bob = await credentialOf('bob');
    });
    after(() => h.close());

    const lookup = async (ids: string[], token?: string) => {
      const res = await fetch(
        `${h.baseUrl}/client/user-authenticators/passkey?credentialIds=${ids.join(',')}`,
        {
          headers: {
            authorization: token
              ? `Bearer ${token}`
              : `Basic ${Buffer.from(encodeURIComponent(h.app.id)).toString('base64')}`,
          },
        },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('tells a caller with only the app id that a credential is registered, and nothing more', async () => {
      const found = await lookup(['unknown', ada]);
      assert.equal(found.status, 200);
      assert.deepEqual(found.body, { credentialId: ada });
      const text = JSON.stringify(found.body);
      assert.doesNotMatch(text, /ada|userId|aaguid|deviceId|createdAt/);
      const missing = await lookup(['unknown']);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errorCode, 'invalid_request');
    });

    it("answers a user's token only for that user's credentials", async () => {
      const { token } = await h.authsignal.track({ userId: 'ada', action: 'sign-in' });
      const own = await lookup([bob, ada], token);
      assert.equal(own.status, 200);
      assert.equal(own.body.userId, 'ada');
      assert.equal((own.body.webauthnCredential as { credentialId: string }).credentialId, ada);
      // Bob's credential is not Ada's to ask about: the same 404 as an unknown id.
      const other = await lookup([bob], token);
      assert.equal(other.status, 404);
      assert.equal(other.body.errorCode, 'invalid_request');
    });

    it('refuses a bad token in the actions error shape', async () => {
      const refused = await lookup([ada], 'not-a-token');
      assert.ok(refused.status >= 400 && refused.status < 500, String(refused.status));
      assert.equal(typeof refused.body.error, 'string');
      assert.equal(typeof refused.body.errorCode, 'string');
    });
  });
}
