import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isNever, Latchkey, PassageFlex } from './index.ts';
import {
  browserAuthenticate,
  browserRegister,
  type LatchkeyServer,
  ORIGIN,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

for (const db of testDatabases()) {
  describe(`PassageFlex against a listening latchkey (${db.name})`, () => {
    let server: LatchkeyServer;
    let passage: PassageFlex;
    before(async () => {
      server = await startLatchkey(db);
      passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
    });
    after(async () => {
      await server.close();
    });

    it('registers, signs in, reads and revokes a passkey in the 1.x namespaced style', async () => {
      const authenticator = new SoftwareAuthenticator();
      const registerId = await passage.auth.createRegisterTransaction(
        'alice',
        'alice@bank.example',
      );
      assert.equal(typeof registerId, 'string');
      const registered = await browserRegister(server, registerId, authenticator);
      assert.equal(await passage.auth.verifyNonce(registered.nonce), 'alice');

      const authenticateId = await passage.auth.createAuthenticateTransaction('alice');
      const nonce = await browserAuthenticate(server, authenticateId, authenticator);
      assert.equal(await passage.auth.verifyNonce(nonce), 'alice');

      const user = await passage.user.get('alice');
      assert.equal(user.externalId, 'alice');
      assert.equal(user.status, 'active');
      assert.equal(user.webauthn, true);
      assert.equal(user.loginCount, 1, 'the sign-in is counted; the registration is not');
      assert.ok(user.createdAt instanceof Date);
      assert.ok(user.updatedAt instanceof Date);
      assert.equal(isNever(user.lastLoginAt), false);
      assert.equal(user.userMetadata, null);
      assert.deepEqual(user.webauthnTypes, ['passkey']);
      assert.equal(user.webauthnDevices.length, 1);

      const devices = await passage.user.listDevices('alice');
      assert.equal(devices.length, 1);
      const [device] = devices;
      assert.ok(device);
      assert.deepEqual(user.webauthnDevices, devices);
      assert.equal(device.credId, registered.credentialId);
      assert.notEqual(device.id, device.credId, 'the device id is not the credential id');
      assert.equal(device.type, 'passkey');
      assert.equal(device.usageCount, 1);
      assert.ok(device.friendlyName.length > 0);
      assert.ok(device.lastLoginAt instanceof Date && !isNever(device.lastLoginAt));
      assert.deepEqual(device.icons, { light: null, dark: null });
      assert.equal(device.aaguid, '00000000-0000-0000-0000-000000000000');
      assert.equal(device.aaguidAttested, false);
      assert.equal(device.backupEligible, true);
      assert.equal(device.backupState, true);
      assert.deepEqual(device.transports, ['internal', 'hybrid']);
      assert.equal(device.authenticatorAttachment, 'platform');

      assert.equal(await passage.user.revokeDevice('alice', device.id), undefined);
      assert.deepEqual(await passage.user.listDevices('alice'), []);
      const after = await passage.user.get('alice');
      assert.equal(after.webauthn, false);
      assert.deepEqual(after.webauthnTypes, []);
    });

    it('registers, signs in, reads and revokes a passkey in the 0.2.x flat style', async () => {
      const authenticator = new SoftwareAuthenticator({
        backupEligible: false,
        attachment: 'cross-platform',
        transports: ['usb'],
      });
      const registerId = await passage.createRegisterTransaction({
        externalId: 'bob',
        passkeyDisplayName: 'bob@bank.example',
      });
      const registered = await browserRegister(server, registerId, authenticator);
      assert.equal(await passage.verifyNonce(registered.nonce), 'bob');

      const authenticateId = await passage.createAuthenticateTransaction({ externalId: 'bob' });
      const nonce = await browserAuthenticate(server, authenticateId, authenticator);
      assert.equal(await passage.verifyNonce(nonce), 'bob');

      const user = await passage.getUser('bob');
      assert.equal(user.externalId, 'bob');
      assert.equal(user.loginCount, 1);
      assert.deepEqual(user.webauthnTypes, ['security_key']);

      const devices = await passage.getDevices('bob');
      assert.equal(devices.length, 1);
      const [device] = devices;
      assert.ok(device);
      assert.equal(device.credId, registered.credentialId);
      assert.equal(device.type, 'security_key');
      assert.equal(device.backupEligible, false);
      assert.deepEqual(device.transports, ['usb']);
      assert.equal(device.authenticatorAttachment, 'cross-platform');

      assert.equal(await passage.revokeDevice('bob', device.id), true);
      assert.deepEqual(await passage.getDevices('bob'), []);
    });

    it('reads the app with the 0.2.x getApp', async () => {
      const app = await passage.getApp();
      assert.deepEqual(app, { id: server.app.appId, name: 'Bank', authOrigin: ORIGIN });
    });

    it('is the same class under the name Latchkey, and keeps apps apart', async () => {
      assert.equal(Latchkey, PassageFlex);
      const other = await server.harness.newApp();
      const latchkey = new Latchkey({
        appId: other.id,
        apiKey: other.apiKey,
        baseUrl: `${server.baseUrl}/v1/`,
      });
      const transactionId = await latchkey.auth.createRegisterTransaction('carol', 'carol');
      const { nonce } = await browserRegister(
        server,
        transactionId,
        new SoftwareAuthenticator(),
        other.id,
      );
      assert.equal(await latchkey.auth.verifyNonce(nonce), 'carol');
      assert.equal((await latchkey.user.get('carol')).externalId, 'carol');
      await assert.rejects(passage.user.get('carol'), { errorCode: 'user_not_found' });
    });
  });
}
