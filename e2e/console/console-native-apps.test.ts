/**
 * An operator sets an app's related origins and native apps in the console's settings, in a real
 * Chromium, and the well-known documents follow; an RP ID change that would strand the app's
 * passkeys is refused with the reason and goes through only once confirmed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp, createOperatorToken, createRuntime, type Runtime } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import { credentialFixture, userFixture } from '@latchkey/store/testing';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';

const skip = browserUnavailableReason() ?? false;
const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  (i * 9 + 1).toString(16).padStart(2, '0').slice(-2).toUpperCase(),
).join(':');

describe('related origins and native apps in the console, in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let runtime: Runtime;
  let server: FastifyInstance;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let appId: string;

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-native-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    runtime = createRuntime({ store });
    server = await buildServer({ runtime, logger: false });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    base = `http://localhost:${address.port}`;
    appId = (await createApp(runtime, { name: 'Bank', origins: ['https://bank.example'] })).app.id;
    // One passkey, so that moving the RP ID would strand it.
    const user = await store.users.upsertByExternalId(userFixture(appId));
    await store.credentials.insert(credentialFixture(appId, user.id));
    const { token } = await createOperatorToken(runtime, { name: 'ops' });
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/console`);
    await page.getByLabel('Operator token').fill(token);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    await page.goto(`${base}/console#/apps/${appId}/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves related origins and native apps, and the documents follow', async () => {
    await page.getByLabel('Related origins', { exact: true }).fill('https://bank.co.uk');
    await page.getByLabel('Android apps', { exact: true }).fill(`com.example.bank=${FINGERPRINT}`);
    await page.getByLabel('Apple apps', { exact: true }).fill('ABCDE12345.com.example.bank');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const webauthn = await fetch(`${base}/v1/apps/${appId}/.well-known/webauthn`);
    assert.deepEqual(await webauthn.json(), { origins: ['https://bank.co.uk'] });
    const aasa = await fetch(`${base}/v1/apps/${appId}/.well-known/apple-app-site-association`);
    assert.deepEqual(await aasa.json(), {
      webcredentials: { apps: ['ABCDE12345.com.example.bank'] },
    });
    const policy = (await store.apps.findById(appId))?.policy;
    assert.deepEqual(policy?.androidApps, [
      {
        packageName: 'com.example.bank',
        sha256CertFingerprints: [FINGERPRINT],
        handleAllUrls: false,
      },
    ]);
    await page.evaluate('scrollTo(0, 0)');
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'console-native-apps.png'),
      fullPage: true,
    });
  });

  it('shows a refused related origin’s reason and keeps what was saved', async () => {
    await page.getByLabel('Related origins', { exact: true }).fill('https://github.io');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page
      .getByRole('alert')
      .getByText(/public suffix/)
      .waitFor();
    assert.deepEqual((await store.apps.findById(appId))?.policy.relatedOrigins, [
      'https://bank.co.uk',
    ]);
    await page.getByLabel('Related origins', { exact: true }).fill('https://bank.co.uk');
  });

  it('sets hints, the authenticator policy and session tokens, and holds back a bad lifetime', async () => {
    const aaguid = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
    await page.getByLabel('security-key').check();
    await page.getByLabel('synced passkeys').selectOption('device-bound-only');
    await page.getByLabel(/AAGUIDs denied/).fill(aaguid);
    await page.getByLabel(/Hand out a signed session token/).check();
    await page.getByLabel(/Session token lifetime/).fill('30');
    // The form holds a lifetime out of bounds back (the server refuses it too: session-tokens tests).
    const lifetime = page.getByLabel(/Session token lifetime/);
    assert.equal(
      await lifetime.evaluate(
        (input) => (input as { validity: { rangeUnderflow: boolean } }).validity.rangeUnderflow,
      ),
      true,
    );
    await page.getByRole('button', { name: 'Save settings' }).click();
    assert.equal((await store.apps.findById(appId))?.policy.deviceBinding, 'synced-allowed');

    await page.getByLabel(/Session token lifetime/).fill('300');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const policy = (await store.apps.findById(appId))?.policy;
    assert.deepEqual(policy?.hints, ['security-key']);
    assert.equal(policy?.deviceBinding, 'device-bound-only');
    assert.deepEqual(policy?.aaguidDenyList, [aaguid]);
    assert.deepEqual(policy?.sessionTokens, { enabled: true, ttlSeconds: 300 });
  });

  it('refuses an RP ID change that strands passkeys, and makes it once confirmed', async () => {
    await page.getByLabel('Origins', { exact: true }).fill('https://bank.example.com');
    await page.getByLabel('RP ID').fill('bank.example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page
      .getByRole('alert')
      .getByText(/related origin/)
      .waitFor();
    assert.equal((await store.apps.findById(appId))?.rpId, 'bank.example');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-rp-id-refused.png') });
    await page.getByRole('button', { name: 'Change the RP ID anyway' }).click();
    await page.getByRole('button', { name: 'Confirm: existing passkeys stop working' }).click();
    await page.getByText('Settings saved.').waitFor();
    assert.equal((await store.apps.findById(appId))?.rpId, 'bank.example.com');
  });
});
