/**
 * Regenerates the console screenshots of docs/console.md (`npm run screenshots`): a seeded server,
 * real Chromium at 1280×800, one PNG per page under docs/images/. Not a test, and not run in CI:
 * run it after changing how a page looks, then look at the images.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openBrowser } from '../support/chromium.ts';
import { seedConsole } from './seed-console.ts';

const OUT = fileURLToPath(new URL('../../docs/images/', import.meta.url));

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.evaluate('scrollTo(0, 0)');
  // Let charts and fonts settle: the next frame after the network is quiet.
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${OUT}console-${name}.png`, fullPage: options.fullPage ?? false });
  process.stdout.write(`docs/images/console-${name}.png\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const seeded = await seedConsole();
  const browser = await openBrowser();
  const { page } = browser;
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    page.setDefaultTimeout(10_000);
    const section = async (name: string) => {
      await page
        .getByRole('navigation', { name: 'App sections' })
        .getByRole('link', { name, exact: true })
        .click();
    };
    await page.goto(seeded.consoleUrl);
    await page.getByLabel('Operator token').waitFor();
    await shot(page, 'sign-in');
    await page.getByLabel('Operator token').fill(seeded.operatorToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    await page.locator('td', { hasText: 'Acme Bank' }).waitFor();
    await shot(page, 'apps');

    await page.getByRole('link', { name: 'Acme Bank' }).first().click();
    await page.getByText('ceremonies started').waitFor();
    await page.locator('figure.chart canvas').first().waitFor();
    await shot(page, 'overview', { fullPage: true });

    await section('Users');
    await page.getByRole('link', { name: 'ada@example.com' }).waitFor();
    await shot(page, 'users');
    await page.getByRole('link', { name: 'bob@example.com' }).click();
    await page.getByRole('heading', { name: /Passkeys/ }).waitFor();
    await shot(page, 'user');

    await section('Rules');
    await page.getByRole('link', { name: 'high-value-transfer' }).click();
    await page.getByLabel('Rule name').first().waitFor();
    await page.getByLabel('User (external id)').fill('ada@example.com');
    await page.getByLabel(/custom\.amount/).fill('750000');
    await page.getByLabel(/custom\.isNewRecipient/).fill('false');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('dry-run-result').waitFor();
    await shot(page, 'rules', { fullPage: true });

    await section('Actions');
    await page.locator('td', { hasText: 'high-value-transfer' }).first().waitFor();
    await shot(page, 'actions');

    await section('Audit');
    await page.locator('li.timeline-item').first().waitFor();
    await shot(page, 'audit');
  } finally {
    await browser.close();
    await seeded.close();
  }
}

await main();
