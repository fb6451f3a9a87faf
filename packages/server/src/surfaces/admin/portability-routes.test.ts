/**
 * The admin API's export and import over real HTTP handling (inject) on each database: the export
 * streams latchkey's format, imports of each format report what they did, a rerun changes
 * nothing, and bad bodies get a clear 4xx in the admin error shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCOSEPublicKey, generateCredentialKeyPair } from '@latchkey/authenticator';
import { createOperatorToken } from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import {
  auditEvents,
  databases,
  type Harness,
  openHarness,
  RP_ID,
  registerUser,
} from '../../testing/harness.ts';
import { IMPORT_BODY_LIMIT_BYTES } from './portability-routes.ts';

function assertError(res: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().error.code, code);
  assert.equal(typeof res.json().request_id, 'string');
}

/** An Authelia export (YAML) of one credential of `username`, keys in standard base64. */
function autheliaYaml(username: string): string {
  const { publicKey } = generateCredentialKeyPair('ES256');
  const cose = Buffer.from(encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' }));
  const kid = Buffer.from(`${username}-${Math.random()}`).toString('base64');
  return [
    'webauthn_credentials:',
    `  - created_at: 2025-03-01T10:00:00+01:00`,
    `    rpid: ${RP_ID}`,
    `    username: ${username}`,
    `    description: YubiKey 5`,
    `    kid: ${kid}`,
    `    aaguid: cb69481e-8ff7-4039-93ec-0a2729a154a8`,
    `    attestation_type: none`,
    `    attachment: cross-platform`,
    `    transports: [usb, nfc]`,
    `    sign_count: 12`,
    `    clone_warning: false`,
    `    discoverable: true`,
    `    present: true`,
    `    verified: true`,
    `    backup_eligible: false`,
    `    backup_state: false`,
    `    public_key: ${cose.toString('base64')}`,
    '',
  ].join('\n');
}

for (const db of databases()) {
  describe(`admin export and import (${db.name})`, () => {
    let h: Harness;
    let token: string;
    let tokenId: string;
    before(async () => {
      h = await openHarness(db);
      ({ token, id: tokenId } = await createOperatorToken(h.runtime, { name: 'ops' }));
      await registerUser(h, 'alice');
    });
    after(() => h.close());

    const exportOf = (appId: string, credential: string | null = token) =>
      h.server.inject({
        method: 'GET',
        url: `/admin/v1/apps/${appId}/export`,
        headers: credential === null ? {} : { authorization: `Bearer ${credential}` },
      });
    const importInto = (appId: string, body: string, query = '', type = 'application/x-ndjson') =>
      h.server.inject({
        method: 'POST',
        url: `/admin/v1/apps/${appId}/import${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        payload: body,
      });

    it("streams the app's users and passkeys as NDJSON: a header, then a line per user", async () => {
      const res = await exportOf(h.app.id);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/x-ndjson/);
      const [header, alice, ...rest] = res.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(rest, []);
      assert.equal(header.format, 'latchkey.passkeys');
      assert.equal(header.version, 1);
      assert.equal(header.rpId, RP_ID);
      assert.equal(alice.externalId, 'alice');
      assert.equal(alice.passkeys.length, 1);
      assert.equal(typeof alice.passkeys[0].publicKey, 'string');
      const events = await auditEvents(h, 'passkeys.exported');
      assert.equal(events[0]?.data?.actor, tokenId);
    });

    it('refuses an export without an operator credential, or of an unknown app', async () => {
      assertError(await exportOf(h.app.id, null), 401, 'unauthorized');
      assertError(await exportOf('no-such-app'), 404, 'app_not_found');
    });

    it('reports a passkey that another app holds instead of copying it', async () => {
      const other = await h.newApp();
      const res = await importInto(other.id, (await exportOf(h.app.id)).body);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().skipped_by_reason, { credential_in_other_app: 1 });
      assert.equal(res.json().skips[0].reason, 'credential_in_other_app');
    });

    it('imports an Authelia export: dry run first, then for real, then again with no change', async () => {
      const target = await h.newApp();
      const yaml = autheliaYaml('bob');
      const dry = await importInto(
        target.id,
        yaml,
        '?format=authelia&dry_run=true',
        'application/yaml',
      );
      assert.equal(dry.statusCode, 200, dry.body);
      assert.equal(dry.json().dry_run, true);
      assert.equal(dry.json().passkeys.imported, 1);
      assert.equal(await h.store.users.findByExternalId(target.id, 'bob'), null);

      const real = await importInto(target.id, yaml, '?format=authelia', 'application/yaml');
      assert.equal(real.json().changed, true);
      assert.deepEqual(real.json().users, { created: 1, existing: 0, skipped: 0 });
      const bob = await h.store.users.findByExternalId(target.id, 'bob');
      assert.ok(bob);
      const [passkey] = await h.store.credentials.listByUser(target.id, bob.id);
      assert.equal(passkey?.counter, 12);
      assert.equal(passkey?.friendlyName, 'YubiKey 5');
      assert.deepEqual(passkey?.transports, ['usb', 'nfc']);
      const audited = await auditEvents(h, 'passkeys.imported', target.id);
      assert.equal(audited[0]?.data?.actor, tokenId);

      const again = await importInto(target.id, yaml, '?format=authelia', 'application/yaml');
      assert.equal(again.json().changed, false);
      assert.deepEqual(again.json().passkeys, { imported: 0, already_present: 1, skipped: 0 });
    });

    it('imports SimpleWebAuthn-style records sent as JSON', async () => {
      const target = await h.newApp();
      const { publicKey } = generateCredentialKeyPair('EdDSA');
      const records = [
        {
          id: Buffer.from('carol-key').toString('base64url'),
          publicKey: Buffer.from(encodeCOSEPublicKey({ publicKey, algorithm: 'EdDSA' })).toString(
            'base64url',
          ),
          user: { id: 'carol', username: 'Carol' },
          webauthnUserID: Buffer.from('carol-handle').toString('base64url'),
          counter: 0,
          deviceType: 'multiDevice',
          backedUp: true,
          transports: ['internal', 'hybrid'],
        },
      ];
      const res = await importInto(
        target.id,
        JSON.stringify(records),
        '?format=simplewebauthn',
        'application/json',
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().passkeys.imported, 1);
      const carol = await h.store.users.findByExternalId(target.id, 'carol');
      assert.equal(carol?.displayName, 'Carol');
      assert.equal(carol?.webauthnUserId, records[0]?.webauthnUserID);
    });

    it('answers bad bodies with a 4xx in the admin shape and changes nothing', async () => {
      const target = await h.newApp();
      assertError(await importInto(target.id, '{"format":"other"}\n'), 400, 'invalid_request');
      const v9 = `${JSON.stringify({ format: 'latchkey.passkeys', version: 9, rpId: RP_ID })}\n`;
      assertError(await importInto(target.id, v9), 400, 'invalid_request');
      assertError(
        await importInto(
          target.id,
          'webauthn_credentials: [',
          '?format=authelia',
          'application/yaml',
        ),
        400,
        'invalid_request',
      );
      assertError(
        await importInto(target.id, 'x', '?format=keepass', 'text/plain'),
        400,
        'invalid_request',
      );
      assertError(await importInto('no-such-app', v9.replace('9', '1')), 404, 'app_not_found');
      const xml = await importInto(target.id, '<x/>', '', 'application/xml');
      assert.equal(xml.statusCode, 415, xml.body);
      assert.equal(typeof xml.json().error.code, 'string');
      const large = 'x'.repeat(IMPORT_BODY_LIMIT_BYTES + 1);
      assertError(await importInto(target.id, large), 413, 'payload_too_large');
      const page = await h.store.users.list(target.id, { limit: 10, offset: 0 });
      assert.equal(page.total, 0);
    });
  });
}
