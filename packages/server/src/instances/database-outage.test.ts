/**
 * The database goes away under a running instance and comes back: meanwhile readiness fails and
 * requests get a 503 with `Retry-After` in every surface's shape (never a hang or a 500); afterwards the instance
 * recovers by itself, without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createApp, createRuntime } from '@latchkey/core';
import { openStore } from '@latchkey/store';
import { FlexClient } from '../testing/flex-client.ts';
import {
  createPostgresDatabase,
  type Instance,
  startInstance,
  startTcpProxy,
  type TcpProxy,
  type TestPostgresDatabase,
} from '../testing/instances.ts';
import { postgresUrlOrSkip } from '../testing/postgres-url.ts';

const ORIGIN = 'https://bank.example';
const ADMIN_TOKEN = 'outage-operator-token-0123456789';
const basic = (user: string): string => `Basic ${Buffer.from(user).toString('base64')}`;
const postgres = postgresUrlOrSkip();

describe('a database outage (postgres)', { skip: postgres.skip }, () => {
  let database: TestPostgresDatabase;
  let proxy: TcpProxy;
  let instance: Instance;
  let client: FlexClient;
  let appId: string;
  let apiKey: string;

  before(async () => {
    database = await createPostgresDatabase(postgres.url as string);
    const store = await openStore({ url: database.url });
    const created = await createApp(createRuntime({ store }), { name: 'Bank', origins: [ORIGIN] });
    await store.close();
    appId = created.app.id;
    apiKey = created.apiKey;
    client = new FlexClient({ appId, apiKey, origin: ORIGIN });
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(database.url);
    through.port = String(proxy.port);
    instance = await startInstance({
      databaseUrl: through.toString(),
      env: { LATCHKEY_ADMIN_TOKEN: ADMIN_TOKEN },
    });
  });

  after(async () => {
    await instance?.stop();
    await proxy?.close();
    await database?.drop();
  });

  /** The actions server and client APIs and the admin API, each in its own shape. */
  async function assertEverySurfaceUnavailable(): Promise<void> {
    const calls: Array<[string, RequestInit, (body: any) => unknown]> = [
      [
        '/v1/users/ada/actions/transfer',
        { method: 'POST', headers: { authorization: basic(`${apiKey}:`) }, body: '{}' },
        (body) => body.errorCode,
      ],
      [
        '/v1/client/challenge',
        {
          method: 'POST',
          headers: { authorization: basic(encodeURIComponent(appId)) },
          body: '{}',
        },
        (body) => body.errorCode,
      ],
      [
        '/admin/v1/apps',
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        (body) => body.error.code,
      ],
    ];
    for (const [path, init, codeOf] of calls) {
      const res = await fetch(`${instance.url}${path}`, init);
      assert.equal(res.status, 503, `${path}: ${res.status}`);
      assert.equal(res.headers.get('retry-after'), '1', path);
      assert.equal(codeOf(await res.json()), 'unavailable', path);
    }
  }

  it('answers 503 while the database is away and recovers when it is back', async () => {
    const authenticator = new SoftwareAuthenticator();
    assert.equal((await client.register(instance.url, authenticator, 'ada')).status, 200);

    proxy.cut();
    const ready = await fetch(`${instance.url}/readyz`).catch((error) => {
      throw new Error(`the instance stopped answering:\n${instance.output()}`, { cause: error });
    });
    assert.equal(ready.status, 503);
    assert.equal(
      (await fetch(`${instance.url}/healthz`)).status,
      200,
      'the process itself is alive',
    );
    const refused = await client.manage(instance.url, '/transactions/authenticate', {
      external_id: 'ada',
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'internal_server_error');
    const start = await client.call(instance.url, '/authenticate/transactions/webauthn/start', {});
    assert.equal(start.status, 503);
    await assertEverySurfaceUnavailable();

    proxy.resume();
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await fetch(`${instance.url}/readyz`)).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(recovered, 'readiness came back without a restart');
    const signedIn = await client.signIn(instance.url, authenticator, 'ada');
    assert.equal(signedIn.status, 200);
    assert.deepEqual((await client.verify(instance.url, signedIn.body.nonce)).body, {
      external_id: 'ada',
    });
  });
});
