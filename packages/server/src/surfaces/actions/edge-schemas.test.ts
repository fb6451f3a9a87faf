/**
 * The actions surface validates at the edge: every route is in `/openapi.json` with the schemas of
 * what it takes and what it answers, and a body that breaks its schema is refused with a 400 in the
 * surface's own error shape, before any handler or core function runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databases } from '../../testing/harness.ts';
import { type ActionsHarness, openActionsHarness } from './testing/actions-harness.ts';

/** Every route of the actions contract, as `/openapi.json` writes its path. */
const ACTIONS_ROUTES = [
  'post /v1/users/{userId}/actions/{action}',
  'post /v1/validate',
  'get /v1/users/{userId}',
  'patch /v1/users/{userId}',
  'delete /v1/users/{userId}',
  'get /v1/users/{userId}/authenticators',
  'delete /v1/users/{userId}/authenticators/{authenticatorId}',
  'get /v1/users/{userId}/actions',
  'get /v1/users/{userId}/actions/{action}/{idempotencyKey}',
  'patch /v1/users/{userId}/actions/{action}/{idempotencyKey}',
  'get /v1/action-configs',
  'get /v1/action-configs/{actionCode}',
  'put /v1/action-configs/{actionCode}',
  'post /v1/client/user-authenticators/passkey/registration-options',
  'post /v1/client/user-authenticators/passkey',
  'post /v1/client/challenge',
  'post /v1/client/user-authenticators/passkey/authentication-options',
  'post /v1/client/verify/passkey',
  'get /v1/client/user-authenticators/passkey',
  'get /v1/client/user-authenticators',
] as const;

/** The routes that read a querystring. */
const QUERY_ROUTES = new Set([
  'get /v1/users/{userId}/actions',
  'get /v1/client/user-authenticators/passkey',
]);

type Operation = {
  tags?: string[];
  parameters?: { in: string; name: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};

const [db] = databases();
if (!db) throw new Error('no test database');

describe('the actions surface at the edge', () => {
  let h: ActionsHarness;
  before(async () => {
    h = await openActionsHarness(db);
  });
  after(() => h.close());

  const secret = () => `Basic ${Buffer.from(`${h.app.apiKey}:`).toString('base64')}`;
  const server = (method: string, path: string, body?: unknown) =>
    h.server.inject({
      method: method as 'POST',
      url: `/v1${path}`,
      headers: { authorization: secret(), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it('lists every actions route in /openapi.json with its input and 2xx schemas', async () => {
    const doc = (await h.server.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const found: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (op.tags?.some((t) => t.startsWith('actions'))) found.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(found.sort(), [...ACTIONS_ROUTES].sort());

    for (const route of ACTIONS_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method] as Operation;
      const params = op.parameters ?? [];
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        const param = params.find((p) => p.in === 'path' && p.name === name);
        assert.ok(param?.schema, `${route}: path parameter ${name} has a schema`);
      }
      if (QUERY_ROUTES.has(route)) {
        assert.ok(
          params.some((p) => p.in === 'query' && p.schema),
          `${route}: query schema`,
        );
      }
      if (['post', 'put', 'patch'].includes(method)) {
        const body = op.requestBody?.content?.['application/json']?.schema;
        assert.ok(body && Object.keys(body).length > 0, `${route}: request body schema`);
      }
      const ok = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith('2'));
      const schema = ok?.[1].content?.['application/json']?.schema;
      assert.ok(schema && Object.keys(schema).length > 0, `${route}: 2xx response schema`);
      assert.ok(op.responses?.['400'], `${route}: its error shape is described`);
    }
  });

  it('refuses a track whose custom attributes break the schema, and stores nothing', async () => {
    for (const custom of [
      [1],
      { nested: { no: true } },
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
    ]) {
      const res = await server('POST', '/users/edge-ada/actions/transfer', { custom });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(Object.keys(res.json()).sort(), ['error', 'errorCode', 'errorDescription']);
      assert.equal(res.json().errorCode, 'invalid_request');
      // The schema's message, not the core's: the edge refused it.
      assert.match(res.json().errorDescription, /^body \/custom/);
    }
    assert.equal(await h.store.users.findByExternalId(h.app.id, 'edge-ada'), null);
  });

  it('refuses an unknown action state in a query or an update, in the server shape', async () => {
    await server('POST', '/users/edge-bob/actions/transfer', {});
    const query = await server('GET', '/users/edge-bob/actions?state=DONE');
    assert.equal(query.statusCode, 400, query.body);
    assert.match(query.json().errorDescription, /^querystring \/state/);
    const [tracked] = (await server('GET', '/users/edge-bob/actions')).json();
    const update = await server(
      'PATCH',
      `/users/edge-bob/actions/transfer/${tracked.idempotencyKey}`,
      { state: 'DONE' },
    );
    assert.equal(update.statusCode, 400, update.body);
    assert.match(update.json().errorDescription, /^body \/state/);
    const [after] = (await server('GET', '/users/edge-bob/actions')).json();
    assert.equal(after.state, tracked.state);
  });

  it('refuses a rules body with a field no rule has, and keeps the rules unset', async () => {
    const res = await server('PUT', '/action-configs/edge-rules', {
      defaultOutcome: 'ALLOW',
      rules: [{ name: 'r', priority: 1, outcome: 'BLOCK', conditions: true, when: 'always' }],
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().errorDescription, /^body \/rules\/0/);
    assert.equal(await h.store.actionConfigs.find(h.app.id, 'edge-rules'), null);
  });

  it('refuses an over-long name for a new passkey in the client shape, with JSON', async () => {
    const { token } = await h.authsignal.track({ userId: 'edge-cy', action: 'signUp' });
    const res = await h
      .page()
      .call(
        '/client/user-authenticators/passkey/registration-options',
        { username: 'x'.repeat(256) },
        token,
      );
    assert.equal(res.errorCode, 'invalid_request');
    assert.match(res.errorDescription, /^body \/username/);
  });
});
