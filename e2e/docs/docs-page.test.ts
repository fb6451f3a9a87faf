/**
 * The API reference at `/docs` renders in a real Chromium under its content security policy: the
 * page loads, Swagger UI draws the document's operations, and the browser reports no violation.
 * A screenshot goes to `.artifacts/screenshots/docs.png`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRuntime } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';

const skip = browserUnavailableReason() ?? false;

describe('the API reference page in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let server: FastifyInstance;
  let base: string;
  let browser: BrowserSession;

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'latchkey-docs-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    server = await buildServer({ runtime: createRuntime({ store }), logger: false });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    // localhost, as an operator opens it; the policy is the same on any host.
    base = `http://localhost:${address.port}`;
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the operations with the policy in force and no violation', async () => {
    const { page } = browser;
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    const response = await page.goto(`${base}/docs`);
    assert.ok(response);
    const headers = response.headers();
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    assert.match(await page.locator('.info .title').innerText(), /latchkey/);
    const operations = await page.locator('.opblock').count();
    assert.ok(operations > 10, `${operations} operations drawn`);
    // Opening an operation runs the most script (models, examples): still no violation.
    await page.locator('.opblock-summary').first().click();
    await page.waitForSelector('.opblock-body', { timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'docs.png') });
    assert.deepEqual(violations, []);
  });
});
