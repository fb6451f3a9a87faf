/**
 * An operator's walk through the console in a real Chromium: sign in with an operator token,
 * create an app, create and revoke a key, find a user (registered with a passkey over the flex API
 * by the software authenticator), revoke one of their passkeys, see a recovery in a user's passkey
 * history, add a rule with the editor, dry-run it, and find what happened in the audit timeline,
 * read as sentences. Screenshots of each page go to
 * `.artifacts/screenshots/console-*.png`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createOperatorToken, createRuntime, type Runtime, trackAction } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';
import { consoleShot as shot } from './console-shot.ts';

const skip = browserUnavailableReason() ?? false;
const SHOP_ORIGIN = 'https://shop.example';

describe('the operator console in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let runtime: Runtime;
  let server: FastifyInstance;
  let api: string;
  let consoleUrl: string;
  let browser: BrowserSession;
  let page: Page;
  let operatorToken: string;
  let operatorTokenId: string;
  const created = { appId: '', apiKey: '' };

  /** The flex API as the shop's backend and browser call it. */
  async function flex(
    path: string,
    body: unknown,
    apiKey?: string,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${api}/v1/apps/${created.appId}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: SHOP_ORIGIN,
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A passkey registered with a register transaction, or with a recovery transaction. */
  async function registerPasskey(
    externalId: string,
    origin = SHOP_ORIGIN,
    transaction: 'register' | 'recovery' = 'register',
  ): Promise<void> {
    const { transaction_id } = await flex(
      `/transactions/${transaction}`,
      { external_id: externalId, passkey_display_name: `${externalId}@shop.example` },
      created.apiKey,
    );
    const started = (await flex('/register/transactions/webauthn/start', { transaction_id })) as {
      handshake: { id: string; challenge: { publicKey: never } };
    };
    const response = await new SoftwareAuthenticator().createCredential({
      options: started.handshake.challenge.publicKey,
      origin,
    });
    await flex('/register/transactions/webauthn/finish', {
      transaction_id,
      handshake_id: started.handshake.id,
      handshake_response: response,
    });
  }

  async function openSection(name: string): Promise<void> {
    await page
      .getByRole('navigation', { name: 'App sections' })
      .getByRole('link', { name })
      .click();
  }

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-console-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    runtime = createRuntime({ store });
    server = await buildServer({ runtime, logger: false });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    api = `http://127.0.0.1:${address.port}`;
    consoleUrl = `http://localhost:${address.port}/console`;
    const token = await createOperatorToken(runtime, { name: 'Olivia (ops)' });
    operatorToken = token.token;
    operatorTokenId = token.id;
    browser = await openBrowser();
    page = browser.page;
    // The width the console is laid out for: nothing may be clipped at 1280×800.
    await page.setViewportSize({ width: 1280, height: 800 });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(consoleUrl).origin,
    });
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an app API key and signs in with the operator token', async () => {
    await page.goto(consoleUrl);
    await page.getByLabel('Operator token').waitFor();
    await shot(page, 'sign-in');
    await page.getByLabel('Operator token').fill('lk_not.an-operator-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('not accepted').waitFor();
    await page.getByLabel('Operator token').fill(operatorToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    const stored = String(await page.evaluate('JSON.stringify(sessionStorage)'));
    assert.ok(!stored.includes(operatorToken), 'the operator token is not kept in the browser');
    assert.match(stored, /lks_/);
  });

  it('creates an app and shows its API key once', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Acme Shop');
    await page.getByLabel('Origins').fill(SHOP_ORIGIN);
    await page.getByRole('button', { name: 'Create app' }).click();
    const key = page.getByTestId('created-api-key');
    await key.waitFor();
    created.apiKey = (await key.textContent()) ?? '';
    created.appId = (await page.getByTestId('created-app-id').textContent()) ?? '';
    assert.match(created.apiKey, /^lk_/);
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: '✓ Copied' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), created.apiKey);
    // The Created column fits in its card, whatever the length of the app id.
    const card = await page.locator('article', { hasText: 'All apps' }).boundingBox();
    const column = await page.getByRole('columnheader', { name: 'Created' }).boundingBox();
    assert.ok(
      card && column && column.x + column.width <= card.x + card.width,
      `Created is clipped ${JSON.stringify([card, column])}`,
    );
    await shot(page, 'app-created');
    await page.getByRole('button', { name: /open the app/ }).click();
    await page.getByRole('heading', { name: 'Acme Shop', level: 1 }).waitFor();
    assert.equal(await page.getByText(created.apiKey).count(), 0, 'the key is not shown again');
  });

  it('creates and revokes a key, and the revoked key stops working', async () => {
    await openSection('API keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await shown.waitFor();
    const newKey = (await shown.textContent()) ?? '';
    const keyId = newKey.slice(3, newKey.indexOf('.'));
    await shot(page, 'keys');
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByText(newKey).count(), 0, 'the whole key is gone from the page');
    const row = page.locator(`tr[data-key-id="${keyId}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await row.getByText('revoked', { exact: true }).waitFor();
    await shot(page, 'keys-revoked');
    await assert.rejects(
      flex('/transactions/register', { external_id: 'x', passkey_display_name: 'x' }, newKey),
      /401/,
    );
  });

  it('finds a user with passkeys and revokes one of them', async () => {
    await registerPasskey('dana.scully');
    await registerPasskey('dana.scully');
    await registerPasskey('fox.mulder');
    // A phishing page's response: refused, and counted among the failure reasons.
    await assert.rejects(registerPasskey('fox.mulder', 'https://shop.example.evil.example'), /400/);
    await trackAction(runtime, {
      appId: created.appId,
      externalId: 'dana.scully',
      actionCode: 'transfer',
      attributes: { custom: { amount: 120 } },
    });
    await openSection('Users');
    // By any part of the display name, whatever its case.
    await page.getByLabel('Search users').fill('SCULLY@shop');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'dana.scully' }).click();
    await page.getByRole('heading', { name: 'Passkeys (2)' }).waitFor();
    await shot(page, 'user');
    const first = page.locator('article.passkey').first();
    await first.getByRole('button', { name: 'Revoke passkey' }).click();
    await first.getByRole('button', { name: 'Confirm revoke' }).click();
    await page.getByRole('heading', { name: 'Passkeys (1)' }).waitFor();
    await page.getByRole('status').getByText('revoked').waitFor();
  });

  it('shows an account recovery, and the passkey it revoked, in the user’s passkey history', async () => {
    await registerPasskey('fox.mulder', SHOP_ORIGIN, 'recovery');
    await openSection('Users');
    await page.getByLabel('Search users').fill('fox.mulder');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'fox.mulder' }).click();
    await page.getByRole('heading', { name: 'Passkeys (1)' }).waitFor();
    const history = page.getByRole('region', { name: 'Passkey history' });
    const completed = history.locator('li[data-type="recovery.completed"]');
    await completed.waitFor();
    assert.match(
      (await completed.textContent()) ?? '',
      /fox\.mulder \(fox\.mulder@shop\.example\) recovered their account with .+; 1 passkey revoked/,
    );
    assert.match(
      (await history.locator('li[data-type="credential.revoked"]').textContent()) ?? '',
      /was revoked by an account recovery/,
    );
    assert.match(
      (await history.locator('li[data-type="recovery.started"]').textContent()) ?? '',
      /started an account recovery for fox\.mulder .*will replace the 1 passkey they hold/,
    );
    await shot(page, 'user-recovered');
  });

  it('adds a rule with the editor, saves it and dry-runs it', async () => {
    await openSection('Rules');
    await page.getByLabel('Action code').fill('transfer');
    await page.getByRole('button', { name: 'Edit rules' }).click();
    await page.getByRole('heading', { name: 'transfer', level: 1 }).waitFor();
    await page.getByRole('button', { name: '+ Add rule' }).click();
    await page.getByLabel('Rule name').fill('Large transfer');
    await page.getByLabel('Value of condition 1').fill('500000');
    await page.getByText('cents = 5,000.00').waitFor();
    await page.getByRole('button', { name: '+ Add condition' }).click();
    await page.getByLabel('Field of condition 2').selectOption('isNewDevice');
    await page.getByLabel('Operator of condition 2').selectOption('true');
    await page.getByLabel('When', { exact: true }).selectOption('or');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Saved as version 1.').waitFor();
    await shot(page, 'rules');

    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = JSON.parse(await page.getByLabel('Configuration (JSON)').inputValue());
    assert.deepEqual(json.rules[0].conditions, {
      or: [{ '>': [{ var: 'custom.amount' }, 500000] }, { '===': [{ var: 'isNewDevice' }, true] }],
    });
    await shot(page, 'rules-json');
    await page.getByRole('tab', { name: 'Builder' }).click();

    await page.getByLabel('User (external id)').fill('dana.scully');
    await page.getByLabel('custom.amount').fill('900000');
    await page.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('dry-run-result');
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', /CHALLENGE[\s\S]*Large transfer/);
    await shot(page, 'dry-run');
    await page.getByLabel('custom.amount').fill('10');
    await page.getByRole('button', { name: 'Run' }).click();
    await result.getByText('No rule matched').waitFor();
    // An amount the rule cannot compare is an error that challenges, not a pass.
    await page.getByLabel('custom.amount').fill('7,500');
    await page.getByRole('button', { name: 'Run' }).click();
    await result.getByText(/Rule error: Large transfer/).waitFor();
    assert.match((await result.textContent()) ?? '', /ERROR → CHALLENGE/);
  });

  it('finds the operator’s changes and the user’s events in the audit timeline', async () => {
    await openSection('Audit');
    await page.getByRole('searchbox', { name: 'User' }).fill('dana.scully');
    await page.getByRole('button', { name: 'Filter' }).click();
    const revoked = page.locator('li[data-type="credential.revoked"]');
    await revoked.waitFor();
    assert.match(
      (await revoked.locator('.timeline-sentence').textContent()) ?? '',
      /^Operator Olivia \(ops\) revoked the passkey .+ of dana\.scully \(dana\.scully@shop\.example\)$/,
    );
    assert.match((await revoked.textContent()) ?? '', new RegExp(operatorTokenId));
    const signedUp = page.locator('li[data-type="credential.registered"]').first();
    assert.match((await signedUp.textContent()) ?? '', /^.*dana\.scully .*added a passkey/);
    assert.ok((await signedUp.getAttribute('class'))?.includes('tl-ok'), 'a success is green');
    assert.equal(await page.locator('li[data-type="credential.registered"]').count(), 2);
    await shot(page, 'audit-user');
    await page.getByRole('searchbox', { name: 'User' }).fill('');
    await page.getByLabel('Event type').selectOption('action_config.updated');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('li[data-type="action_config.updated"]').waitFor();
    await page.getByLabel('Event type').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('li[data-type="api_key.revoked"]').waitFor();
    await shot(page, 'audit');
  });

  it('shows the actions, the overview charts and the settings', async () => {
    await openSection('Actions');
    await page.locator('td', { hasText: 'transfer' }).first().waitFor();
    await page.getByRole('cell').getByRole('link', { name: 'dana.scully' }).first().waitFor();
    await shot(page, 'actions');
    await openSection('Overview');
    await page.locator('figure.chart canvas').first().waitFor();
    await page.getByText('ceremonies started').waitFor();
    const abandoned = page.locator('.tile', { hasText: 'abandoned' });
    assert.match((await abandoned.getAttribute('title')) ?? '', /never succeeded nor failed/);
    const help = page.locator('ul.reasons code', { hasText: 'origin_mismatch' });
    assert.match((await help.getAttribute('title')) ?? '', /not one of the app’s origins/);
    const asked = page.waitForRequest((r) => r.url().includes('/stats?range=24h'));
    await page.getByLabel('Period').selectOption('24h');
    await asked;
    await page.getByText('Last 24 hours, from the audit log.').waitFor();
    await shot(page, 'overview');
    await openSection('Settings');
    await page.getByLabel(/Nonce lifetime/).fill('90');
    await page.getByLabel('when a rule cannot be evaluated').selectOption('BLOCK');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = (await store.apps.findById(created.appId))?.policy;
    assert.deepEqual([saved?.nonceTtlSeconds, saved?.onRuleError], [90, 'BLOCK']);
    await shot(page, 'settings');
  });

  it('keeps an id from a crafted link to one path segment of the admin API', async () => {
    const paths: string[] = [];
    const record = (request: { url(): string }) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/admin/v1/')) paths.push(pathname);
    };
    page.on('request', record);
    try {
      // Decoded, this user id is `../../../apps`: unencoded, it would have listed every app.
      await page.goto(`${consoleUrl}#/apps/${created.appId}/users/..%2F..%2F..%2Fapps`);
      await page.locator('[role="alert"], .notice').first().waitFor();
      await page.goto(`${consoleUrl}#/apps/${created.appId}/users/..`);
      await page.getByText('Not a valid id').waitFor();
    } finally {
      page.off('request', record);
    }
    const userCalls = paths.filter((p) => p.includes('/users'));
    assert.deepEqual(userCalls, [`/admin/v1/apps/${created.appId}/users/..%2F..%2F..%2Fapps`]);
  });

  it('signs out, and the session no longer works', async () => {
    const stored = await page.evaluate("sessionStorage.getItem('latchkey.console.session')");
    const { session } = JSON.parse(String(stored)) as { session: string };
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Operator token').waitFor();
    const response = await fetch(`${api}/admin/v1/me`, {
      headers: { authorization: `Bearer ${session}` },
    });
    assert.equal(response.status, 401);
  });
});
