/**
 * Webhooks end to end on a real receiving HTTP server: what is delivered and how it is signed
 * (checked with the `standardwebhooks` package), retries with backoff, the dead letter,
 * redelivery, secret rotation, the leases that keep two workers apart, and the SSRF guards.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  createApp,
  createOperatorToken,
  createRuntime,
  createWebhookEndpoint,
  type Runtime,
  trackAction,
} from '@latchkey/core';
import { openStore, sweepExpired } from '@latchkey/store';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { WebhookSettings } from '../config.ts';
import { databases, type Harness, openHarness, registerUser } from '../testing/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.ts';
import { createWebhookSender, webhookNetworkPolicy } from './webhook-sender.ts';
import { startWebhookWorker, type WebhookWorker } from './webhook-worker.ts';

/** Small waits, set by configuration: retries come after 20 to 100 ms, attempts time out at 400. */
const SETTINGS: WebhookSettings = {
  timeoutMs: 400,
  maxAttempts: 3,
  backoffMs: 20,
  maxBackoffMs: 100,
  pollMs: 60_000,
  batchSize: 20,
  allowPrivateNetworks: true,
};

const silent = { warn() {}, info() {}, error() {} } as never;

for (const db of databases()) {
  describe(`webhooks (${db.name})`, () => {
    let h: Harness;
    let token: string;
    let receiver: WebhookReceiver;
    /** The worker runs on the real clock: receivers check the signed timestamp against theirs. */
    let workerRuntime: Runtime;
    let worker: WebhookWorker;

    const admin = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      path: string,
      body?: unknown,
    ): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method,
        url: `/admin/v1${path}`,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });

    const addEndpoint = async (body: Record<string, unknown>, appId = h.app.id) => {
      const res = await admin('POST', `/apps/${appId}/webhooks`, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { endpoint: { id: string }; secret: string };
    };

    /** Runs delivery rounds until the receiver holds `count` requests. */
    const deliverUntil = async (count: number) => {
      for (let i = 0; i < 200 && receiver.received.length < count; i++) {
        await worker.tick();
        if (receiver.received.length < count) await new Promise((r) => setTimeout(r, 10));
      }
      return receiver.waitFor(count, 1);
    };

    /** Runs delivery rounds until the delivery is in `state`. */
    const settle = async (deliveryId: string, state: string) => {
      for (let i = 0; i < 200; i++) {
        const res = await admin('GET', `/apps/${h.app.id}/webhook-deliveries/${deliveryId}`);
        if (res.json().delivery.state === state) return res.json();
        await worker.tick();
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.fail(`delivery ${deliveryId} never became ${state}`);
    };

    const deliveries = async (appId = h.app.id) => {
      const res = await admin('GET', `/apps/${appId}/webhook-deliveries`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().deliveries as { id: string; event_type: string; state: string }[];
    };

    // Called on the core directly, not through a request that flushes before it answers: the
    // store may hold the event's outbox row until flushed (PostgreSQL).
    const track = async (externalId: string, appId = h.app.id) => {
      const tracked = await trackAction(h.runtime, {
        appId,
        actionCode: 'transfer',
        externalId,
        attributes: {},
      });
      await h.store.flush();
      return tracked;
    };

    before(async () => {
      process.env.LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
      h = await openHarness(db);
      delete process.env.LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS;
      // The harness's clock, from now on: rotation overlaps are compared with the worker's clock.
      h.clock.ms = Date.now();
      token = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
      workerRuntime = createRuntime({ store: h.store });
      receiver = await startWebhookReceiver();
      worker = startWebhookWorker({
        runtime: workerRuntime,
        settings: SETTINGS,
        send: createWebhookSender({ allowPrivateNetworks: true }),
        log: silent,
      });
    });
    after(async () => {
      await worker?.stop();
      await receiver?.close();
      await h?.close();
    });
    beforeEach(async () => {
      // Each test starts with no endpoint, nothing pending and an empty receiver.
      const res = await admin('GET', `/apps/${h.app.id}/webhooks`);
      for (const e of res.json().endpoints) {
        await admin('DELETE', `/apps/${h.app.id}/webhooks/${e.id}`);
      }
      receiver.received.length = 0;
      receiver.fallback = 200;
    });

    it('delivers a passkey.created signed as Standard Webhooks specify, without secrets', async () => {
      const { secret } = await addEndpoint({ url: receiver.url, events: ['passkey.created'] });
      assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      await registerUser(h, 'alice');
      const [got] = await deliverUntil(1);
      assert.ok(got);
      const payload = new Webhook(secret).verify(got.body, got.headers as Record<string, string>);
      assert.deepEqual(Object.keys(payload as object).sort(), [
        'data',
        'timestamp',
        'type',
        'version',
      ]);
      const body = JSON.parse(got.body);
      assert.equal(body.type, 'passkey.created');
      assert.equal(body.version, 1);
      assert.equal(body.data.app_id, h.app.id);
      assert.equal(body.data.external_id, 'alice');
      assert.equal(typeof body.data.device_id, 'string');
      assert.equal(got.headers['content-type'], 'application/json');
      assert.doesNotMatch(got.body, /whsec_|lk_|challenge/);
      // Someone without the secret cannot forge one.
      const forged = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
      assert.throws(() => forged.verify(got.body, got.headers as Record<string, string>));
      const [delivery] = await deliveries();
      assert.ok(delivery);
      assert.equal(delivery.state, 'delivered');
      const detail = (
        await admin('GET', `/apps/${h.app.id}/webhook-deliveries/${delivery.id}`)
      ).json();
      assert.equal(detail.attempts.length, 1);
      assert.equal(detail.attempts[0].status_code, 200);
      assert.equal(detail.payload, got.body);
      assert.equal(got.headers['webhook-id'], detail.delivery.event_id);
    });

    it('delivers only the events an enabled endpoint asked for, and only its own app’s', async () => {
      await addEndpoint({ url: receiver.url, events: ['action.tracked'] });
      await addEndpoint({ url: `${receiver.url}?off`, enabled: false });
      const other = await h.newApp();
      await addEndpoint({ url: `${receiver.url}?other` }, other.id);
      await registerUser(h, 'bob');
      await track('bob');
      await deliverUntil(1);
      // Another round, so that anything else due would have arrived too.
      await worker.tick();
      assert.equal(receiver.received.length, 1);
      const [got] = receiver.received;
      assert.equal(JSON.parse(got?.body ?? '{}').type, 'action.tracked');
      assert.equal(JSON.parse(got?.body ?? '{}').data.action_code, 'transfer');
      assert.deepEqual(await deliveries(other.id), []);
    });

    it('retries a receiver that fails and times out, with growing waits, until it answers', async () => {
      await addEndpoint({ url: receiver.url, events: ['action.tracked'] });
      receiver.plan(500, 'hang');
      await track('carol');
      const [delivery] = await deliveries();
      assert.ok(delivery);
      const detail = await settle(delivery.id, 'delivered');
      const attempts = [...detail.attempts].reverse();
      assert.deepEqual(
        attempts.map((a: { status_code: number | null }) => a.status_code),
        [500, null, 200],
      );
      assert.match(attempts[1].error, /no answer within 400 ms/);
      assert.equal(detail.delivery.attempts, 3);
      // Every attempt carries the same webhook-id, so the receiver can dedupe.
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1);
    });

    it('dead-letters after the last attempt, and a redelivery then succeeds', async () => {
      await addEndpoint({ url: receiver.url, events: ['action.tracked'] });
      receiver.fallback = 503;
      await track('dave');
      const [delivery] = await deliveries();
      assert.ok(delivery);
      const dead = await settle(delivery.id, 'dead');
      assert.equal(dead.delivery.attempts, SETTINGS.maxAttempts);
      assert.equal(dead.delivery.last_status, 503);
      assert.equal(receiver.received.length, SETTINGS.maxAttempts);
      // Dead stays dead: more rounds send nothing.
      await worker.tick();
      assert.equal(receiver.received.length, SETTINGS.maxAttempts);

      receiver.fallback = 204;
      const res = await admin(
        'POST',
        `/apps/${h.app.id}/webhook-deliveries/${delivery.id}/redeliver`,
      );
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().delivery.state, 'pending');
      const done = await settle(delivery.id, 'delivered');
      assert.equal(done.attempts.length, SETTINGS.maxAttempts + 1);
      assert.equal(receiver.received.length, SETTINGS.maxAttempts + 1);
    });

    it('signs with the old and the new secret during a rotation’s overlap, then with the new only', async () => {
      const { endpoint, secret: first } = await addEndpoint({
        url: receiver.url,
        events: ['action.tracked'],
      });
      const rotate = async (overlap: number) => {
        const res = await admin('POST', `/apps/${h.app.id}/webhooks/${endpoint.id}/rotate-secret`, {
          overlap_seconds: overlap,
        });
        assert.equal(res.statusCode, 200, res.body);
        return res.json().secret as string;
      };
      const second = await rotate(3600);
      assert.notEqual(second, first);
      await track('erin');
      const [overlapping] = await deliverUntil(1);
      assert.ok(overlapping);
      const headers = overlapping.headers as Record<string, string>;
      assert.equal(headers['webhook-signature']?.split(' ').length, 2);
      new Webhook(first).verify(overlapping.body, headers);
      new Webhook(second).verify(overlapping.body, headers);

      const third = await rotate(0);
      await track('erin');
      const [, after] = await deliverUntil(2);
      assert.ok(after);
      const afterHeaders = after.headers as Record<string, string>;
      new Webhook(third).verify(after.body, afterHeaders);
      assert.throws(() => new Webhook(second).verify(after.body, afterHeaders));
      assert.throws(() => new Webhook(first).verify(after.body, afterHeaders));
    });

    it('never shows a secret after creation or rotation, and keeps apps apart', async () => {
      const { endpoint, secret } = await addEndpoint({ url: receiver.url });
      const listed = await admin('GET', `/apps/${h.app.id}/webhooks`);
      assert.equal(listed.statusCode, 200);
      assert.ok(!listed.body.includes(secret));
      assert.ok(!listed.body.includes('whsec_'));
      assert.ok(listed.json().event_types.includes('recovery.completed'));
      await track('frank');
      const [delivery] = await deliveries();
      assert.ok(delivery);
      const other = await h.newApp();
      for (const [method, path] of [
        ['GET', `/apps/${other.id}/webhook-deliveries/${delivery.id}`],
        ['POST', `/apps/${other.id}/webhook-deliveries/${delivery.id}/redeliver`],
        ['PATCH', `/apps/${other.id}/webhooks/${endpoint.id}`],
        ['POST', `/apps/${other.id}/webhooks/${endpoint.id}/rotate-secret`],
        ['DELETE', `/apps/${other.id}/webhooks/${endpoint.id}`],
      ] as const) {
        const res = await admin(
          method,
          path,
          method === 'GET' || method === 'DELETE' ? undefined : {},
        );
        assert.equal(res.statusCode, 404, `${method} ${path}: ${res.body}`);
        assert.equal(res.json().error.code, 'webhook_not_found');
      }
    });

    it('refuses unknown events, bad URLs and plain http off this machine, with 400', async () => {
      for (const body of [
        { url: receiver.url, events: ['passkey.exploded'] },
        { url: 'ftp://hooks.example/x' },
        { url: 'http://hooks.example/x' },
        { url: 'https://user:pw@hooks.example/x' },
        { url: 'not a url' },
      ]) {
        const res = await admin('POST', `/apps/${h.app.id}/webhooks`, body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      }
      assert.deepEqual((await admin('GET', `/apps/${h.app.id}/webhooks`)).json().endpoints, []);
    });

    it('sweeps finished deliveries past the retention, with their attempts, and keeps pending ones', async () => {
      await addEndpoint({ url: receiver.url, events: ['action.tracked'] });
      await track('heidi');
      const [delivered] = await deliveries();
      assert.ok(delivered);
      await settle(delivered.id, 'delivered');
      receiver.fallback = 500;
      await track('ivan');
      await worker.tick();
      const pending = (await deliveries()).find((d) => d.state === 'pending');
      assert.ok(pending);
      const swept = await sweepExpired(h.store.db, {
        now: Date.now() + 86_400_000,
        rateLimitWindowMs: 60_000,
        auditRetentionMs: 3_600_000,
      });
      assert.equal(swept.webhook_deliveries, 1);
      assert.deepEqual(
        (await deliveries()).map((d) => d.id),
        [pending.id],
      );
      assert.equal(await h.store.webhooks.listAttempts(delivered.id, 10).then((a) => a.length), 0);
      assert.equal(await h.store.webhooks.listAttempts(pending.id, 10).then((a) => a.length), 1);
    });

    it('lets two workers on one database take disjoint leases', async () => {
      const opened = await db.open();
      const second = await openStore({
        url: opened.url,
        ...(opened.schema ? { schema: opened.schema } : {}),
      });
      try {
        const runtime = createRuntime({ store: opened.store });
        const { app } = await createApp(runtime, {
          name: 'Shop',
          origins: ['https://shop.example'],
        });
        await createWebhookEndpoint(
          runtime,
          { appId: app.id, url: receiver.url },
          webhookNetworkPolicy(true),
        );
        for (let i = 0; i < 12; i++) {
          await trackAction(runtime, {
            appId: app.id,
            actionCode: 'transfer',
            externalId: `grace-${i}`,
            attributes: {},
          });
        }
        await opened.store.flush();
        const now = Date.now() + 60_000;
        const claim = (store: typeof second, owner: string) =>
          store.webhooks.claimDue({ owner, now, leaseUntil: now + 60_000, limit: 5 });
        // PostgreSQL: six claims at once over two pools. SQLite: one process holds the write
        // lock of an open group, so the two handles take turns, as two processes would.
        const claims =
          db.name === 'postgres'
            ? await Promise.all(
                [opened.store, second].flatMap((store, i) =>
                  [0, 1, 2].map((j) => claim(store, `w${i}-${j}`)),
                ),
              )
            : [];
        for (let j = 0; db.name === 'sqlite' && j < 3; j++) {
          claims.push(await claim(opened.store, `w0-${j}`));
          await opened.store.flush();
          claims.push(await claim(second, `w1-${j}`));
        }
        const ids = claims.flat().map((c) => c.delivery.id);
        assert.equal(ids.length, 12);
        assert.equal(new Set(ids).size, 12);
        // Leased rows are not due again until the lease runs out.
        assert.deepEqual(
          await second.webhooks.claimDue({ owner: 'late', now, leaseUntil: now + 1, limit: 50 }),
          [],
        );
        const expired = await second.webhooks.claimDue({
          owner: 'late',
          now: now + 60_000,
          leaseUntil: now + 120_000,
          limit: 50,
        });
        assert.equal(expired.length, 12);
      } finally {
        await second.close();
        await opened.cleanup();
      }
    });
  });
}

describe('webhook SSRF guards', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
  });

  it('refuses endpoints on loopback, private and link-local addresses unless allowed', async () => {
    const closed = webhookNetworkPolicy(false);
    const [first] = databases();
    assert.ok(first);
    const opened = await first.open();
    try {
      const runtime = createRuntime({ store: opened.store });
      const { app } = await createApp(runtime, { name: 'Shop', origins: ['https://shop.example'] });
      for (const url of [
        receiver.url,
        'http://localhost:9/x',
        'https://10.1.2.3/x',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/x',
        'https://[fd00::1]/x',
        'https://192.168.1.1/x',
        'https://[::ffff:127.0.0.1]/x',
      ]) {
        await assert.rejects(
          createWebhookEndpoint(runtime, { appId: app.id, url }, closed),
          /private, loopback or link-local/,
          url,
        );
      }
      const allowed = await createWebhookEndpoint(
        runtime,
        { appId: app.id, url: receiver.url },
        webhookNetworkPolicy(true),
      );
      assert.equal(allowed.endpoint.url, receiver.url);
      const publicHost = await createWebhookEndpoint(
        runtime,
        { appId: app.id, url: 'https://93.184.215.14/hooks' },
        closed,
      );
      assert.equal(publicHost.endpoint.url, 'https://93.184.215.14/hooks');
    } finally {
      await opened.cleanup();
    }
  });

  it('refuses to connect to a non-public address at delivery time unless allowed', async () => {
    const request = { url: receiver.url, headers: {}, body: '{}', timeoutMs: 2000 };
    const localhost = { ...request, url: receiver.url.replace('127.0.0.1', 'localhost') };
    const refused = await createWebhookSender({ allowPrivateNetworks: false })(request);
    assert.equal(refused.statusCode, null);
    assert.match(refused.error ?? '', /not a public address/);
    const resolved = await createWebhookSender({ allowPrivateNetworks: false })(localhost);
    assert.equal(resolved.statusCode, null);
    assert.match(resolved.error ?? '', /not a public address/);
    assert.equal(receiver.received.length, 0);
    const sent = await createWebhookSender({ allowPrivateNetworks: true })(request);
    assert.equal(sent.statusCode, 200);
    assert.equal(receiver.received.length, 1);
  });
});
