/**
 * The console's Webhooks page in a real Chromium: add an endpoint (its secret shown once), see a
 * delivery fail and be dead-lettered, redeliver it with the button once the receiver is back, and
 * rotate the secret. A real receiving HTTP server and the real delivery worker. Screenshots go to
 * `.artifacts/screenshots/console-webhooks*.png`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createApp,
  createOperatorToken,
  createRuntime,
  type Runtime,
  trackAction,
} from '@latchkey/core';
import {
  buildServer,
  createWebhookSender,
  startWebhookWorker,
  type WebhookWorker,
  webhookNetworkPolicy,
} from '@latchkey/server';
import { startWebhookReceiver, type WebhookReceiver } from '@latchkey/server/testing';
import { openStore, type SqlStore } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';
import { consoleShot } from './console-shot.ts';

const skip = browserUnavailableReason() ?? false;

describe('the console’s Webhooks page in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let runtime: Runtime;
  let server: FastifyInstance;
  let worker: WebhookWorker;
  let receiver: WebhookReceiver;
  let browser: BrowserSession;
  let page: Page;
  let appId: string;
  let secret = '';

  const shot = (name: string) => consoleShot(page, name);

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-webhooks-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}`, groupCommit: true });
    runtime = createRuntime({ store });
    server = await buildServer({
      runtime,
      logger: false,
      webhookNetwork: webhookNetworkPolicy(true),
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    receiver = await startWebhookReceiver();
    worker = startWebhookWorker({
      runtime,
      settings: {
        timeoutMs: 1000,
        maxAttempts: 2,
        backoffMs: 20,
        maxBackoffMs: 50,
        pollMs: 50,
        batchSize: 20,
        allowPrivateNetworks: true,
      },
      send: createWebhookSender({ allowPrivateNetworks: true }),
      log: server.log,
    });
    appId = (await createApp(runtime, { name: 'Acme Shop', origins: ['https://shop.example'] })).app
      .id;
    await store.flush();
    const token = await createOperatorToken(runtime, { name: 'ops' });
    await store.flush();
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    await page.goto(`http://localhost:${address.port}/console#/apps/${appId}/webhooks`);
    await page.getByLabel('Operator token').fill(token.token);
    await page.keyboard.press('Enter');
  });

  after(async () => {
    await browser?.close();
    await worker?.stop();
    await receiver?.close();
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds an endpoint and shows its secret once', async () => {
    await page
      .getByRole('navigation', { name: 'App sections' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('order service');
    await page.getByLabel('action.tracked').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const shown = page.getByTestId('webhook-secret');
    await shown.waitFor();
    secret = (await shown.textContent()) ?? '';
    assert.match(secret, /^whsec_/);
    await shot('webhooks-added');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');
    await page.getByText(receiver.url, { exact: true }).waitFor();
  });

  it('shows a dead-lettered delivery, and redelivers it once the receiver is back', async () => {
    receiver.fallback = 500;
    await trackAction(runtime, {
      appId,
      actionCode: 'transfer',
      externalId: 'ada',
      attributes: {},
    });
    await store.flush();
    await receiver.waitFor(2);
    // The worker records the second failure just after the receiver answers it.
    for (let i = 0; i < 100; i++) {
      const [d] = await store.webhooks.listDeliveries({ appId, limit: 1 });
      if (d?.state === 'dead') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator('tr[data-delivery-id]').first();
    await row.getByText('dead', { exact: true }).waitFor();
    await row.getByText('500', { exact: true }).waitFor();
    await shot('webhooks-dead');

    receiver.fallback = 200;
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('queued again').waitFor();
    const [, , third] = await receiver.waitFor(3);
    assert.ok(third);
    new Webhook(secret).verify(third.body, third.headers as Record<string, string>);
    for (let i = 0; i < 100; i++) {
      const [d] = await store.webhooks.listDeliveries({ appId, limit: 1 });
      if (d?.state === 'delivered') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByText('delivered', { exact: true }).waitFor();
    await shot('webhooks');
  });

  it('rotates the secret and shows the new one once', async () => {
    const endpointRow = page.locator('tr[data-endpoint-id]').first();
    await endpointRow.getByRole('button', { name: 'Rotate secret' }).click();
    await endpointRow.getByRole('button', { name: 'Confirm rotate' }).click();
    const shown = page.getByTestId('webhook-secret');
    await shown.waitFor();
    const rotated = (await shown.textContent()) ?? '';
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    await endpointRow.getByText('old secret signs too').waitFor();
  });
});
