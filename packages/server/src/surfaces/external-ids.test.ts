/**
 * External ids (flex `external_id`, actions `userId`) are taken exactly as sent or refused: no lone
 * surrogates (which the database would turn into U+FFFD, another id), no control characters, one
 * length limit everywhere, and paths that do not decode to UTF-8 refused in the surface's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertExternalId,
  createTransaction,
  EXTERNAL_ID_MAX_LENGTH,
  externalIdProblem,
  isLatchkeyError,
  trackAction,
} from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import { databases, type Harness, openHarness, registerUser } from '../testing/harness.ts';

describe('externalIdProblem', () => {
  it('names what is wrong, and nothing for a well-formed id', () => {
    assert.equal(externalIdProblem('x\ud800'), 'not_well_formed');
    assert.equal(externalIdProblem('\udc00x'), 'not_well_formed');
    assert.equal(externalIdProblem('a\u0000b'), 'control_character');
    assert.equal(externalIdProblem('a\u009bb'), 'control_character');
    assert.equal(externalIdProblem(''), 'empty');
    assert.equal(externalIdProblem('a'.repeat(EXTERNAL_ID_MAX_LENGTH + 1)), 'too_long');
    // A surrogate pair is one well-formed code point, and counts as one character.
    assert.equal(externalIdProblem('😀'.repeat(EXTERNAL_ID_MAX_LENGTH)), null);
    assert.equal(externalIdProblem('x\ufffd'), null);
    assert.equal(externalIdProblem('ada@example.com'), null);
  });

  it('returns the id unchanged when it is acceptable', () => {
    assert.equal(assertExternalId('e\u0301'), 'e\u0301');
  });
});

for (const db of databases()) {
  describe(`external ids (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db);
    });
    after(async () => {
      await h.close();
    });

    const secret = (): Record<string, string> => ({
      authorization: `Basic ${Buffer.from(`${h.app.apiKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    });
    /** A JSON body written by hand, so that `\ud800` arrives as the JSON escape it is. */
    const rawManage = (path: string, json: string): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method: 'POST',
        url: `/v1/apps/${h.app.id}${path}`,
        headers: { authorization: `Bearer ${h.app.apiKey}`, 'content-type': 'application/json' },
        payload: json,
      });
    const track = (userId: string, body = '{}'): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method: 'POST',
        url: `/v1/users/${userId}/actions/login`,
        headers: secret(),
        payload: body,
      });

    it('flex refuses a lone surrogate sent as a JSON escape, and it cannot reach another user', async () => {
      await registerUser(h, 'collide\ufffd');
      const before = await h.store.users.list(h.app.id, { limit: 1000, offset: 0 });
      for (const path of ['/transactions/register', '/transactions/authenticate']) {
        const res = await rawManage(
          path,
          '{"external_id":"collide\\ud800","passkey_display_name":"x"}',
        );
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json().code, 'invalid_request');
        assert.match(res.json().error, /external_id/);
      }
      const afterwards = await h.store.users.list(h.app.id, { limit: 1000, offset: 0 });
      assert.equal(afterwards.total, before.total);
    });

    it('flex refuses control characters in external_id and in the identifier filter', async () => {
      for (const id of ['a\\u0000b', 'a\\u001bb', 'a\\u007fb', 'a\\u0085b']) {
        const res = await rawManage(
          '/transactions/register',
          `{"external_id":"${id}","passkey_display_name":"x"}`,
        );
        assert.equal(res.statusCode, 400, id);
        assert.equal(res.json().code, 'invalid_request');
      }
      const listed = await h.manage('GET', '/users?identifier=a%1Bb');
      assert.equal(listed.statusCode, 400);
      assert.equal(listed.json().code, 'invalid_request');
    });

    it('keeps ids exactly as sent: NFC and NFD spellings are two users', async () => {
      const nfc = '\u00e9-user';
      const nfd = 'e\u0301-user';
      await registerUser(h, nfc);
      await registerUser(h, nfd);
      const a = await h.store.users.findByExternalId(h.app.id, nfc);
      const b = await h.store.users.findByExternalId(h.app.id, nfd);
      assert.ok(a && b);
      assert.notEqual(a.id, b.id);
      assert.equal(b.externalId, nfd);
    });

    it('answers paths that are not UTF-8 with a 400 in each surface shape', async () => {
      for (const bad of ['x%ED%A0%80', 'x%FF']) {
        const flex = await h.manage('GET', `/users/${bad}`);
        assert.equal(flex.statusCode, 400);
        assert.deepEqual(Object.keys(flex.json()).sort(), ['code', 'error']);
        assert.equal(flex.json().code, 'invalid_request');

        const actions = await track(bad);
        assert.equal(actions.statusCode, 400);
        assert.equal(actions.json().errorCode, 'invalid_request');
        assert.match(actions.json().errorDescription, /UTF-8/);

        const admin = await h.server.inject({ method: 'GET', url: `/admin/v1/apps/${bad}` });
        assert.equal(admin.statusCode, 400);
        assert.equal(admin.json().error.code, 'invalid_request');
        assert.equal(typeof admin.json().request_id, 'string');
      }
      const users = await h.store.users.list(h.app.id, { limit: 1000, offset: 0 });
      assert.ok(users.items.every((u) => !u.externalId.startsWith('x')));
    });

    it('actions refuses control characters and lone surrogates in userId', async () => {
      const res = await track('a%00b');
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().errorCode, 'invalid_request');
      const validate = await h.server.inject({
        method: 'POST',
        url: '/v1/validate',
        headers: secret(),
        payload: '{"token":"t","userId":"u\\ud800"}',
      });
      assert.equal(validate.statusCode, 400);
      assert.equal(validate.json().errorCode, 'invalid_request');
    });

    it('has one length limit on both surfaces', async () => {
      const longest = 'L'.repeat(EXTERNAL_ID_MAX_LENGTH);
      const tooLong = `${longest}L`;
      const flexOk = await h.manage('POST', '/transactions/register', {
        external_id: longest,
        passkey_display_name: 'x',
      });
      assert.equal(flexOk.statusCode, 201, flexOk.body);
      const flexTooLong = await h.manage('POST', '/transactions/register', {
        external_id: tooLong,
        passkey_display_name: 'x',
      });
      assert.equal(flexTooLong.statusCode, 400);
      assert.equal((await track(longest)).statusCode, 200);
      const actionsTooLong = await track(tooLong);
      assert.equal(actionsTooLong.statusCode, 400);
      assert.equal(actionsTooLong.json().errorCode, 'invalid_request');
    });

    it('the core refuses such ids itself, whatever the entry point', async () => {
      const refused = async (work: () => Promise<unknown>): Promise<void> => {
        await assert.rejects(
          work,
          (e: unknown) => isLatchkeyError(e) && e.code === 'invalid_request',
        );
      };
      await refused(() =>
        createTransaction(h.runtime, { appId: h.app.id, kind: 'register', externalId: 'c\ud800' }),
      );
      await refused(() =>
        trackAction(h.runtime, {
          appId: h.app.id,
          externalId: 'c\u0007',
          actionCode: 'login',
          attributes: {},
        }),
      );
      assert.equal(await h.store.users.findByExternalId(h.app.id, 'c\ufffd'), null);
    });
  });
}
