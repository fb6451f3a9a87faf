/**
 * The bank offers "Add a passkey" only where the browser says it can make one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DemoStack, startDemoStack } from '../../examples/bank/testing/demo-stack.ts';
import { type BrowserSession, browserUnavailableReason, openBrowser } from '../support/chromium.ts';

const skip = browserUnavailableReason();

describe('the bank where no platform authenticator is available', { skip: skip ?? false }, () => {
  let stack: DemoStack;
  let browser: BrowserSession;
  before(async () => {
    stack = await startDemoStack();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('hides "Add a passkey" when the browser cannot make one, and shows it when it can', async () => {
    const { page, cdp, authenticatorId } = browser;
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    await page.goto(`${stack.bankUrl}/sign-up`);
    await page.fill('input[name=email]', 'lin@example.com');
    await page.fill('input[name=password]', 'correct horse');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account?notice=welcome');
    const canRegister = await page.evaluate(
      'PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable()',
    );
    assert.equal(canRegister, false, 'Chromium reports no platform authenticator');
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('#add-passkey').isHidden(), true);

    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.reload();
    await page.locator('#add-passkey:not([hidden])').waitFor({ timeout: 5_000 });
  });
});

describe('the bank where passkey autofill cannot run', { skip: skip ?? false }, () => {
  let stack: DemoStack;
  let browser: BrowserSession;
  before(async () => {
    stack = await startDemoStack();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('keeps a refused or aborted background autofill off the sign-in page, in the console only', async () => {
    const { page } = browser;
    // The browser refuses the conditional-mediation request the page starts on load, as one does
    // that offers no passkey or blocks autofill; the button's request is left alone.
    await page.addInitScript(`
      const get = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = (options) =>
        options?.mediation === 'conditional'
          ? Promise.reject(new DOMException('The operation is not allowed.', 'NotAllowedError'))
          : get(options);
    `);
    const logged = page.waitForEvent('console', (m) => m.text().includes('passkey autofill ended'));
    await page.goto(`${stack.bankUrl}/sign-in`);
    await logged;
    assert.equal(await page.locator('#passkey-message').isHidden(), true, 'no error shown');
    assert.equal(await page.locator('.alert.error:visible').count(), 0);
  });
});
