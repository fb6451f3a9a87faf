/**
 * Several latchkey processes on one PostgreSQL, behind no load balancer but the test itself: every
 * single-use promise (a challenge, a transaction, a nonce) holds across instances, because each
 * consumption is one atomic statement in the shared database.
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
  type TestPostgresDatabase,
} from '../testing/instances.ts';
import { postgresUrlOrSkip } from '../testing/postgres-url.ts';

const ORIGIN = 'https://bank.example';
const postgres = postgresUrlOrSkip();

describe('many instances on one PostgreSQL', { skip: postgres.skip }, () => {
  let database: TestPostgresDatabase;
  let instances: Instance[] = [];
  let client: FlexClient;
  const at = (i: number): string => (instances[i % instances.length] as Instance).url;

  before(async () => {
    database = await createPostgresDatabase(postgres.url as string);
    const store = await openStore({ url: database.url });
    const created = await createApp(createRuntime({ store }), { name: 'Bank', origins: [ORIGIN] });
    await store.close();
    client = new FlexClient({ appId: created.app.id, apiKey: created.apiKey, origin: ORIGIN });
    instances = await Promise.all(
      [0, 1, 2].map(() => startInstance({ databaseUrl: database.url })),
    );
  });

  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
  });

  it('registers on one instance and signs in on another', async () => {
    const authenticator = new SoftwareAuthenticator();
    const registered = await client.register(at(0), authenticator, 'ada');
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.deepEqual((await client.verify(at(1), registered.body.nonce)).body, {
      external_id: 'ada',
    });

    const signedIn = await client.signIn(at(1), authenticator, 'ada');
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.deepEqual((await client.verify(at(2), signedIn.body.nonce)).body, {
      external_id: 'ada',
    });
  });

  it('starts a ceremony on one instance and finishes it on another', async () => {
    const authenticator = new SoftwareAuthenticator();
    const started = await client.startRegister(at(2), 'grace');
    const response = await authenticator.createCredential({
      options: started.options,
      origin: ORIGIN,
    });
    const finished = await client.finishRegister(at(0), started, response);
    assert.equal(finished.status, 200, JSON.stringify(finished.body));
    const discoverable = await client.signIn(at(0), authenticator, null, at(1));
    assert.equal(discoverable.status, 200);
    assert.deepEqual((await client.verify(at(2), discoverable.body.nonce)).body, {
      external_id: 'grace',
    });
  });

  it('redeems a nonce exactly once when 50 redemptions race across the instances', async () => {
    const authenticator = new SoftwareAuthenticator();
    await client.register(at(0), authenticator, 'linus');
    const signedIn = await client.signIn(at(1), authenticator, 'linus');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.verify(at(i), signedIn.body.nonce)),
    );
    const won = answers.filter((a) => a.status === 200);
    assert.equal(won.length, 1);
    assert.deepEqual(won[0]?.body, { external_id: 'linus' });
    for (const lost of answers.filter((a) => a.status !== 200)) {
      assert.equal(lost.status, 401);
      assert.equal(lost.body.code, 'invalid_nonce');
    }
  });

  it('refuses a finish replayed to another instance', async () => {
    const authenticator = new SoftwareAuthenticator();
    await client.register(at(0), authenticator, 'barbara');
    const started = await client.startLogin(at(0), 'barbara');
    const response = await authenticator.getAssertion({ options: started.options, origin: ORIGIN });
    assert.equal((await client.finishLogin(at(0), started, response)).status, 200);
    const replayed = await client.finishLogin(at(1), started, response);
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.code, 'invalid_request');
  });

  it('counts a rate limit across the instances, in the database and in Redis', async () => {
    const redisUrl = process.env.LATCHKEY_TEST_REDIS_URL;
    if (!redisUrl && process.env.CI) throw new Error('LATCHKEY_TEST_REDIS_URL is required in CI');
    const store = await openStore({ url: database.url });
    const limited = await createApp(createRuntime({ store }), {
      name: 'Limited',
      origins: [ORIGIN],
      policy: {
        rateLimits: { startsPerIp: 10, startsPerApp: 0, failuresPerIp: 0, failuresPerApp: 0 },
      },
    });
    await store.close();
    const starts = (urls: string[]) =>
      Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          fetch(
            `${urls[i % urls.length]}/v1/apps/${limited.app.id}/authenticate/transactions/webauthn/start`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', origin: ORIGIN },
              body: '{}',
            },
          ).then((r) => r.status),
        ),
      );
    // Counts live in one-minute windows: keep each burst inside one.
    const awayFromWindowEdge = async () => {
      const into = Date.now() % 60_000;
      if (into > 55_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
    };
    await awayFromWindowEdge();
    const counted = await starts(instances.map((i) => i.url));
    assert.equal(counted.filter((s) => s === 200).length, 10, `statuses: ${counted}`);
    assert.equal(counted.filter((s) => s === 429).length, 5);

    if (!redisUrl) return;
    // A second app, so the windows of the first do not count; these two instances count in Redis.
    const again = await openStore({ url: database.url });
    const other = await createApp(createRuntime({ store: again }), {
      name: 'Limited in Redis',
      origins: [ORIGIN],
      policy: {
        rateLimits: { startsPerIp: 10, startsPerApp: 0, failuresPerIp: 0, failuresPerApp: 0 },
      },
    });
    await again.close();
    const withRedis = await Promise.all(
      [0, 1].map(() => startInstance({ databaseUrl: database.url, args: ['--redis', redisUrl] })),
    );
    try {
      await awayFromWindowEdge();
      const viaRedis = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          fetch(
            `${withRedis[i % 2]?.url}/v1/apps/${other.app.id}/authenticate/transactions/webauthn/start`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', origin: ORIGIN },
              body: '{}',
            },
          ).then((r) => r.status),
        ),
      );
      assert.equal(viaRedis.filter((s) => s === 200).length, 10, `statuses: ${viaRedis}`);
    } finally {
      await Promise.all(withRedis.map((i) => i.stop()));
    }
  });

  it('examines exactly the failure limit of 100 concurrent junk finishes spread over the instances', async () => {
    const redisUrl = process.env.LATCHKEY_TEST_REDIS_URL;
    const store = await openStore({ url: database.url });
    const runtime = createRuntime({ store });
    const policy = {
      rateLimits: { startsPerIp: 0, startsPerApp: 0, failuresPerIp: 30, failuresPerApp: 0 },
    };
    const inDatabase = await createApp(runtime, { name: 'Finishes', origins: [ORIGIN], policy });
    const inRedis = await createApp(runtime, { name: 'In Redis', origins: [ORIGIN], policy });
    await store.close();
    const junk = (urls: string[], appId: string) =>
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(
            `${urls[i % urls.length]}/v1/apps/${appId}/authenticate/transactions/webauthn/finish`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', origin: ORIGIN },
              body: JSON.stringify({ handshake_id: `made-up-${i}`, handshake_response: {} }),
            },
          ).then((r) => r.status),
        ),
      );
    const awayFromWindowEdge = async () => {
      const into = Date.now() % 60_000;
      if (into > 50_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
    };
    await awayFromWindowEdge();
    const counted = await junk(
      instances.map((i) => i.url),
      inDatabase.app.id,
    );
    assert.equal(counted.filter((s) => s === 400).length, 30, `statuses: ${counted}`);
    assert.equal(counted.filter((s) => s === 429).length, 70);
    if (!redisUrl) return;
    const withRedis = await Promise.all(
      [0, 1].map(() => startInstance({ databaseUrl: database.url, args: ['--redis', redisUrl] })),
    );
    try {
      await awayFromWindowEdge();
      const viaRedis = await junk(
        withRedis.map((i) => i.url),
        inRedis.app.id,
      );
      assert.equal(viaRedis.filter((s) => s === 400).length, 30, `statuses: ${viaRedis}`);
      assert.equal(viaRedis.filter((s) => s === 429).length, 70);
    } finally {
      await Promise.all(withRedis.map((i) => i.stop()));
    }
  });

  it('applies a rules change made on one instance to the next action tracked on another', async () => {
    const secret = `Basic ${Buffer.from(`${client.options.apiKey}:`).toString('base64')}`;
    const headers = { authorization: secret, 'content-type': 'application/json' };
    const track = async (base: string, key: string) => {
      const res = await fetch(`${base}/v1/users/ada/actions/high-value-transfer`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ idempotencyKey: key, custom: { amount: 7500 } }),
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { state: string }).state;
    };
    const setRules = async (base: string, outcome: string) => {
      const res = await fetch(`${base}/v1/action-configs/high-value-transfer`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          defaultOutcome: 'ALLOW',
          rules: [
            {
              name: 'large transfer',
              priority: 10,
              outcome,
              conditions: { '>': [{ var: 'custom.amount' }, 5000] },
            },
          ],
        }),
      });
      assert.equal(res.status, 200, await res.text());
    };
    await setRules(at(0), 'CHALLENGE');
    assert.equal(await track(at(1), 'transfer-1'), 'CHALLENGE_REQUIRED');
    await setRules(at(2), 'BLOCK');
    assert.equal(await track(at(1), 'transfer-2'), 'BLOCK');
    assert.equal(await track(at(0), 'transfer-3'), 'BLOCK');
  });

  it('lets exactly one of 20 finishes of one payload, spread over the instances, succeed', async () => {
    const authenticator = new SoftwareAuthenticator();
    await client.register(at(0), authenticator, 'edsger');
    const started = await client.startLogin(at(1), 'edsger');
    const response = await authenticator.getAssertion({ options: started.options, origin: ORIGIN });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.finishLogin(at(i), started, response)),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    assert.ok(answers.every((a) => a.status === 200 || a.status === 400));
  });

  // Last: it leaves this address over its limit for the rest of the minute.
  it('limits refused credentials per address across the instances', async () => {
    const into = Date.now() % 60_000;
    if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
    const refuse = (i: number) =>
      fetch(`${at(i)}/v1/users/ada`, {
        headers: { authorization: `Basic ${Buffer.from('lk_bad.guess:').toString('base64')}` },
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push(await refuse(i));
    const refused = statuses.filter((s) => s === 401).length;
    // The limit, and at most one more on each instance that had not yet seen the count reach it.
    assert.ok(refused >= 30 && refused <= 30 + instances.length - 1, `statuses: ${statuses}`);
    assert.deepEqual(statuses.slice(-instances.length), [429, 429, 429]);
  });
});
