/**
 * Related origins and native apps over real HTTP: the server listens on a port, the software
 * authenticator signs client data for a related origin (or an Android app's apk-key-hash origin),
 * and an app's backend redeems the nonce. An origin the app does not list, or another app's
 * related origin, is refused. The well-known documents are served per app and at the RP ID host.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { androidOriginFromFingerprint, createOperatorToken } from '@latchkey/core';
import { FlexClient } from '../testing/flex-client.ts';
import { auditEvents, databases, type Harness, ORIGIN, openHarness } from '../testing/harness.ts';

const RELATED = 'https://bank.co.uk';
const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  (255 - i * 5).toString(16).padStart(2, '0').toUpperCase(),
).join(':');
const OTHER_FINGERPRINT = FINGERPRINT.replace(/^FF/, 'EE');

/** A GET with a Host header of our choosing, as a proxy at the RP ID's domain would send. */
function getWithHost(
  base: string,
  path: string,
  host: string,
): Promise<{ status: number; type: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: JSON.parse(text),
        }),
      );
    });
    req.on('error', reject).end();
  });
}

for (const db of databases()) {
  describe(`related origins and native apps over HTTP (${db.name})`, () => {
    let h: Harness;
    let base: string;
    let token: string;
    const client = (origin: string, app = h.app) =>
      new FlexClient({ appId: app.id, apiKey: app.apiKey, origin });
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: async (): Promise<any> => res.json() };
    };

    before(async () => {
      h = await openHarness(db, {
        policy: {
          relatedOrigins: [RELATED],
          androidApps: [
            {
              packageName: 'com.example.bank',
              sha256CertFingerprints: [FINGERPRINT],
              handleAllUrls: false,
            },
          ],
          appleAppIds: ['ABCDE12345.com.example.bank'],
        },
      });
      await h.server.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
      token = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    });
    after(async () => {
      await h.close();
    });

    it('registers and signs in from a related origin, and the backend redeems the nonce', async () => {
      const related = client(RELATED);
      const authenticator = new SoftwareAuthenticator();
      const registered = await related.register(base, authenticator, 'ada');
      assert.equal(registered.status, 200, JSON.stringify(registered.body));
      assert.equal((await related.verify(base, registered.body.nonce)).body.external_id, 'ada');
      const signedIn = await related.signIn(base, authenticator, 'ada');
      assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
      assert.equal((await related.verify(base, signedIn.body.nonce)).body.external_id, 'ada');
      // A passkey made on the related origin also works on the app's own.
      const own = await client(ORIGIN).signIn(base, authenticator, 'ada');
      assert.equal(own.status, 200, JSON.stringify(own.body));
    });

    it('lets a related origin’s page call the auth API (CORS)', async () => {
      const preflight = await fetch(
        `${base}/v1/apps/${h.app.id}/authenticate/transactions/webauthn/start`,
        {
          method: 'OPTIONS',
          headers: { origin: RELATED, 'access-control-request-method': 'POST' },
        },
      );
      assert.equal(preflight.headers.get('access-control-allow-origin'), RELATED);
    });

    it('refuses an origin that is neither the app’s nor related, and audits why', async () => {
      for (const origin of [
        'https://bank.co.uk.evil.example',
        'https://www.bank.co.uk',
        'http://bank.co.uk',
      ]) {
        const res = await client(origin).register(
          base,
          new SoftwareAuthenticator(),
          `eve-${origin.length}`,
        );
        assert.equal(res.status, 400, origin);
        assert.equal(res.body.code, 'invalid_request');
        const [failed] = await auditEvents(h, 'ceremony.failed');
        assert.equal(failed?.reason, 'origin_mismatch', origin);
      }
      // And a sign-in with a good passkey from such an origin.
      const authenticator = new SoftwareAuthenticator();
      assert.equal((await client(RELATED).register(base, authenticator, 'bob')).status, 200);
      const res = await client('https://evil.example').signIn(base, authenticator, 'bob');
      assert.equal(res.status, 401);
    });

    it('accepts an app’s related origin for that app only', async () => {
      const other = await h.newApp();
      const res = await client(RELATED, other).register(base, new SoftwareAuthenticator(), 'ada');
      assert.equal(res.status, 400);
      const [failed] = await auditEvents(h, 'ceremony.failed', other.id);
      assert.equal(failed?.reason, 'origin_mismatch');
      const preflight = await fetch(
        `${base}/v1/apps/${other.id}/authenticate/transactions/webauthn/start`,
        {
          method: 'OPTIONS',
          headers: { origin: RELATED, 'access-control-request-method': 'POST' },
        },
      );
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    });

    it('accepts the apk-key-hash origin of a configured fingerprint, and no other', async () => {
      const android = client(androidOriginFromFingerprint(FINGERPRINT));
      const authenticator = new SoftwareAuthenticator();
      const registered = await android.register(base, authenticator, 'ann');
      assert.equal(registered.status, 200, JSON.stringify(registered.body));
      assert.equal((await android.signIn(base, authenticator, 'ann')).status, 200);
      const stranger = client(androidOriginFromFingerprint(OTHER_FINGERPRINT));
      assert.equal(
        (await stranger.register(base, new SoftwareAuthenticator(), 'mallory')).status,
        400,
      );
    });

    it('serves the app’s well-known documents as JSON, per app and at its RP ID host', async () => {
      const expected = {
        webauthn: { origins: [RELATED] },
        'assetlinks.json': [
          {
            relation: ['delegate_permission/common.get_login_creds'],
            target: {
              namespace: 'android_app',
              package_name: 'com.example.bank',
              sha256_cert_fingerprints: [FINGERPRINT],
            },
          },
        ],
        'apple-app-site-association': { webcredentials: { apps: ['ABCDE12345.com.example.bank'] } },
      };
      for (const [file, document] of Object.entries(expected)) {
        const res = await fetch(`${base}/v1/apps/${h.app.id}/.well-known/${file}`);
        assert.equal(res.status, 200, file);
        assert.match(String(res.headers.get('content-type')), /^application\/json/);
        assert.deepEqual(await res.json(), document, file);
        const proxied = await getWithHost(base, `/.well-known/${file}`, 'bank.example');
        assert.equal(proxied.status, 200, file);
        assert.match(proxied.type, /^application\/json/);
        assert.deepEqual(proxied.body, document, file);
      }
    });

    it('answers 404 where there is no document, and for an unknown app or host', async () => {
      const bare = await h.newApp({ origins: ['https://shop.example'] });
      const none = await fetch(`${base}/v1/apps/${bare.id}/.well-known/webauthn`);
      assert.equal(none.status, 404);
      assert.equal(((await none.json()) as { code: string }).code, 'not_found');
      const unknown = await fetch(`${base}/v1/apps/nope/.well-known/assetlinks.json`);
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { code: string }).code, 'app_not_found');
      const host = await getWithHost(base, '/.well-known/webauthn', 'nobody.example');
      assert.equal(host.status, 404);
    });

    it('refuses related origins a browser would not honour, and stores nothing', async () => {
      const labels = ['one', 'two', 'three', 'four', 'five', 'six'].map(
        (l) => `https://${l}.example`,
      );
      for (const relatedOrigins of [
        labels,
        ['https://github.io'],
        ['https://192.0.2.1'],
        ['http://bank.co.uk'],
      ]) {
        const res = await admin('PATCH', `/apps/${h.app.id}`, { policy: { relatedOrigins } });
        assert.equal(res.status, 400, relatedOrigins.join());
        assert.equal((await res.json()).error.code, 'invalid_request');
      }
      assert.deepEqual((await h.store.apps.findById(h.app.id))?.policy.relatedOrigins, [RELATED]);
    });

    it('refuses an RP ID change that would strand passkeys unless forced', async () => {
      const change = { origins: ['https://bank.example.com'], rp_id: 'bank.example.com' };
      const refused = await admin('PATCH', `/apps/${h.app.id}`, change);
      assert.equal(refused.status, 409);
      const body = await refused.json();
      assert.equal(body.error.code, 'rp_id_change_refused');
      assert.match(body.error.message, /related origin/);
      assert.equal((await h.store.apps.findById(h.app.id))?.rpId, 'bank.example');
      // The same RP ID again is no change.
      assert.equal(
        (await admin('PATCH', `/apps/${h.app.id}`, { rp_id: 'bank.example' })).status,
        200,
      );
      const forced = await admin('PATCH', `/apps/${h.app.id}`, {
        ...change,
        force_rp_id_change: true,
      });
      assert.equal(forced.status, 200);
      assert.equal((await forced.json()).rp_id, 'bank.example.com');
    });
  });
}
