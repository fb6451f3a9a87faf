/** Screenshots of the console's pages for the browser tests, into `.artifacts/screenshots/`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from '../support/chromium.ts';

/**
 * A full-page screenshot of the page as `console-<name>.png`, taken from the top.
 *
 * @example
 * await consoleShot(page, 'webhooks-added');
 */
export async function consoleShot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // A full-page screenshot of a scrolled page draws the sticky header mid-page.
  await page.evaluate('scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${name}.png`), fullPage: true });
}
