/**
 * The bank demo's whole story in a real Chromium with a virtual passkey authenticator: open an
 * account, add a passkey (flex), sign in with it (button and autofill), send money tracked as
 * `high-value-transfer` with the bank's rules (a first transfer to someone new and one over $5,000
 * ask for the passkey through `@authsignal/browser`; a second small one to the same recipient does
 * not), fail a step-up, remove the passkey. Screenshots of each page go to
 * `.artifacts/screenshots/`.
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
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';

/** A screenshot of the whole page, or (for a modal dialog, whose backdrop covers the viewport) of what is on screen. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}bank-${name}.png`, fullPage });
}

describe('the bank demo in Chromium', { skip: skip ?? false }, () => {
  let stack: DemoStack;
  let browser: BrowserSession;
  let page: Page;

  const balance = (): number => stack.bank.findUserByEmail(EMAIL)!.balanceCents;
  const signCount = async (): Promise<number> => (await browser.credentials())[0]?.signCount ?? -1;

  async function presence(enabled: boolean): Promise<void> {
    await browser.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: browser.authenticatorId,
      enabled,
    });
  }

  /**
   * Signs out with the authenticator not answering, so that the autofill request the sign-in page
   * starts on load waits (headless Chromium would otherwise answer it at once and sign back in),
   * then lets the authenticator answer again. Returns the autofill request's handshake id.
   */
  async function signOutWithAutofillWaiting(): Promise<string> {
    await presence(false);
    const autofillStart = page.waitForResponse((r) => r.url().endsWith('/webauthn/start'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in?notice=signed_out');
    const handshakeId = (await (await autofillStart).json()).handshake.id as string;
    // Only once the page has called navigator.credentials.get: turned on before, the authenticator
    // would answer the autofill request as soon as it is made, and sign the page back in.
    await page.waitForFunction(
      () => ((globalThis as { webauthnGets?: number }).webauthnGets ?? 0) > 0,
    );
    await presence(true);
    return handshakeId;
  }

  /** Fills the transfer form on a freshly opened account page and sends it. */
  async function send(recipient: string, amount: string): Promise<void> {
    await page.goto(`${stack.bankUrl}/account`);
    await page.fill('#recipient', recipient);
    await page.fill('#amount', amount);
    await page.click('#transfer-submit');
  }

  before(async () => {
    stack = await startDemoStack();
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    // Counts the page's navigator.credentials.get calls, for signOutWithAutofillWaiting.
    await page.addInitScript(`{
      const credentials = navigator.credentials;
      const get = credentials.get.bind(credentials);
      credentials.get = (options) => {
        globalThis.webauthnGets = (globalThis.webauthnGets ?? 0) + 1;
        return get(options);
      };
    }`);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('opens an account with an email and a password', async () => {
    await page.goto(`${stack.bankUrl}/sign-up`);
    await shot(page, '01-sign-up');
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account?notice=welcome');
    assert.equal(await page.textContent('#balance'), '$25,000.00');
    await page.locator('#add-passkey:not([hidden])').waitFor();
    assert.equal(await page.locator('#no-passkeys').count(), 1);
    await shot(page, '02-account-new');
  });

  it('says what is missing in an empty transfer form, without asking the bank', async () => {
    let asked = 0;
    const count = (r: { url(): string }) => {
      if (r.url().endsWith('/api/transfers')) asked++;
    };
    page.on('request', count);
    const message = page.locator('#transfer-message');
    await page.click('#transfer-submit');
    assert.equal(await message.textContent(), 'Enter a recipient.');
    await page.fill('#recipient', 'Grace Hopper');
    await page.click('#transfer-submit');
    assert.equal(await message.textContent(), 'Enter an amount.');
    assert.equal(await page.evaluate('document.activeElement.id'), 'amount', 'the field to fill');
    page.off('request', count);
    assert.equal(asked, 0);
    assert.equal(balance(), 2_500_000);
  });

  it('adds a passkey, listed with its name, type and use', async () => {
    await page.click('#add-passkey');
    await page.waitForURL('**/account?notice=passkey_added');
    const rows = page.locator('table.passkeys tbody tr');
    assert.equal(await rows.count(), 1);
    const cells = await rows.first().locator('td').allTextContents();
    assert.match(cells[0]!, /\S/, 'a name');
    assert.equal(cells[3]!.trim(), 'Never', 'not used yet');
    assert.equal(cells[4]!.trim(), '0');
    assert.equal((await browser.credentials()).length, 1, 'the authenticator holds the passkey');
    await shot(page, '03-account-passkey-added');
  });

  it('says calmly that this device already has a passkey when one is added again', async () => {
    await page.locator('#add-passkey:not([hidden])').waitFor();
    await page.click('#add-passkey');
    const message = page.locator('#passkey-message.info', { hasText: 'already' });
    await message.waitFor();
    assert.equal(
      await message.textContent(),
      'This device already has a passkey for your account.',
    );
    assert.equal(await page.locator('#passkey-message.error').count(), 0, 'not an error');
    assert.equal((await browser.credentials()).length, 1, 'no second passkey');
  });

  it('signs out, then in again with the "Sign in with a passkey" button', async () => {
    const autofillHandshake = await signOutWithAutofillWaiting();
    await shot(page, '04-sign-in');
    const finish = page.waitForRequest((r) => r.url().endsWith('/webauthn/finish'));
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const finished = JSON.parse((await finish).postData() ?? '{}');
    assert.notEqual(finished.handshake_id, autofillHandshake, 'the button’s own ceremony');
    await page.waitForURL('**/account');
    assert.equal(await page.textContent('#balance'), '$25,000.00');
    const cells = await page.locator('table.passkeys tbody tr td').allTextContents();
    assert.equal(cells[4]!.trim(), '1', 'used once');
    assert.notEqual(cells[3]!.trim(), 'Never');
  });

  it('signs in with passkey autofill on the email field', async () => {
    await signOutWithAutofillWaiting();
    assert.equal(
      await page.getAttribute('#email', 'autocomplete'),
      'username webauthn',
      'the field offers passkeys',
    );
    // Headless Chromium answers an autofill request at once, with no typing: reloaded, the page
    // signs in by itself through the autofill request it starts on load.
    const signIn = page.waitForRequest((r) => r.url().endsWith('/api/passkey-sign-in'));
    await page.reload();
    await signIn;
    await page.waitForURL('**/account');
    assert.equal(await page.textContent('#balance'), '$25,000.00');
  });

  /**
   * Sends a transfer that needs the passkey, and records what the page showed while the passkey
   * request was on its way to latchkey, and the balance and signature count when the page asked
   * the bank to confirm.
   */
  async function sendWithStepUp(recipient: string, amount: string, screenshot?: string) {
    const options = '**/v1/client/user-authenticators/passkey/authentication-options';
    let prompt: { open: boolean; text: string; reason: string } | null = null;
    let atConfirm: { balance: number; signCount: number } | null = null;
    await page.route(options, async (route) => {
      if (route.request().method() === 'POST') {
        const dialog = page.locator('#approve-dialog');
        prompt = {
          open: (await dialog.getAttribute('open')) !== null,
          text: ((await dialog.locator('h2').textContent()) ?? '').replace(/\s+/g, ' ').trim(),
          reason: (await dialog.locator('#approve-reason').textContent()) ?? '',
        };
        if (screenshot) await shot(page, screenshot, false);
      }
      await route.continue();
    });
    await page.route('**/api/transfers/*/confirm', async (route) => {
      atConfirm = { balance: balance(), signCount: await signCount() };
      await route.continue();
    });
    try {
      await send(recipient, amount);
      await page.waitForURL('**/account?notice=sent*');
    } finally {
      await page.unroute(options);
      await page.unroute('**/api/transfers/*/confirm');
    }
    return { prompt, atConfirm };
  }

  it('asks for the passkey for a first $50 to someone new, showing what it approves', async () => {
    const before = await signCount();
    const { prompt, atConfirm } = await sendWithStepUp('Grace Hopper', '50');
    assert.deepEqual(prompt, {
      open: true,
      text: 'Approve $50.00 to Grace Hopper',
      reason: 'This is your first transfer to Grace Hopper, so it needs your passkey.',
    });
    assert.deepEqual(
      atConfirm,
      { balance: 2_500_000, signCount: before + 1 },
      'the passkey answered first, and the balance had not moved yet',
    );
    assert.equal(await page.textContent('#notice'), 'Sent $50.00 to Grace Hopper.');
    assert.equal(await page.textContent('#balance'), '$24,950.00');
    assert.equal(balance(), 2_495_000);
    await shot(page, '05-account-sent-new-recipient');
  });

  it('sends a second $50 to the same recipient at once, with no passkey prompt', async () => {
    const before = await signCount();
    let latchkeyCalls = 0;
    const count = (r: { url(): string }) => {
      if (r.url().startsWith(stack.latchkeyUrl)) latchkeyCalls++;
    };
    page.on('request', count);
    await send('Grace Hopper', '50');
    await page.waitForURL('**/account?notice=sent*');
    page.off('request', count);
    assert.equal(await page.textContent('#notice'), 'Sent $50.00 to Grace Hopper.');
    assert.equal(await page.textContent('#balance'), '$24,900.00');
    assert.equal(balance(), 2_490_000);
    assert.equal(await signCount(), before, 'the passkey was not used');
    assert.equal(latchkeyCalls, 0, 'the browser never talked to latchkey');
    const activity = await page.locator('.transfers li').allTextContents();
    assert.doesNotMatch(activity[0] ?? '', /confirmed with a passkey/);
    assert.match(activity[1] ?? '', /confirmed with a passkey/);
    await shot(page, '06-account-sent-known-recipient');
  });

  it('asks for the passkey before sending $7,500, shows the details, and moves the money only after', async () => {
    const before = await signCount();
    const { prompt, atConfirm } = await sendWithStepUp('ACME Ltd', '7,500', '07-approve-dialog');
    assert.deepEqual(prompt, {
      open: true,
      text: 'Approve $7,500.00 to ACME Ltd',
      reason:
        'This is over $5,000.00 and your first transfer to ACME Ltd, so it needs your passkey.',
    });
    assert.deepEqual(
      atConfirm,
      { balance: 2_490_000, signCount: before + 1 },
      'the passkey answered first, and the balance had not moved yet',
    );
    assert.equal(await page.textContent('#notice'), 'Sent $7,500.00 to ACME Ltd.');
    assert.equal(await page.textContent('#balance'), '$17,400.00');
    assert.equal(balance(), 1_740_000);
    assert.match(
      (await page.locator('.transfers li').first().textContent()) ?? '',
      /confirmed with a passkey/,
    );
    await shot(page, '08-account-sent-large');
  });

  it('cancels a transfer from the approval dialog: nothing is sent and the hold is dropped', async () => {
    // The authenticator does not answer, so the dialog stays up as it does while a person thinks.
    await presence(false);
    try {
      await send('ACME Ltd', '6,000');
      const dialog = page.locator('#approve-dialog[open]');
      await dialog.waitFor();
      assert.equal(
        await page.textContent('#approve-reason'),
        'Transfers over $5,000.00 need your passkey.',
      );
      const cancelled = page.waitForResponse((r) => r.url().endsWith('/cancel'));
      await page.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await (await cancelled).json()).status, 'cancelled');
      const message = page.locator('#transfer-message.info');
      await message.waitFor();
      assert.equal(await message.textContent(), 'Transfer cancelled. Nothing was sent.');
      assert.equal(await page.locator('#approve-dialog').getAttribute('open'), null, 'closed');
    } finally {
      await presence(true);
    }
    assert.equal(balance(), 1_740_000);
    const held = stack.bank.findUserByEmail(EMAIL)!;
    assert.equal(held.balanceCents, 1_740_000);
  });

  it('leaves the balance alone when the step-up’s user verification fails', async () => {
    await browser.setUserVerified(false);
    try {
      await send('Mallory', '6000');
      const message = page.locator('#transfer-message.error');
      await message.waitFor();
      assert.equal(
        await message.textContent(),
        'Your identity was not confirmed with your passkey, so the transfer was not sent.',
      );
      assert.equal(await page.locator('#approve-dialog').getAttribute('open'), null, 'closed');
      await shot(page, '09-account-step-up-failed');
    } finally {
      await browser.setUserVerified(true);
    }
    assert.equal(balance(), 1_740_000);
    await page.reload();
    assert.equal(await page.textContent('#balance'), '$17,400.00');
  });

  it('removes the passkey after a second press, and it then cannot sign in', async () => {
    await page.getByRole('button', { name: /^Remove/ }).click();
    const confirmButton = page.getByRole('button', { name: /^Confirm removing/ });
    await confirmButton.waitFor();
    assert.equal(await confirmButton.textContent(), 'Confirm removal');
    assert.equal(await page.locator('table.passkeys tbody tr').count(), 1, 'not removed yet');
    await shot(page, '09b-account-confirm-removal');
    await confirmButton.click();
    await page.waitForURL('**/account?notice=passkey_removed');
    assert.equal(await page.locator('table.passkeys tbody tr').count(), 0);
    assert.equal(await page.locator('#no-passkeys').count(), 1);
    await shot(page, '10-account-passkey-removed');

    await signOutWithAutofillWaiting();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const message = page.locator('#passkey-message');
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /no longer linked to an account/);
    assert.ok(page.url().includes('/sign-in'), 'still signed out');
    await shot(page, '11-sign-in-revoked-passkey');
  });

  it('says the session has ended, with a link to sign in again', async () => {
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/account');
    // The cookie now names a session the bank does not have, as after it expired.
    await browser.page
      .context()
      .addCookies([{ name: 'bank_session', value: 'ended-session', url: stack.bankUrl }]);
    await page.fill('#recipient', 'Grace Hopper');
    await page.fill('#amount', '5');
    await page.click('#transfer-submit');
    const message = page.locator('#transfer-message.error');
    await message.waitFor();
    assert.equal(
      await message.textContent(),
      'Your session has ended — sign in again. Go to the sign-in page',
    );
    await message.getByRole('link', { name: 'Go to the sign-in page' }).click();
    await page.waitForURL('**/sign-in');
    await page.goto(`${stack.bankUrl}/account`);
    await page.waitForURL('**/sign-in?notice=session_ended');
    assert.match(
      (await page.textContent('main')) ?? '',
      /Your session has ended — sign in again\./,
    );
    await shot(page, '12-sign-in-session-ended');
  });
});
