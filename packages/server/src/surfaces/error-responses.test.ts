/**
 * What each surface tells a caller when it refuses a request: the code and a fixed message, never
 * the check that refused it (that stays in the audit log); every failure in the surface's own
 * shape, including those Fastify raises before a route is found; 503 with `Retry-After` on every
 * surface when the database cannot commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createOperatorToken } from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import {
  auditEvents,
  authenticateTransaction,
  databases,
  finishLogin,
  type Harness,
  ORIGIN,
  openHarness,
  registerUser,
  startLogin,
} from '../testing/harness.ts';

const LONG = 'x'.repeat(300);

for (const db of databases()) {
  describe(`error responses (${db.name})`, () => {
    let h: Harness;
    let operator: string;
    const basic = (): string =>
      `Basic ${Buffer.from(encodeURIComponent(h.app.id)).toString('base64')}`;
    const secret = (): string => `Basic ${Buffer.from(`${h.app.apiKey}:`).toString('base64')}`;
    const call = (
      method: 'GET' | 'POST',
      url: string,
      authorization?: string,
    ): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method,
        url,
        headers: authorization ? { authorization } : {},
        ...(method === 'POST' ? { payload: {} } : {}),
      });

    before(async () => {
      h = await openHarness(db);
      operator = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    });
    after(async () => {
      await h.close();
    });

    it("says the same for a counter regression and for another user's credential", async () => {
      const device = new SoftwareAuthenticator({ backupEligible: false, backupState: false });
      const ada = await registerUser(h, 'err-ada', device);
      const mallory = await registerUser(h, 'err-mallory');
      const login = async (externalId: string, who: typeof ada, signCount: number) => {
        const started = await startLogin(h, await authenticateTransaction(h, externalId));
        const options = { ...started.options, allowCredentials: [] };
        const assertion = await who.authenticator.getAssertion({
          options,
          origin: ORIGIN,
          overrides: { signCount },
        });
        return finishLogin(h, started, assertion);
      };
      assert.equal((await login('err-ada', ada, 10)).statusCode, 200);
      const regressed = await login('err-ada', ada, 5);
      const foreign = await login('err-ada', mallory, 20);
      for (const res of [regressed, foreign]) {
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), {
          code: 'webauthn_login_failed',
          error: 'the passkey could not be verified',
        });
      }
      const reasons = (await auditEvents(h, 'ceremony.failed')).map((e) => e.reason);
      assert.ok(reasons.includes('counter_regression'), reasons.join());
      assert.ok(reasons.includes('credential_not_allowed'), reasons.join());
    });

    it('keeps which field is malformed in a validation error', async () => {
      const res = await h.manage('POST', '/transactions/register', { external_id: 'ada' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'invalid_request');
      assert.match(res.json().error, /passkey_display_name/);
    });

    it("answers an over-long path segment in each surface's shape", async () => {
      const flex = await call('GET', `/v1/apps/${LONG}`);
      assert.ok([400, 414].includes(flex.statusCode), flex.body);
      assert.deepEqual(Object.keys(flex.json()).sort(), ['code', 'error']);
      assert.equal(flex.json().code, 'invalid_request');

      const track = await call('POST', `/v1/users/${LONG}/actions/transfer`, secret());
      assert.ok([400, 414].includes(track.statusCode), track.body);
      assert.equal(track.json().errorCode, 'invalid_request');
      assert.equal(typeof track.json().errorDescription, 'string');
      assert.ok(!track.body.includes(LONG), 'the segment is not echoed');

      const admin = await call('GET', `/admin/v1/apps/${LONG}`, `Bearer ${operator}`);
      assert.ok([400, 414].includes(admin.statusCode), admin.body);
      assert.equal(admin.json().error.code, 'invalid_request');
      assert.equal(typeof admin.json().request_id, 'string');
    });

    it("answers a malformed URL in the surface's shape", async () => {
      const res = await call(
        'GET',
        `/v1/apps/${h.app.id}/users/%E0%A4%A`,
        `Bearer ${h.app.apiKey}`,
      );
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json(), {
        code: 'invalid_request',
        error: 'the request path is not valid percent-encoded UTF-8',
      });
    });

    it('answers an unknown route in the shape of the surface it falls under', async () => {
      const flex = await call('GET', `/v1/apps/${h.app.id}/nowhere`);
      assert.equal(flex.statusCode, 404);
      assert.equal(flex.json().code, 'invalid_request');
      const server = await call('GET', '/v1/nowhere', secret());
      assert.equal(server.statusCode, 404);
      assert.equal(server.json().errorCode, 'not_found');
      const client = await call('GET', '/v1/client/nowhere', basic());
      assert.equal(client.statusCode, 404);
      assert.equal(client.json().errorCode, 'invalid_request');
      const admin = await call('GET', '/admin/v1/nowhere', `Bearer ${operator}`);
      assert.equal(admin.statusCode, 404);
      assert.equal(admin.json().error.code, 'not_found');
      const other = await call('GET', '/nowhere');
      assert.equal(other.statusCode, 404);
      assert.deepEqual(other.json(), { code: 'not_found', error: 'no route GET /nowhere' });
    });
  });
}

const sqlite = databases().find((d) => d.name === 'sqlite')!;

describe('503 on every surface when the database cannot commit (sqlite)', () => {
  let h: Harness;
  let operator: string;
  before(async () => {
    h = await openHarness(sqlite);
    operator = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    // From now on every audit event adds a row whose deferred foreign key fails at COMMIT, so every
    // request that writes is refused by the store after its handler ran.
    const { db } = h.store;
    await sql`create table orphans (id text primary key, parent text references apps(id) deferrable initially deferred)`.execute(
      db,
    );
    await sql`create trigger poison after insert on audit_events begin insert into orphans values (new.id, 'no such app'); end`.execute(
      db,
    );
  });
  after(async () => {
    await h.close();
  });

  const assertUnavailable = (res: LightMyRequestResponse, code: () => unknown): void => {
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.headers['retry-after'], '1');
    assert.ok(code());
  };

  it('flex', async () => {
    const res = await h.manage('POST', '/transactions/register', {
      external_id: 'ada',
      passkey_display_name: 'Ada',
    });
    assertUnavailable(res, () => res.json().code === 'internal_server_error');
  });

  it('the actions server API', async () => {
    const res = await h.server.inject({
      method: 'POST',
      url: '/v1/users/ada/actions/transfer',
      headers: { authorization: `Basic ${Buffer.from(`${h.app.apiKey}:`).toString('base64')}` },
      payload: {},
    });
    assertUnavailable(res, () => res.json().errorCode === 'unavailable');
  });

  it('the actions client API', async () => {
    const res = await h.server.inject({
      method: 'POST',
      url: '/v1/client/challenge',
      headers: {
        authorization: `Basic ${Buffer.from(encodeURIComponent(h.app.id)).toString('base64')}`,
      },
      payload: { action: 'signInWithPasskey' },
    });
    assertUnavailable(res, () => res.json().errorCode === 'unavailable');
  });

  it('the admin API', async () => {
    const res = await h.server.inject({
      method: 'POST',
      url: '/admin/v1/apps',
      headers: { authorization: `Bearer ${operator}` },
      payload: { name: 'Shop', origins: ['https://shop.example'] },
    });
    assertUnavailable(res, () => res.json().error.code === 'unavailable');
  });
});
