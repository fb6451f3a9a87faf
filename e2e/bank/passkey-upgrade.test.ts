/**
 * The bank's automatic passkey upgrade in Chromium: right after a password sign-in the account
 * page asks for an upgrade transaction and the browser makes a passkey without a prompt
 * (conditional create). Chromium grants that only for a password its own manager filled in, so one
 * test plays a browser that grants it (the authenticator then answers without user presence, as
 * such a creation does) and one lets Chromium hold it, which the page keeps quiet about.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DemoStack, startDemoStack } from '../../examples/bank/testing/demo-stack.ts';
import { type BrowserSession, browserUnavailableReason, openBrowser } from '../support/chromium.ts';

const skip = browserUnavailableReason();

/** Records what the page asked of the browser, which answers as it would. */
const RECORDING_BROWSER = `
const create = navigator.credentials.create.bind(navigator.credentials);
navigator.credentials.create = (options) => {
  window.createMediation = options && options.mediation;
  return create(options);
};
`;

/** Plays a browser whose password manager just filled in the password: it grants the upgrade. */
const GRANTING_BROWSER = `
const create = navigator.credentials.create.bind(navigator.credentials);
navigator.credentials.create = (options) => {
  if (options && options.mediation === 'conditional') {
    const { mediation, ...rest } = options;
    return create(rest);
  }
  return create(options);
};
`;

describe('the bank offers an automatic passkey upgrade after a password sign-in', {
  skip: skip ?? false,
}, () => {
  let stack: DemoStack;
  const sessions: BrowserSession[] = [];
  before(async () => {
    stack = await startDemoStack();
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await stack?.close();
  });

  async function signUpAndSignInWithPassword(
    email: string,
    grant: boolean,
  ): Promise<BrowserSession> {
    const browser = await openBrowser();
    sessions.push(browser);
    const { page } = browser;
    await page.addInitScript(grant ? GRANTING_BROWSER : RECORDING_BROWSER);
    await page.goto(`${stack.bankUrl}/sign-up`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', 'correct horse');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account?notice=welcome');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in**');
    if (grant) {
      await browser.cdp.send('WebAuthn.setResponseOverrideBits', {
        authenticatorId: browser.authenticatorId,
        isBadUP: true,
      });
    }
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', 'correct horse');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    return browser;
  }

  it('adds a passkey without a prompt where the browser grants it, marked as an upgrade', async () => {
    const { page } = await signUpAndSignInWithPassword('upgrade@example.com', true);
    await page.waitForURL('**/account?notice=passkey_upgraded');
    assert.match((await page.textContent('#notice')) ?? '', /saved a passkey/);
    const user = await stack.latchkey.user.get(externalIdOf(stack, 'upgrade@example.com'));
    assert.equal(user.webauthnDevices.length, 1);
    assert.equal(user.webauthnDevices[0]?.createdByUpgrade, true);
  });

  it('asks only once per password sign-in, and shows nothing where the browser does not grant it', async () => {
    const browser = await signUpAndSignInWithPassword('refused@example.com', false);
    const { page } = browser;
    await page.waitForURL('**/account');
    // Chromium holds a conditional create it will not grant, waiting quietly, as the spec allows.
    // A function, not a string: the bank's CSP forbids eval, which a string predicate needs.
    await page.waitForFunction(
      () => (globalThis as { createMediation?: string }).createMediation !== undefined,
    );
    assert.equal(await page.evaluate('window.createMediation'), 'conditional');
    assert.equal(await page.locator('.alert.error:visible').count(), 0, 'no error shown');
    const again = await page.evaluate(
      `fetch('/api/passkeys/upgrade', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json())`,
    );
    assert.deepEqual(again, { transactionId: null }, 'the offer was spent');
    assert.equal(
      (await stack.latchkey.user.listDevices(externalIdOf(stack, 'refused@example.com'))).length,
      0,
    );
  });
});

/** The bank's user id (latchkey's external id) for an email. */
function externalIdOf(stack: DemoStack, email: string): string {
  return stack.bank.findUserByEmail(email)?.id ?? '';
}
