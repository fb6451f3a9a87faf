import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FLEX_ERROR_CODES } from '@latchkey/server';
import {
  LatchkeyError,
  PASSAGE_ERROR_CODES,
  PassageError,
  type PassageErrorCode,
  PassageFlex,
  SERVER_ERROR_CODES,
} from './index.ts';
import {
  browserRegister,
  type LatchkeyServer,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

/** Asserts that `promise` rejects with a PassageError of this code and status. */
async function rejectsWith(
  promise: Promise<unknown>,
  errorCode: PassageErrorCode,
  statusCode: number,
): Promise<PassageError> {
  const error = await promise.then(
    () => assert.fail(`expected ${errorCode}, but it resolved`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PassageError, String(error));
  assert.equal(error.errorCode, errorCode, error.message);
  assert.equal(error.statusCode, statusCode);
  return error;
}

describe('PassageError', () => {
  it('knows every code the management API can answer with, and no other', () => {
    // These come only from the browser's auth API (ceremonies and their rate limits), which this
    // SDK never calls.
    const browserOnly = new Set([
      'webauthn_login_failed',
      'discoverable_login_failed',
      'too_many_requests',
    ]);
    assert.deepEqual(
      [...SERVER_ERROR_CODES].sort(),
      FLEX_ERROR_CODES.filter((c) => !browserOnly.has(c)).sort(),
    );
    assert.equal(new Set(PASSAGE_ERROR_CODES).size, PASSAGE_ERROR_CODES.length);
  });

  it('is exported as LatchkeyError too, keeps its cause, and answers to 0.2.x statusText', () => {
    const cause = new TypeError('fetch failed');
    const error = new LatchkeyError({ errorCode: 'network_error', message: 'down', cause });
    assert.ok(error instanceof PassageError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'PassageError');
    assert.equal(error.statusCode, 0);
    assert.equal(error.cause, cause);
    assert.equal(error.statusText, 'network_error');
  });
});

for (const db of testDatabases()) {
  describe(`errors from a listening latchkey (${db.name})`, () => {
    let server: LatchkeyServer;
    let passage: PassageFlex;
    before(async () => {
      server = await startLatchkey(db);
      passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
      const transactionId = await passage.auth.createRegisterTransaction('dora', 'dora');
      const { nonce } = await browserRegister(server, transactionId, new SoftwareAuthenticator());
      await passage.auth.verifyNonce(nonce);
    });
    after(async () => {
      await server.close();
    });

    it('answers every method called with a wrong API key with 401 invalid_access_token', async () => {
      const wrong = new PassageFlex({
        ...server.app,
        apiKey: 'not-the-key',
        baseUrl: server.baseUrl,
      });
      const calls: Array<() => Promise<unknown>> = [
        () => wrong.auth.createRegisterTransaction('dora', 'dora'),
        () => wrong.auth.createAuthenticateTransaction('dora'),
        () => wrong.auth.verifyNonce('nonce'),
        () => wrong.user.get('dora'),
        () => wrong.user.listDevices('dora'),
        () => wrong.user.revokeDevice('dora', 'device'),
        () => wrong.createRegisterTransaction({ externalId: 'dora', passkeyDisplayName: 'dora' }),
        () => wrong.createAuthenticateTransaction({ externalId: 'dora' }),
        () => wrong.verifyNonce('nonce'),
        () => wrong.getUser('dora'),
        () => wrong.getDevices('dora'),
        () => wrong.revokeDevice('dora', 'device'),
      ];
      // getApp is left out: the browser reads the same route without a key.
      for (const call of calls) {
        const error = await rejectsWith(call(), 'invalid_access_token', 401);
        assert.ok(error.message.length > 0, "the server's message is kept");
      }
    });

    it('answers a key of another app with 401 invalid_access_token', async () => {
      const other = await server.harness.newApp();
      const crossed = new PassageFlex({
        appId: server.app.appId,
        apiKey: other.apiKey,
        baseUrl: server.baseUrl,
      });
      await rejectsWith(crossed.user.get('dora'), 'invalid_access_token', 401);
    });

    it('answers an unknown app id with 404 app_not_found', async () => {
      const unknown = new PassageFlex({
        appId: 'no-such-app',
        apiKey: server.app.apiKey,
        baseUrl: server.baseUrl,
      });
      await rejectsWith(unknown.auth.verifyNonce('nonce'), 'app_not_found', 404);
    });

    it('answers an unknown external id with 404 user_not_found in both styles', async () => {
      const calls: Array<() => Promise<unknown>> = [
        () => passage.user.get('nobody'),
        () => passage.user.listDevices('nobody'),
        () => passage.user.revokeDevice('nobody', 'device'),
        () => passage.getUser('nobody'),
        () => passage.getDevices('nobody'),
        () => passage.revokeDevice('nobody', 'device'),
      ];
      for (const call of calls) await rejectsWith(call(), 'user_not_found', 404);
    });

    it('answers an unknown device with 404 device_not_found in both styles', async () => {
      await rejectsWith(
        passage.user.revokeDevice('dora', 'no-such-device'),
        'device_not_found',
        404,
      );
      await rejectsWith(passage.revokeDevice('dora', 'no-such-device'), 'device_not_found', 404);
    });

    it('answers another user’s device with 404 device_not_found', async () => {
      const [doraDevice] = await passage.user.listDevices('dora');
      assert.ok(doraDevice);
      const transactionId = await passage.auth.createRegisterTransaction('erin', 'erin');
      await browserRegister(server, transactionId, new SoftwareAuthenticator());
      await rejectsWith(passage.user.revokeDevice('erin', doraDevice.id), 'device_not_found', 404);
      assert.equal((await passage.user.listDevices('dora')).length, 1);
    });

    it('answers an authenticate transaction for a user without passkeys with 409 user_has_no_passkeys', async () => {
      // A register transaction creates the user; without a finished ceremony they have no passkey.
      await passage.auth.createRegisterTransaction('frank', 'frank');
      for (const externalId of ['frank', 'never-seen']) {
        await rejectsWith(
          passage.auth.createAuthenticateTransaction(externalId),
          'user_has_no_passkeys',
          409,
        );
        await rejectsWith(
          passage.createAuthenticateTransaction({ externalId }),
          'user_has_no_passkeys',
          409,
        );
      }
    });

    it('answers an unknown or already redeemed nonce with 401 invalid_nonce in both styles', async () => {
      await rejectsWith(passage.auth.verifyNonce('not-a-nonce'), 'invalid_nonce', 401);
      await rejectsWith(passage.verifyNonce('not-a-nonce'), 'invalid_nonce', 401);

      const transactionId = await passage.auth.createRegisterTransaction('gina', 'gina');
      const { nonce } = await browserRegister(server, transactionId, new SoftwareAuthenticator());
      assert.equal(await passage.verifyNonce(nonce), 'gina');
      await rejectsWith(passage.auth.verifyNonce(nonce), 'invalid_nonce', 401);
    });

    it('answers a display name the server refuses with 400 invalid_request', async () => {
      await rejectsWith(
        passage.auth.createRegisterTransaction('hana', 'x'.repeat(300)),
        'invalid_request',
        400,
      );
    });

    it('answers revoking the last passkey where the app forbids it with 403 operation_not_allowed', async () => {
      const strict = await server.harness.newApp({ policy: { allowRemovingLastPasskey: false } });
      const client = new PassageFlex({
        appId: strict.id,
        apiKey: strict.apiKey,
        baseUrl: server.baseUrl,
      });
      const transactionId = await client.auth.createRegisterTransaction('ivan', 'ivan');
      await browserRegister(server, transactionId, new SoftwareAuthenticator(), strict.id);
      const [device] = await client.user.listDevices('ivan');
      assert.ok(device);
      await rejectsWith(client.user.revokeDevice('ivan', device.id), 'operation_not_allowed', 403);
      await rejectsWith(client.revokeDevice('ivan', device.id), 'operation_not_allowed', 403);
      assert.equal((await client.user.listDevices('ivan')).length, 1);
    });
  });
}
