/**
 * The admin API refuses app origins and RP IDs that could never hold a passkey, or that would
 * share one with unrelated sites: IP addresses and public suffixes. Nothing is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOperatorToken } from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import { databases, type Harness, openHarness } from '../../testing/harness.ts';

for (const db of databases()) {
  describe(`admin API app origins and RP IDs (${db.name})`, () => {
    let h: Harness;
    let token: string;
    const admin = (method: 'POST' | 'PATCH', path: string, body: unknown) =>
      h.server.inject({
        method,
        url: `/admin/v1${path}`,
        headers: { authorization: `Bearer ${token}` },
        payload: body as Record<string, unknown>,
      });
    const refused = (res: LightMyRequestResponse, message: RegExp): void => {
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'invalid_request');
      assert.match(res.json().error.message, message);
    };

    before(async () => {
      h = await openHarness(db);
      token = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    });
    after(async () => {
      await h.close();
    });

    it('refuses IP-address origins and RP IDs, naming localhost as the fix', async () => {
      const before = (await h.store.apps.list()).length;
      for (const origin of ['http://127.0.0.1:3000', 'http://[::1]:3000', 'https://192.0.2.1']) {
        refused(await admin('POST', '/apps', { name: 'x', origins: [origin] }), /localhost:PORT/);
      }
      refused(
        await admin('POST', '/apps', {
          name: 'x',
          origins: ['android:apk-key-hash:POIplOLeHuvl-XAQckH0DwY4Yb1ydnnKcmhn-jibZYk'],
          rp_id: '192.0.2.1',
        }),
        /localhost:PORT/,
      );
      assert.equal((await h.store.apps.list()).length, before);
    });

    it('refuses a public-suffix RP ID, on create and on update', async () => {
      refused(
        await admin('POST', '/apps', {
          name: 'x',
          origins: ['https://ada.github.io'],
          rp_id: 'github.io',
        }),
        /public suffix/,
      );
      refused(
        await admin('POST', '/apps', {
          name: 'x',
          origins: ['https://shop.co.uk'],
          rp_id: 'co.uk',
        }),
        /public suffix/,
      );
      const created = await admin('POST', '/apps', {
        name: 'Ada',
        origins: ['https://ada.github.io'],
      });
      assert.equal(created.statusCode, 201, created.body);
      const appId: string = created.json().app.app_id;
      refused(await admin('PATCH', `/apps/${appId}`, { rp_id: 'github.io' }), /public suffix/);
      assert.equal((await h.store.apps.findById(appId))?.rpId, 'ada.github.io');
    });

    it('keeps http on localhost working', async () => {
      const created = await admin('POST', '/apps', {
        name: 'dev',
        origins: ['http://localhost:3000'],
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().app.rp_id, 'localhost');
    });
  });
}
