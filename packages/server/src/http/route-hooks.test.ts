/**
 * Hooks that only some routes need are put on those routes alone: the others run none of them,
 * and the routes that do run them in the order they had as application and plugin hooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp, createRuntime, type RateLimitCounter } from '@latchkey/core';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { buildServer } from '../app.ts';
import { createMemoryRateLimitCounter } from '../rate-limits/memory-rate-limit-counter.ts';
import { databases, NO_RATE_LIMITS, ORIGIN } from '../testing/harness.ts';
import { addRouteHook } from './route-hooks.ts';

const sqlite = databases().find((d) => d.name === 'sqlite')!;

describe('addRouteHook', () => {
  it("runs added hooks in the order added, after the application's and before the route's own", async () => {
    const order: string[] = [];
    const step =
      (name: string): onRequestHookHandler =>
      (_request, _reply, done) => {
        order.push(name);
        done();
      };
    const app = Fastify();
    app.addHook('onRequest', step('application'));
    app.addHook('onRoute', (route) => {
      if (route.url !== '/hooked') return;
      addRouteHook(route, 'onRequest', step('first added'));
      addRouteHook(route, 'onRequest', step('second added'));
    });
    const own = [step('own')];
    app.get('/hooked', { onRequest: own }, async () => 'ok');
    app.get('/plain', { onRequest: step('plain own') }, async () => 'ok');
    await app.inject({ method: 'GET', url: '/hooked' });
    assert.deepEqual(order, ['application', 'first added', 'second added', 'own']);
    assert.equal(own.length, 1, "the route's own list is left as it was");

    order.length = 0;
    await app.inject({ method: 'GET', url: '/plain' });
    assert.deepEqual(order, ['application', 'plain own']);
    await app.close();
  });
});

describe('hooks on the routes that need them (sqlite)', () => {
  let server: FastifyInstance;
  let cleanup: () => Promise<void>;
  let appId: string;
  let apiKey: string;
  const calls: string[] = [];

  before(async () => {
    const opened = await sqlite.open();
    cleanup = opened.cleanup;
    const runtime = createRuntime({ store: opened.store });
    const memory = createMemoryRateLimitCounter();
    const counter: RateLimitCounter = {
      hit(keys, windowMs, now, counts) {
        calls.push(...keys.map((key) => `hit ${key.split(':')[0]}`));
        return memory.hit(keys, windowMs, now, counts);
      },
      peek: (keys, windowMs, now) => memory.peek(keys, windowMs, now),
      release(keys, windowMs, now, counts) {
        calls.push(...keys.map((key) => `release ${key.split(':')[0]}`));
        return memory.release(keys, windowMs, now, counts);
      },
    };
    server = await buildServer({ runtime, logger: false, rateLimitCounter: counter });
    const created = await createApp(runtime, {
      name: 'Bank',
      origins: [ORIGIN],
      policy: { rateLimits: { ...NO_RATE_LIMITS, startsPerIp: 100 } },
    });
    appId = created.app.id;
    apiKey = created.apiKey;
  });
  after(async () => {
    await server.close();
    await cleanup();
  });

  it('counts nothing for a request to a route that is not limited', async () => {
    const requests = [
      { method: 'GET' as const, url: '/healthz' },
      { method: 'GET' as const, url: '/metrics' },
      { method: 'GET' as const, url: `/v1/apps/${appId}/users` },
      { method: 'POST' as const, url: `/v1/apps/${appId}/transactions/authenticate` },
      { method: 'GET' as const, url: '/no/such/route' },
    ];
    for (const request of requests) {
      const res = await server.inject({
        ...request,
        headers: { origin: ORIGIN, authorization: `Bearer ${apiKey}` },
      });
      assert.ok(res.headers['x-request-id'], request.url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', request.url);
    }
    await server.rateLimitCounter.drain();
    assert.deepEqual(calls, []);
  });

  it('counts a start on a limited route, and answers it with its CORS headers', async () => {
    const res = await server.inject({
      method: 'POST',
      url: `/v1/apps/${appId}/authenticate/transactions/webauthn/start`,
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      payload: '{}',
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.deepEqual(calls, ['hit start']);
  });

  it("sets CORS headers before a management route's own credential check refuses", async () => {
    const res = await server.inject({
      method: 'GET',
      url: `/v1/apps/${appId}/users`,
      headers: { authorization: 'Bearer lk_nope', origin: ORIGIN },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(res.headers.vary, 'Origin');
  });
});
