/**
 * The outbox survives a crash: a `latchkey serve` process killed with SIGKILL while a receiver
 * holds its delivery open loses nothing; once restarted, it delivers the event (again, with the
 * same `webhook-id`: delivery is at least once). Run on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createApp, createRuntime, createWebhookEndpoint } from '@latchkey/core';
import { openStore } from '@latchkey/store';
import { Webhook } from 'standardwebhooks';
import { FlexClient } from '../testing/flex-client.ts';
import { createPostgresDatabase, type Instance, startInstance } from '../testing/instances.ts';
import { postgresUrlOrSkip } from '../testing/postgres-url.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { webhookNetworkPolicy } from './webhook-sender.ts';

const ORIGIN = 'https://bank.example';
const postgres = postgresUrlOrSkip();

/** Short waits by configuration: an attempt times out after 1.5 s, so a lease lasts 3 s. */
const WEBHOOK_ENV = {
  LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  LATCHKEY_WEBHOOK_TIMEOUT_MS: '1500',
  LATCHKEY_WEBHOOK_POLL_MS: '50',
  LATCHKEY_WEBHOOK_BACKOFF_MS: '50',
};

const targets = [
  {
    name: 'sqlite',
    skip: false as false | string,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-webhooks-'));
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

for (const target of targets) {
  describe(`webhooks across a crash (${target.name})`, { skip: target.skip }, () => {
    let database: { url: string; cleanup(): Promise<void> };
    let receiver: WebhookReceiver;
    let instance: Instance | undefined;
    let client: FlexClient;
    let secret: string;

    before(async () => {
      database = await target.open();
      receiver = await startWebhookReceiver();
      const store = await openStore({ url: database.url });
      const runtime = createRuntime({ store });
      const created = await createApp(runtime, { name: 'Bank', origins: [ORIGIN] });
      const endpoint = await createWebhookEndpoint(
        runtime,
        { appId: created.app.id, url: receiver.url, events: ['passkey.created'] },
        webhookNetworkPolicy(true),
      );
      secret = endpoint.secret;
      await store.close();
      client = new FlexClient({ appId: created.app.id, apiKey: created.apiKey, origin: ORIGIN });
    });

    after(async () => {
      await instance?.stop();
      await receiver?.close();
      await database?.cleanup();
    });

    it('delivers an event after SIGKILL in the middle of its delivery', async () => {
      instance = await startInstance({ databaseUrl: database.url, env: WEBHOOK_ENV });
      receiver.plan('hang');
      const registered = await client.register(instance.url, new SoftwareAuthenticator(), 'ada');
      assert.equal(registered.status, 200);
      const [held] = await receiver.waitFor(1);
      assert.ok(held);

      instance.kill('SIGKILL');
      await instance.exited;
      instance = await startInstance({ databaseUrl: database.url, env: WEBHOOK_ENV });

      const [, redelivered] = await receiver.waitFor(2, 30_000);
      assert.ok(redelivered);
      assert.equal(redelivered.headers['webhook-id'], held.headers['webhook-id']);
      const payload = new Webhook(secret).verify(
        redelivered.body,
        redelivered.headers as Record<string, string>,
      ) as { type: string; data: { external_id: string } };
      assert.equal(payload.type, 'passkey.created');
      assert.equal(payload.data.external_id, 'ada');

      // The restarted instance records the success; nothing more is sent.
      await instance.stop();
      const store = await openStore({ url: database.url });
      try {
        const [delivery] = await store.webhooks.listDeliveries({
          appId: client.options.appId,
          limit: 10,
        });
        assert.equal(delivery?.state, 'delivered');
        assert.equal(receiver.received.length, 2);
      } finally {
        await store.close();
      }
    });
  });
}
