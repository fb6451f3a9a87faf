import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createOperatorToken,
  createRuntime,
  ERROR_CODES,
  revokeOperatorToken,
  trackAction,
} from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../app.ts';
import {
  auditEvents,
  databases,
  type Harness,
  openHarness,
  registerUser,
} from '../../testing/harness.ts';
import { ADMIN_ERROR_STATUS } from './admin-errors.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Asserts the admin error shape and code. */
function assertError(res: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.request_id, 'string');
}

describe('the admin error table', () => {
  it('gives every core error code a status', () => {
    assert.deepEqual(Object.keys(ADMIN_ERROR_STATUS).sort(), [...ERROR_CODES].sort());
  });
});

for (const db of databases()) {
  describe(`the admin API (${db.name})`, () => {
    let h: Harness;
    let token: string;
    let tokenId: string;
    const admin = (
      method: Method,
      path: string,
      body?: unknown,
      credential: string | null = token,
    ): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method,
        url: `/admin/v1${path}`,
        headers: credential === null ? {} : { authorization: `Bearer ${credential}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
    const actorEvents = async (type: Parameters<typeof auditEvents>[1], appId?: string) =>
      (await auditEvents(h, type, appId)).filter((e) => e.data?.actor === tokenId);

    before(async () => {
      h = await openHarness(db);
      const created = await createOperatorToken(h.runtime, { name: 'alice' });
      token = created.token;
      tokenId = created.id;
    });
    after(async () => {
      await h.close();
    });

    describe('authentication', () => {
      it('refuses a request without a credential, with a malformed one, or with an unknown token', async () => {
        assertError(await admin('GET', '/apps', undefined, null), 401, 'unauthorized');
        assertError(await admin('GET', '/apps', undefined, 'nonsense'), 401, 'unauthorized');
        assertError(
          await admin('GET', '/apps', undefined, `${token.slice(0, -4)}AAAA`),
          401,
          'unauthorized',
        );
      });

      it('refuses an app API key on every admin route and audits why', async () => {
        const res = await admin('GET', `/apps/${h.app.id}`, undefined, h.app.apiKey);
        assertError(res, 401, 'unauthorized');
        const rejected = await h.store.adminQueries.searchAudit({
          types: ['operator.rejected'],
          limit: 50,
        });
        assert.ok(rejected.some((e) => e.reason === 'app_key'));
        const spec = (await h.server.inject({ method: 'GET', url: '/openapi.json' })).json();
        const routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
          .filter(([path]) => path.startsWith('/admin/v1'))
          .flatMap(([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as const));
        assert.ok(routes.length >= 20, `admin routes in the OpenAPI document: ${routes.length}`);
        for (const [index, [method, path]] of routes.entries()) {
          if (path === '/admin/v1/session' && method === 'POST') continue;
          const url = path
            .replace('{app_id}', h.app.id)
            .replace(/\{[a-z_]+\}/g, 'x')
            .replace('/admin/v1', '');
          const body = method === 'GET' || method === 'DELETE' ? undefined : {};
          // One client address per route: more routes than the refused-credentials limit allows
          // from one address in a minute.
          const refused = await h.server.inject({
            method: method as Method,
            url: `/admin/v1${url}`,
            remoteAddress: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`,
            headers: { authorization: `Bearer ${h.app.apiKey}` },
            ...(body === undefined ? {} : { payload: body }),
          });
          assertError(refused, 401, 'unauthorized');
        }
        // Refused credentials are limited per address and minute: the next test starts afresh.
        h.clock.advance(60);
      });

      it('refuses an app key, a session and a revoked token at the session exchange', async () => {
        assertError(
          await admin('POST', '/session', { token: h.app.apiKey }, null),
          401,
          'unauthorized',
        );
        const session = (await admin('POST', '/session', { token }, null)).json().session;
        assertError(await admin('POST', '/session', { token: session }, null), 401, 'unauthorized');
        const other = await createOperatorToken(h.runtime, { name: 'bob' });
        await revokeOperatorToken(h.runtime, { tokenId: other.id });
        assertError(
          await admin('POST', '/session', { token: other.token }, null),
          401,
          'unauthorized',
        );
        assertError(await admin('POST', '/session', { nope: 1 }, null), 400, 'invalid_request');
      });

      it('exchanges a token for a session that works, ends on sign-out and expires when idle', async () => {
        const created = await admin('POST', '/session', { token }, null);
        assert.equal(created.statusCode, 201, created.body);
        const { session, operator } = created.json();
        assert.match(session, /^lks_/);
        assert.equal(operator.token_id, tokenId);
        const me = await admin('GET', '/me', undefined, session);
        assert.equal(me.statusCode, 200, me.body);
        assert.equal(me.json().operator.via, 'session');
        assert.equal((await admin('DELETE', '/session', undefined, session)).statusCode, 204);
        assertError(await admin('GET', '/me', undefined, session), 401, 'unauthorized');

        const idle = (await admin('POST', '/session', { token }, null)).json().session;
        assert.equal((await admin('GET', '/apps', undefined, idle)).statusCode, 200);
        h.clock.advance(31 * 60);
        assertError(await admin('GET', '/apps', undefined, idle), 401, 'unauthorized');
      });

      it('ends the sessions of a token when the token is revoked', async () => {
        const other = await createOperatorToken(h.runtime, { name: 'carol' });
        const session = (await admin('POST', '/session', { token: other.token }, null)).json()
          .session;
        assert.equal((await admin('GET', '/me', undefined, session)).statusCode, 200);
        await revokeOperatorToken(h.runtime, { tokenId: other.id });
        assertError(await admin('GET', '/me', undefined, session), 401, 'unauthorized');
        assertError(await admin('GET', '/me', undefined, other.token), 401, 'unauthorized');
      });

      it('accepts LATCHKEY_ADMIN_TOKEN, compared by hash, and names it env in the audit log', async () => {
        const runtime = createRuntime({ store: h.store, now: h.clock.now });
        const server = await buildServer({
          runtime,
          logger: false,
          adminToken: 'correct-horse-battery-staple',
        });
        try {
          const call = (credential: string) =>
            server.inject({
              method: 'POST',
              url: `/admin/v1/apps/${h.app.id}/keys`,
              headers: { authorization: `Bearer ${credential}` },
            });
          assertError(await call('correct-horse-battery-stapl'), 401, 'unauthorized');
          const res = await call('correct-horse-battery-staple');
          assert.equal(res.statusCode, 201, res.body);
          const created = await h.store.audit.list({
            appId: h.app.id,
            type: 'api_key.created',
            limit: 1,
          });
          assert.equal(created[0]?.data?.actor, 'env');
        } finally {
          await server.close();
        }
      });
    });

    describe('apps and keys', () => {
      let appId: string;

      it('creates an app with its first key, shown once, and audits it with the actor', async () => {
        const res = await admin('POST', '/apps', {
          name: 'Shop',
          origins: ['https://shop.example'],
          policy: { userVerification: 'preferred', rateLimits: { startsPerIp: 50 } },
        });
        assert.equal(res.statusCode, 201, res.body);
        const body = res.json();
        appId = body.app.app_id;
        assert.equal(body.app.rp_id, 'shop.example');
        assert.equal(body.app.policy.userVerification, 'preferred');
        assert.equal(body.app.policy.rateLimits.startsPerIp, 50);
        assert.match(body.api_key, /^lk_/);
        assert.equal((await actorEvents('app.created', appId)).length, 1);
        assert.equal((await actorEvents('api_key.created', appId)).length, 1);
      });

      it('lists and shows apps', async () => {
        const list = (await admin('GET', '/apps')).json().apps;
        assert.ok(list.some((a: { app_id: string }) => a.app_id === appId));
        const one = await admin('GET', `/apps/${appId}`);
        assert.equal(one.json().name, 'Shop');
        assertError(await admin('GET', '/apps/missing'), 404, 'app_not_found');
      });

      it('changes origins, lifetimes and rate limits, and audits the change', async () => {
        const res = await admin('PATCH', `/apps/${appId}`, {
          name: 'Shop 2',
          origins: ['https://shop.example', 'https://www.shop.example'],
          policy: { nonceTtlSeconds: 60, rateLimits: { failuresPerIp: 5 } },
        });
        assert.equal(res.statusCode, 200, res.body);
        const app = res.json();
        assert.equal(app.name, 'Shop 2');
        assert.deepEqual(app.origins, ['https://shop.example', 'https://www.shop.example']);
        assert.equal(app.policy.nonceTtlSeconds, 60);
        assert.equal(app.policy.rateLimits.failuresPerIp, 5);
        assert.equal(app.policy.rateLimits.startsPerIp, 50);
        assert.equal((await actorEvents('app.updated', appId)).length, 1);
      });

      it('answers 400 in the admin shape for invalid settings', async () => {
        assertError(
          await admin('PATCH', `/apps/${appId}`, { colour: 'red' }),
          400,
          'invalid_request',
        );
        assertError(
          await admin('PATCH', `/apps/${appId}`, { policy: { nonceTtlSeconds: 999_999 } }),
          400,
          'invalid_request',
        );
        assertError(
          await admin('PATCH', `/apps/${appId}`, { origins: ['https://elsewhere.example'] }),
          400,
          'invalid_request',
        );
        assertError(
          await admin('POST', '/apps', { name: 'x', origins: [] }),
          400,
          'invalid_request',
        );
        assertError(await admin('POST', '/apps', 'not json'), 400, 'invalid_request');
      });

      it('creates a key shown once, lists keys without secrets with last use, and revokes one', async () => {
        const created = await admin('POST', `/apps/${appId}/keys`);
        assert.equal(created.statusCode, 201, created.body);
        const { key, api_key: apiKey } = created.json();
        assert.equal(key.status, 'active');
        assert.equal(key.last_used_at, null);
        // The key works on the flex API, which records its use.
        const used = await h.manage(
          'POST',
          '/transactions/register',
          {
            external_id: 'zed',
            passkey_display_name: 'zed',
          },
          { appId, apiKey },
        );
        assert.equal(used.statusCode, 201, used.body);
        const listed = await admin('GET', `/apps/${appId}/keys`);
        assert.ok(!listed.body.includes(apiKey.split('.')[1]), 'no secret in the listing');
        const row = listed.json().keys.find((k: { key_id: string }) => k.key_id === key.key_id);
        assert.equal(typeof row.last_used_at, 'string');
        assert.equal((await admin('DELETE', `/apps/${appId}/keys/${key.key_id}`)).statusCode, 204);
        assertError(
          await admin('DELETE', `/apps/${appId}/keys/${key.key_id}`),
          400,
          'invalid_request',
        );
        const after = (await admin('GET', `/apps/${appId}/keys`)).json().keys;
        assert.equal(
          after.find((k: { key_id: string }) => k.key_id === key.key_id).status,
          'revoked',
        );
        assert.equal((await actorEvents('api_key.revoked', appId)).length, 1);
        const refused = await h.manage(
          'POST',
          '/transactions/register',
          {
            external_id: 'zed',
            passkey_display_name: 'zed',
          },
          { appId, apiKey },
        );
        assert.equal(refused.statusCode, 401);
      });

      it('counts ceremonies per day and failure reasons', async () => {
        const res = await admin('GET', `/apps/${h.app.id}/stats?days=7`);
        assert.equal(res.statusCode, 200, res.body);
        const stats = res.json();
        assert.equal(stats.days.length, 7);
        assert.ok(stats.days.every((d: { day: string }) => /^\d{4}-\d{2}-\d{2}$/.test(d.day)));
      });
    });

    describe('users and passkeys', () => {
      let userId: string;

      it('finds users by a prefix of their external id and shows their passkeys', async () => {
        await registerUser(h, 'maria.lopez');
        await registerUser(h, 'maria.lopez');
        await registerUser(h, 'mario');
        const found = await admin('GET', `/apps/${h.app.id}/users?external_id=maria&limit=10`);
        assert.equal(found.statusCode, 200, found.body);
        const { users, total } = found.json();
        assert.equal(total, 1);
        assert.equal(users[0].external_id, 'maria.lopez');
        userId = users[0].user_id;
        const detail = (await admin('GET', `/apps/${h.app.id}/users/${userId}`)).json();
        assert.equal(detail.passkeys.length, 2);
        const passkey = detail.passkeys[0];
        for (const field of [
          'type',
          'backup_eligible',
          'backup_state',
          'created_at',
          'usage_count',
          'provider',
        ]) {
          assert.ok(field in passkey, field);
        }
        assertError(await admin('GET', `/apps/${h.app.id}/users/missing`), 404, 'user_not_found');
      });

      it('revokes a passkey and audits it with the actor', async () => {
        const before = (await admin('GET', `/apps/${h.app.id}/users/${userId}`)).json().passkeys;
        const deviceId = before[0].device_id;
        const res = await admin('DELETE', `/apps/${h.app.id}/users/${userId}/passkeys/${deviceId}`);
        assert.equal(res.statusCode, 204, res.body);
        const afterList = (await admin('GET', `/apps/${h.app.id}/users/${userId}`)).json().passkeys;
        assert.equal(afterList.length, 1);
        const revoked = await actorEvents('credential.revoked');
        assert.equal(revoked[0]?.credentialId, deviceId);
        assertError(
          await admin('DELETE', `/apps/${h.app.id}/users/${userId}/passkeys/${deviceId}`),
          404,
          'device_not_found',
        );
      });
    });

    describe('rules, dry runs and actions', () => {
      const config = {
        defaultOutcome: 'ALLOW',
        rules: [
          {
            name: 'Large transfer',
            priority: 10,
            outcome: 'CHALLENGE',
            conditions: { '>': [{ var: 'custom.amount' }, 1000] },
          },
          {
            name: 'Huge transfer',
            priority: 5,
            outcome: 'BLOCK',
            conditions: { '>': [{ var: 'custom.amount' }, 100000] },
          },
        ],
      };

      it('sets, lists and reads an action code’s rules, auditing with the actor', async () => {
        const put = await admin('PUT', `/apps/${h.app.id}/action-configs/transfer`, config);
        assert.equal(put.statusCode, 200, put.body);
        assert.equal(put.json().version, 1);
        assert.deepEqual(
          put.json().rules.map((r: { ruleId: string }) => r.ruleId),
          ['large-transfer', 'huge-transfer'],
        );
        const list = (await admin('GET', `/apps/${h.app.id}/action-configs`)).json().configs;
        assert.deepEqual(
          list.map((c: { action_code: string }) => c.action_code),
          ['transfer'],
        );
        const one = await admin('GET', `/apps/${h.app.id}/action-configs/transfer`);
        assert.equal(one.json().default_outcome, 'ALLOW');
        assert.equal((await actorEvents('action_config.updated')).length, 1);
      });

      it('refuses invalid rules with 400 in the admin shape', async () => {
        const bad = {
          defaultOutcome: 'ALLOW',
          rules: [{ name: 'x', priority: 1, outcome: 'CHALLENGE', conditions: { nope: [1] } }],
        };
        assertError(
          await admin('PUT', `/apps/${h.app.id}/action-configs/transfer`, bad),
          400,
          'invalid_request',
        );
        assertError(
          await admin('PUT', `/apps/${h.app.id}/action-configs/transfer`, {
            defaultOutcome: 'MAYBE',
          }),
          400,
          'invalid_request',
        );
      });

      it('dry-runs stored and unsaved rules for a user without writing anything', async () => {
        const before = await h.store.audit.list({ appId: h.app.id, limit: 1000 });
        const run = (body: unknown) =>
          admin('POST', `/apps/${h.app.id}/action-configs/transfer/dry-run`, body);
        const challenged = await run({
          external_id: 'maria.lopez',
          attributes: { custom: { amount: 5000 } },
        });
        assert.equal(challenged.statusCode, 200, challenged.body);
        assert.equal(challenged.json().outcome, 'CHALLENGE');
        assert.equal(challenged.json().state, 'CHALLENGE_REQUIRED');
        assert.equal(challenged.json().deciding_rule.ruleId, 'large-transfer');
        assert.equal(challenged.json().user_known, true);
        assert.equal(challenged.json().context.passkeyCount, 1);
        const blocked = (await run({ attributes: { custom: { amount: 500000 } } })).json();
        assert.equal(blocked.outcome, 'BLOCK');
        assert.deepEqual(
          blocked.fired.map((r: { ruleId: string }) => r.ruleId),
          ['huge-transfer', 'large-transfer'],
        );
        assert.equal(
          (await run({ attributes: { custom: { amount: 5 } } })).json().outcome,
          'ALLOW',
        );
        const unsaved = await run({
          attributes: { custom: { amount: 5 } },
          config: { defaultOutcome: 'REVIEW', rules: [] },
        });
        assert.equal(unsaved.json().outcome, 'REVIEW');
        assert.equal(unsaved.json().config_version, null);
        assertError(await run({ config: { defaultOutcome: 'NO' } }), 400, 'invalid_request');
        assertError(await run({ attributes: { custom: { amount: [1] } } }), 400, 'invalid_request');
        const afterEvents = await h.store.audit.list({ appId: h.app.id, limit: 1000 });
        assert.equal(afterEvents.length, before.length, 'a dry run writes no audit event');
      });

      it('lists tracked actions by user, code and state', async () => {
        await trackAction(h.runtime, {
          appId: h.app.id,
          externalId: 'maria.lopez',
          actionCode: 'transfer',
          attributes: { custom: { amount: 5000 } },
        });
        await trackAction(h.runtime, {
          appId: h.app.id,
          externalId: 'mario',
          actionCode: 'transfer',
          attributes: { custom: { amount: 5 } },
        });
        const all = (await admin('GET', `/apps/${h.app.id}/actions`)).json().actions;
        assert.equal(all.length, 2);
        const maria = (
          await admin('GET', `/apps/${h.app.id}/actions?external_id=maria.lopez`)
        ).json();
        assert.deepEqual(
          maria.actions.map((a: { state: string }) => a.state),
          ['CHALLENGE_REQUIRED'],
        );
        const allowed = (
          await admin('GET', `/apps/${h.app.id}/actions?state=ALLOW&action_code=transfer`)
        ).json();
        assert.equal(allowed.actions.length, 1);
        assertError(
          await admin('GET', `/apps/${h.app.id}/actions?state=MAYBE`),
          400,
          'invalid_request',
        );
        assertError(
          await admin('GET', `/apps/${h.app.id}/actions?since=yesterday`),
          400,
          'invalid_request',
        );
        const stats = (await admin('GET', `/apps/${h.app.id}/stats`)).json();
        assert.deepEqual(stats.actions_by_code.transfer, { CHALLENGE_REQUIRED: 1, ALLOW: 1 });
        assert.deepEqual(stats.rule_fires, { 'large-transfer': 1 });
      });

      it('deletes an action code’s rules', async () => {
        assert.equal(
          (await admin('DELETE', `/apps/${h.app.id}/action-configs/transfer`)).statusCode,
          204,
        );
        assertError(
          await admin('GET', `/apps/${h.app.id}/action-configs/transfer`),
          404,
          'action_not_found',
        );
        assertError(
          await admin('DELETE', `/apps/${h.app.id}/action-configs/transfer`),
          404,
          'action_not_found',
        );
        assert.equal((await actorEvents('action_config.deleted')).length, 1);
      });
    });

    describe('the audit log', () => {
      it('filters by app, user, types and time, and names the actor', async () => {
        const all = await admin('GET', `/audit?app_id=${h.app.id}&limit=1000`);
        assert.equal(all.statusCode, 200, all.body);
        const events = all.json().events as Array<{
          type: string;
          at: string;
          actor: string | null;
          user_id: string | null;
        }>;
        assert.ok(events.some((e) => e.type === 'credential.revoked' && e.actor === tokenId));
        const maria = (
          await admin(
            'GET',
            `/audit?app_id=${h.app.id}&external_id=maria.lopez&type=credential.registered,credential.revoked`,
          )
        ).json().events;
        assert.deepEqual(maria.map((e: { type: string }) => e.type).sort(), [
          'credential.registered',
          'credential.registered',
          'credential.revoked',
        ]);
        const newest = events[0]?.at as string;
        const since = (
          await admin('GET', `/audit?app_id=${h.app.id}&since=${encodeURIComponent(newest)}`)
        ).json().events;
        assert.ok(since.length >= 1 && since.length < events.length);
        const until = (
          await admin(
            'GET',
            `/audit?app_id=${h.app.id}&until=${encodeURIComponent(newest)}&limit=1000`,
          )
        ).json().events;
        assert.equal(since.length + until.length, events.length);
        assertError(await admin('GET', '/audit?type=made.up'), 400, 'invalid_request');
        assertError(await admin('GET', '/audit?external_id=maria.lopez'), 400, 'invalid_request');
      });

      it('exports the same search as JSON lines', async () => {
        const res = await admin('GET', `/audit/export?app_id=${h.app.id}&type=credential.revoked`);
        assert.equal(res.statusCode, 200, res.body);
        assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
        assert.match(String(res.headers['content-disposition']), /attachment/);
        const lines = res.body
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
        assert.equal(lines.length, 1);
        assert.equal(lines[0].type, 'credential.revoked');
        assert.equal(lines[0].actor, tokenId);
      });

      it('records operator sessions and refusals', async () => {
        const started = await h.store.adminQueries.searchAudit({
          types: ['operator_session.started', 'operator_session.ended'],
          limit: 50,
        });
        assert.ok(
          started.some((e) => e.type === 'operator_session.ended' && e.data?.actor === tokenId),
        );
      });
    });

    describe('the console', () => {
      it('serves one bundled page, script and stylesheet with a strict content security policy', async () => {
        const page = await h.server.inject({ method: 'GET', url: '/console' });
        assert.equal(page.statusCode, 200);
        assert.match(String(page.headers['content-type']), /text\/html/);
        assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
        assert.ok(
          !/https?:\/\//.test(page.body.replace(/http:\/\/www\.w3\.org[^"]*/g, '')),
          'no external URL',
        );
        const js = await h.server.inject({ method: 'GET', url: '/console/assets/console.js' });
        assert.equal(js.statusCode, 200);
        assert.match(String(js.headers['content-type']), /javascript/);
        const css = await h.server.inject({ method: 'GET', url: '/console/assets/console.css' });
        assert.equal(css.statusCode, 200);
        assert.match(css.body, /--pico-/);
      });
    });
  });
}
