/**
 * The pages latchkey serves (`/docs` and `/console`) carry a content security policy that forbids
 * framing, nosniff and no-referrer on every one of their responses, and every API response, errors
 * included, carries nosniff.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRuntime } from '@latchkey/core';
import { openStore, type SqlStore } from '@latchkey/store';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../app.ts';

function assertPageHeaders(res: LightMyRequestResponse, url: string): void {
  assert.equal(res.statusCode, 200, url);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /frame-ancestors 'none'/, url);
  assert.match(csp, /default-src 'self'/, url);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
}

describe('security headers of pages and API responses', () => {
  let store: SqlStore;
  let server: FastifyInstance;
  before(async () => {
    store = await openStore({ url: 'sqlite::memory:' });
    server = await buildServer({ runtime: createRuntime({ store }), logger: false });
  });
  after(async () => {
    await server.close();
    await store.close();
  });
  const get = (url: string) => server.inject({ method: 'GET', url });

  it('/docs: the page, its scripts and styles, and the document it renders', async () => {
    for (const url of [
      '/docs',
      '/docs/',
      '/docs/static/swagger-initializer.js',
      '/docs/static/swagger-ui-bundle.js',
      '/docs/static/swagger-ui.css',
      '/docs/json',
    ]) {
      assertPageHeaders(await get(url), url);
    }
  });

  it('/console: the page, its script and its stylesheet', async () => {
    for (const url of ['/console', '/console/assets/console.js', '/console/assets/console.css']) {
      assertPageHeaders(await get(url), url);
    }
  });

  it('every API response is nosniff, errors and unknown routes included', async () => {
    for (const url of [
      '/healthz',
      '/openapi.json',
      '/v1/apps/nope/users',
      '/admin/v1/apps',
      '/no/such/route',
      '/v1/apps/x%FF',
    ]) {
      const res = await get(url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `${url} ${res.statusCode}`);
    }
  });
});
