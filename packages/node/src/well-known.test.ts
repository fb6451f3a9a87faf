/** `getWellKnownDocument` against a real latchkey: an app's documents, or null where it has none. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PassageFlex } from './passage-flex.ts';
import { type LatchkeyServer, startLatchkey, testDatabases } from './testing/latchkey-server.ts';

for (const db of testDatabases()) {
  describe(`getWellKnownDocument (${db.name})`, () => {
    let server: LatchkeyServer;
    before(async () => {
      server = await startLatchkey(db);
    });
    after(() => server.close());

    it('reads the documents made from the app’s settings', async () => {
      const app = await server.harness.newApp({
        policy: {
          relatedOrigins: ['https://bank.co.uk'],
          appleAppIds: ['ABCDE12345.com.example.bank'],
        },
      });
      const passage = new PassageFlex({
        appId: app.id,
        apiKey: app.apiKey,
        baseUrl: server.baseUrl,
      });
      assert.deepEqual(await passage.getWellKnownDocument('webauthn'), {
        origins: ['https://bank.co.uk'],
      });
      assert.deepEqual(await passage.getWellKnownDocument('apple-app-site-association'), {
        webcredentials: { apps: ['ABCDE12345.com.example.bank'] },
      });
      assert.equal(await passage.getWellKnownDocument('assetlinks.json'), null);
    });

    it('refuses a file it does not know, and still reports an unknown app', async () => {
      const passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
      await assert.rejects(passage.getWellKnownDocument('security.txt' as never), {
        errorCode: 'invalid_argument',
      });
      const stranger = new PassageFlex({
        appId: 'no-such-app',
        apiKey: server.app.apiKey,
        baseUrl: server.baseUrl,
      });
      await assert.rejects(stranger.getWellKnownDocument('webauthn'), {
        errorCode: 'app_not_found',
      });
    });
  });
}
