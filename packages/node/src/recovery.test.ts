import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PassageError, PassageFlex } from './index.ts';
import {
  browserAuthenticate,
  browserRegister,
  type LatchkeyServer,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

for (const db of testDatabases()) {
  describe(`PassageFlex account recovery (${db.name})`, () => {
    let server: LatchkeyServer;
    let passage: PassageFlex;
    before(async () => {
      server = await startLatchkey(db);
      passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
    });
    after(() => server.close());

    /** A user with one passkey, and the authenticator holding it. */
    async function enrolled(externalId: string): Promise<SoftwareAuthenticator> {
      const authenticator = new SoftwareAuthenticator();
      const tx = await passage.auth.createRegisterTransaction(externalId, externalId);
      await browserRegister(server, tx, authenticator);
      return authenticator;
    }

    it('recovers a user: the new passkey replaces the old one, and its nonce names the user', async () => {
      const lost = await enrolled('ada');
      const [old] = await passage.user.listDevices('ada');
      const transactionId = await passage.auth.createRecoveryTransaction('ada', {
        passkeyDisplayName: 'ada@bank.example',
      });
      const found = new SoftwareAuthenticator();
      const { nonce, credentialId } = await browserRegister(server, transactionId, found);
      assert.equal(await passage.verifyNonce(nonce), 'ada');
      const devices = await passage.user.listDevices('ada');
      assert.deepEqual(
        devices.map((d) => d.credId),
        [credentialId],
      );
      assert.notEqual(devices[0]?.id, old?.id);
      await assert.rejects(browserAuthenticate(server, null, lost), /discoverable_login_failed/);
      assert.equal(
        await passage.verifyNonce(await browserAuthenticate(server, null, found)),
        'ada',
      );
    });

    it('keeps the other passkeys with revokeOtherPasskeys false, in both call styles', async () => {
      await enrolled('bo');
      const transactionId = await passage.createRecoveryTransaction({
        externalId: 'bo',
        revokeOtherPasskeys: false,
      });
      await browserRegister(server, transactionId, new SoftwareAuthenticator());
      assert.equal((await passage.getDevices('bo')).length, 2);
    });

    it('rejects a user latchkey has never seen with user_not_found', async () => {
      await assert.rejects(
        passage.auth.createRecoveryTransaction('nobody'),
        (error: PassageError) => error.statusCode === 404 && error.errorCode === 'user_not_found',
      );
    });

    it('checks its arguments before anything is sent', async () => {
      for (const call of [
        () => passage.auth.createRecoveryTransaction(''),
        () => passage.auth.createRecoveryTransaction('ada', { passkeyDisplayName: ' ' }),
        () =>
          passage.auth.createRecoveryTransaction('ada', {
            revokeOtherPasskeys: 'false' as unknown as boolean,
          }),
        () => passage.createRecoveryTransaction(undefined as never),
      ]) {
        await assert.rejects(
          call(),
          (error: PassageError) => error.errorCode === 'invalid_argument',
        );
      }
    });

    it('rejects another app’s key with invalid_access_token', async () => {
      const other = await server.harness.newApp();
      const stranger = new PassageFlex({
        appId: server.app.appId,
        apiKey: other.apiKey,
        baseUrl: server.baseUrl,
      });
      await assert.rejects(
        stranger.auth.createRecoveryTransaction('ada'),
        (error: PassageError) => error.errorCode === 'invalid_access_token',
      );
    });
  });
}
