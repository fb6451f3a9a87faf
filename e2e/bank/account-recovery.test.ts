/**
 * "Lost your passkey?" in Chromium, with two devices (two fresh browser contexts, each with its
 * own virtual authenticator): the customer's first device holds the passkey and a session; on a
 * second device they prove their email address with the code the demo mailbox shows, and make a
 * new passkey. Afterwards the first device's session is over and its passkey no longer signs in,
 * and the new passkey does. Screenshots go to `.artifacts/screenshots/bank-recovery-*.png`.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type DemoStack, startDemoStack } from '../../examples/bank/testing/demo-stack.ts';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  SCREENSHOT_DIR,
} from '../support/chromium.ts';

const skip = browserUnavailableReason();
const EMAIL = 'grace@example.com';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}bank-recovery-${name}.png`, fullPage: true });
}

describe('recovering a bank account after losing the passkey, in Chromium', {
  skip: skip ?? false,
}, () => {
  let stack: DemoStack;
  let lost: BrowserSession;
  let found: BrowserSession;
  before(async () => {
    stack = await startDemoStack();
    [lost, found] = await Promise.all([openBrowser(), openBrowser()]);
    for (const session of [lost, found]) session.page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await Promise.all([lost?.close(), found?.close()]);
    await stack?.close();
  });

  it('has a passkey on the first device', async () => {
    const { page } = lost;
    await page.goto(`${stack.bankUrl}/sign-up`);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account?notice=welcome');
    await page.locator('#add-passkey:not([hidden])').click();
    await page.waitForURL('**/account?notice=passkey_added');
    assert.equal((await lost.credentials()).length, 1);
  });

  it('proves the email address with the emailed code on a second device and makes a new passkey', async () => {
    const { page } = found;
    await page.goto(`${stack.bankUrl}/sign-in`);
    await page.getByRole('link', { name: 'Lost your passkey?' }).click();
    await page.waitForURL('**/recover');
    await shot(page, '01-ask');
    await page.fill('input[name=email]', EMAIL);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.waitForURL('**/recover/code');

    const mailbox = page.getByRole('complementary', { name: 'Demo mailbox' });
    const email = (await mailbox.locator('.demo-email p').textContent()) ?? '';
    const code = /\b(\d{6})\b/.exec(email)?.[1];
    assert.ok(code, `a code in the demo mailbox: ${email}`);
    await shot(page, '02-code');

    await page.fill('#code', code);
    await page.getByRole('button', { name: 'Make a new passkey' }).click();
    await page.waitForURL('**/account?notice=recovered');
    assert.match((await page.textContent('#notice')) ?? '', /your only one/);
    assert.equal(await page.locator('table.passkeys tbody tr').count(), 1);
    assert.equal((await found.credentials()).length, 1, 'this device holds the new passkey');
    await shot(page, '03-recovered');
  });

  it('ends the first device’s session, and its passkey no longer signs in', async () => {
    const { page } = lost;
    // The sign-in page's autofill request answers at once, with the old passkey.
    const finish = page.waitForResponse((r) => r.url().endsWith('/webauthn/finish'));
    await page.goto(`${stack.bankUrl}/account`);
    await page.waitForURL('**/sign-in?notice=session_ended');
    const refused = await finish;
    assert.equal(refused.status(), 401);
    assert.equal((await refused.json()).code, 'discoverable_login_failed');
    const message = page.locator('#passkey-message:not([hidden])');
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /no longer linked to an account/);
    assert.ok(page.url().includes('/sign-in'), 'still signed out');
    await shot(page, '04-old-passkey-refused');
  });

  it('signs in with the new passkey', async () => {
    const { page } = found;
    // Signed out, the sign-in page's autofill request answers at once with the new passkey.
    const signIn = page.waitForRequest((r) => r.url().endsWith('/api/passkey-sign-in'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn;
    await page.waitForURL('**/account');
    assert.equal(await page.textContent('#balance'), '$25,000.00');
  });
});
