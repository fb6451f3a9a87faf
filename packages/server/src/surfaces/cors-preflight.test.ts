/**
 * CORS preflights leave the log clean: a browser sends one before nearly every call, so a warning
 * or an error logged for each would bury the real ones.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createApp, createRuntime } from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../app.ts';
import { databases, ORIGIN } from '../testing/harness.ts';

const sqlite = databases().find((d) => d.name === 'sqlite')!;

/** pino's numeric level for `warn`; `error` is 50. */
const WARN = 40;

describe('CORS preflights (sqlite)', () => {
  const lines: Array<{ level: number; msg?: string; url?: string }> = [];
  let server: FastifyInstance;
  let cleanup: () => Promise<void>;
  let appId: string;

  before(async () => {
    const opened = await sqlite.open();
    cleanup = opened.cleanup;
    const runtime = createRuntime({ store: opened.store });
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    server = await buildServer({ runtime, logger: { level: 'info', stream } });
    appId = (await createApp(runtime, { name: 'Bank', origins: [ORIGIN] })).app.id;
  });
  after(async () => {
    await server.close();
    await cleanup();
  });

  const preflight = async (url: string, origin = ORIGIN) => {
    const before = lines.length;
    const res = await server.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    // pino writes asynchronously to a stream; let it drain before reading.
    await new Promise((resolve) => setImmediate(resolve));
    return { res, logged: lines.slice(before) };
  };

  for (const [name, path] of [
    ['a flex route', () => `/v1/apps/${appId}/authenticate/transactions/webauthn/start`],
    ['the flex app route', () => `/v1/apps/${appId}`],
    ['an actions client route', () => '/v1/client/challenge'],
  ] as const) {
    it(`answers a preflight to ${name} with 204 and logs nothing above info`, async () => {
      for (const origin of [ORIGIN, 'https://evil.example']) {
        const { res, logged } = await preflight(path(), origin);
        assert.equal(res.statusCode, 204);
        const allowed = res.headers['access-control-allow-origin'];
        assert.equal(allowed, origin === ORIGIN ? ORIGIN : undefined);
        const loud = logged.filter((line) => line.level >= WARN);
        assert.deepEqual(loud, [], JSON.stringify(loud));
        assert.ok(logged.length > 0, 'the request itself was logged');
      }
    });
  }
});
