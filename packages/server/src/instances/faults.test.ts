/**
 * Crashes and shutdowns: an instance killed with SIGKILL in the middle of a stream of ceremonies
 * loses nothing it acknowledged and leaves nothing half written; SIGTERM lets in-flight requests
 * finish before the process exits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createApp, createRuntime } from '@latchkey/core';
import { openStore, type SqlStore } from '@latchkey/store';
import { sql } from 'kysely';
import { FlexClient } from '../testing/flex-client.ts';
import { createPostgresDatabase, type Instance, startInstance } from '../testing/instances.ts';
import { postgresUrlOrSkip } from '../testing/postgres-url.ts';

const ORIGIN = 'https://bank.example';
const postgres = postgresUrlOrSkip();

interface Target {
  name: string;
  skip: string | false;
  open(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-faults-'));
      return {
        url: `sqlite:${join(dir, 'latchkey.db')}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    skip: postgres.skip,
    async open() {
      const database = await createPostgresDatabase(postgres.url as string);
      return { url: database.url, cleanup: () => database.drop() };
    },
  },
];

interface Acknowledged {
  externalId: string;
  credentialId: string;
  nonces: string[];
}

for (const target of targets) {
  describe(`faults (${target.name})`, { skip: target.skip }, () => {
    let database: { url: string; cleanup(): Promise<void> };
    let client: FlexClient;
    let instance: Instance | undefined;

    before(async () => {
      database = await target.open();
      const store = await openStore({ url: database.url });
      const created = await createApp(createRuntime({ store }), {
        name: 'Bank',
        origins: [ORIGIN],
      });
      await store.close();
      client = new FlexClient({ appId: created.app.id, apiKey: created.apiKey, origin: ORIGIN });
    });

    after(async () => {
      await instance?.stop();
      await database?.cleanup();
    });

    it('loses nothing acknowledged and writes nothing by halves when killed mid-stream', async () => {
      instance = await startInstance({ databaseUrl: database.url });
      const { port } = instance;
      const base = instance.url;
      const acknowledged: Acknowledged[] = [];
      let killed = false;
      let sequence = 0;

      // Eight clients, each registering a passkey and signing in with it, over and over, until
      // the instance dies under them. Only what came back with a 200 counts as acknowledged.
      const worker = async (): Promise<void> => {
        while (!killed) {
          const externalId = `user-${sequence++}`;
          const authenticator = new SoftwareAuthenticator();
          try {
            const registered = await client.register(base, authenticator, externalId);
            if (registered.status !== 200) continue;
            const [credential] = authenticator.credentials();
            const entry: Acknowledged = {
              externalId,
              credentialId: credential?.id ?? '',
              nonces: [registered.body.nonce],
            };
            acknowledged.push(entry);
            const signedIn = await client.signIn(base, authenticator, externalId);
            if (signedIn.status === 200) entry.nonces.push(signedIn.body.nonce);
          } catch {
            // The instance died mid-request: nothing here was acknowledged.
          }
        }
      };
      const workers = Array.from({ length: 8 }, () => worker());
      while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
      instance.kill('SIGKILL');
      killed = true;
      await instance.exited;
      await Promise.all(workers);

      instance = await startInstance({ databaseUrl: database.url, port });
      for (const entry of acknowledged) {
        const users = await client.manage(
          instance.url,
          `/users?identifier=${entry.externalId}&limit=1`,
          undefined,
          'GET',
        );
        const userId = users.body.users[0]?.id;
        assert.ok(userId, `acknowledged user ${entry.externalId} is missing`);
        const devices = await client.manage(
          instance.url,
          `/users/${userId}/devices`,
          undefined,
          'GET',
        );
        assert.ok(
          devices.body.devices.some((d: { cred_id: string }) => d.cred_id === entry.credentialId),
          `acknowledged passkey of ${entry.externalId} is missing`,
        );
        for (const nonce of entry.nonces) {
          const first = await client.verify(instance.url, nonce);
          assert.deepEqual(first.body, { external_id: entry.externalId });
          const second = await client.verify(instance.url, nonce);
          assert.equal(second.body.code, 'invalid_nonce');
        }
      }

      const store = (await openStore({ url: database.url })) as SqlStore;
      try {
        const orphanCredentials = await sql<{ n: number }>`
          select count(*) as n from credentials c left join users u on u.id = c.user_id
          where u.id is null`.execute(store.db);
        assert.equal(Number(orphanCredentials.rows[0]?.n), 0, 'a credential without its user');
        const orphanNonces = await sql<{ n: number }>`
          select count(*) as n from nonces n left join credentials c
            on c.app_id = n.app_id and c.id = n.credential_id
          where c.id is null`.execute(store.db);
        assert.equal(Number(orphanNonces.rows[0]?.n), 0, 'a nonce without a stored credential');
        const failedWithNonce = await sql<{ n: number }>`
          select count(*) as n from nonces n
          where not exists (select 1 from users u where u.id = n.user_id)`.execute(store.db);
        assert.equal(Number(failedWithNonce.rows[0]?.n), 0, 'a nonce for no user');
      } finally {
        await store.close();
      }
    });

    it('answers a request in flight before it exits on SIGTERM', async () => {
      instance ??= await startInstance({ databaseUrl: database.url });
      const running = instance;
      // Send the head of a request and half its body, then ask the process to stop, then send
      // the rest: the answer must still arrive, complete.
      const body = JSON.stringify({ nonce: 'not-a-real-nonce' });
      const socket = connect(running.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST /v1/apps/${client.options.appId}/authenticate/verify HTTP/1.1\r\n` +
          'Host: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n' +
          `Authorization: Bearer ${client.options.apiKey}\r\nContent-Length: ${body.length}\r\n\r\n` +
          body.slice(0, 5),
      );
      await new Promise((r) => setTimeout(r, 200));
      running.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(running.process.exitCode, null, 'the process exited with a request in flight');
      socket.write(body.slice(5));
      await closed;
      assert.match(received, /^HTTP\/1\.1 401/, running.output());
      assert.match(received, /"invalid_nonce"/);
      assert.equal(await running.exited, 0);
      instance = undefined;
    });
  });
}
