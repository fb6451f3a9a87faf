/**
 * The console's Export and import page in a real Chromium: download an app's export and read the
 * file, import SimpleWebAuthn records into another app (a dry run that writes nothing, then the
 * import, then the user on the Users page), and see a malformed file refused without a change.
 * A real server on SQLite; the passkey exported was registered through the flex API with the
 * software authenticator. Screenshots go to `.artifacts/screenshots/console-portability*.png`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { encodeCOSEPublicKey, generateCredentialKeyPair } from '@latchkey/authenticator';
import { createOperatorToken } from '@latchkey/core';
import {
  databases,
  type Harness,
  openHarness,
  RP_ID,
  registerUser,
} from '@latchkey/server/testing';
import type { Page } from 'playwright-core';
import { type BrowserSession, browserUnavailableReason, openBrowser } from '../support/chromium.ts';
import { consoleShot } from './console-shot.ts';

const skip = browserUnavailableReason() ?? false;

interface ExportedLine {
  externalId?: string;
  passkeys?: Array<{
    credentialId: string;
    publicKey: string;
    counter: number;
    backupEligible: boolean;
  }>;
}

describe('the console’s Export and import page in Chromium', { skip }, () => {
  let h: Harness;
  let browser: BrowserSession;
  let page: Page;
  let base: string;
  let target: string;
  let adaCredential: string;
  let operatorToken: string;
  let exported: ExportedLine[] = [];

  const shot = (name: string) => consoleShot(page, name);
  const usersOf = async (appId: string) =>
    (await h.store.users.list(appId, { limit: 10, offset: 0 })).total;
  const openPortability = async (appId: string) => {
    await page.goto(`${base}/console#/apps/${appId}/portability`);
    // A fresh page each time: no file, format or report left from the test before.
    await page.reload();
    await page.getByRole('heading', { name: 'Export and import passkeys', level: 1 }).waitFor();
  };
  const pick = async (name: string, text: string, format: string) => {
    await page.getByLabel('File').setInputFiles({
      name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(text),
    });
    await page.getByLabel('Format').selectOption(format);
  };

  before(async () => {
    const sqlite = databases().find((db) => db.name === 'sqlite');
    if (!sqlite) throw new Error('no SQLite test database');
    h = await openHarness(sqlite);
    // The console compares its session's expiry with the browser's clock, not the test clock.
    h.clock.ms = Date.now();
    adaCredential = (await registerUser(h, 'ada@example.com')).credentialId;
    target = (await h.newApp()).id;
    operatorToken = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    await h.server.listen({ port: 0, host: '127.0.0.1' });
    const address = h.server.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    base = `http://localhost:${address.port}`;
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/console#/apps/${h.app.id}/users`);
    await page.getByLabel('Operator token').fill(operatorToken);
    await page.keyboard.press('Enter');
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('downloads the app’s export, a latchkey file with the passkey in it', async () => {
    await page
      .getByRole('navigation', { name: 'App sections' })
      .getByRole('link', { name: 'Export and import' })
      .click();
    await page.getByRole('heading', { name: 'Export and import passkeys', level: 1 }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download export' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `${h.app.id}-passkeys.ndjson`);
    const text = readFileSync(await download.path(), 'utf8');
    const [header, ...users] = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(header.format, 'latchkey.passkeys');
    assert.equal(header.version, 1);
    assert.equal(header.rpId, RP_ID);
    assert.equal(header.appId, h.app.id);
    exported = users;
    assert.deepEqual(
      users.map((u: ExportedLine) => u.externalId),
      ['ada@example.com'],
    );
    assert.equal(users[0].passkeys[0].credentialId, adaCredential);
  });

  it('offers the import formats the server reads, as its OpenAPI document names them', async () => {
    await openPortability(target);
    const offered = await page
      .getByLabel('Format')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, { post: { parameters: unknown } }>;
    };
    const parameters = openapi.paths['/admin/v1/apps/{app_id}/import']?.post.parameters as Array<{
      name: string;
      schema: unknown;
    }>;
    const schema = JSON.stringify(parameters.find((p) => p.name === 'format')?.schema);
    const served = [...schema.matchAll(/"(?:const|enum)":(?:"([^"]+)"|\[([^\]]+)\])/g)].flatMap(
      (m) => (m[1] ? [m[1]] : JSON.parse(`[${m[2]}]`)),
    );
    assert.ok(served.length > 0, `no formats in ${schema}`);
    assert.deepEqual([...offered].sort(), [...served].sort());
  });

  it('imports SimpleWebAuthn records after a dry run that writes nothing', async () => {
    const { publicKey } = generateCredentialKeyPair('ES256');
    const ada = exported[0]?.passkeys?.[0];
    assert.ok(ada);
    const records = [
      {
        id: Buffer.from('grace-passkey-1').toString('base64url'),
        publicKey: Buffer.from(encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' })).toString(
          'base64url',
        ),
        user: { id: 'grace@example.com', username: 'Grace Hopper' },
        counter: 3,
        deviceType: 'multiDevice',
        backedUp: true,
        transports: ['internal', 'hybrid'],
      },
      // Ada's passkey is the source app's: the import leaves it out rather than copy it.
      {
        id: ada.credentialId,
        publicKey: ada.publicKey,
        user: 'ada@example.com',
        counter: ada.counter,
        deviceType: ada.backupEligible ? 'multiDevice' : 'singleDevice',
        backedUp: false,
      },
    ];
    await openPortability(target);
    await pick('passkeys.json', JSON.stringify(records), 'simplewebauthn');
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    assert.equal(await importButton.isDisabled(), true, 'no import before a dry run');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const dry = page.getByTestId('import-dry-run-report');
    await dry.waitFor();
    await dry
      .getByText('Dry run: would import 1 passkey of 2 new users; 1 left out. Nothing was written.')
      .waitFor();
    const skipped = dry.locator('tr[data-reason="credential_in_other_app"]');
    assert.equal(await skipped.locator('td').first().textContent(), '2');
    assert.match((await skipped.textContent()) ?? '', /ada@example\.com/);
    assert.match(
      (await dry.locator('.import-reasons').textContent()) ?? '',
      /credential_in_other_app × 1: another app on this server has this passkey/,
    );
    await shot('portability-dry-run');
    assert.equal(await usersOf(target), 0, 'the dry run wrote nothing');

    await importButton.click();
    const done = page.getByTestId('import-report');
    await done.getByText('Imported 1 passkey of 2 new users; 1 left out.').waitFor();
    await page.getByRole('link', { name: 'See the users of Bank' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'grace@example.com' }).click();
    await page.getByRole('heading', { name: 'Passkeys (1)' }).waitFor();
    // A user whose every passkey was left out is still created, for a fixed file to fill later.
    assert.equal(await usersOf(target), 2);
  });

  it('answers the same file again with nothing changed', async () => {
    const grace = await h.store.users.findByExternalId(target, 'grace@example.com');
    assert.ok(grace);
    const [before] = await h.store.credentials.listByUser(target, grace.id);
    await openPortability(target);
    // The target's own export: every user and passkey in it is present already.
    const again = await (
      await fetch(`${base}/admin/v1/apps/${target}/export`, {
        headers: { authorization: `Bearer ${operatorToken}` },
      })
    ).text();
    await pick('again.ndjson', again, 'latchkey');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByTestId('import-dry-run-report').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page
      .getByTestId('import-report')
      .getByText(/Nothing changed: every user and passkey in the file is present already/)
      .waitFor();
    const [after] = await h.store.credentials.listByUser(target, grace.id);
    assert.deepEqual(after, before);
  });

  it('shows why a malformed file is refused, and changes nothing', async () => {
    const users = await usersOf(target);
    await openPortability(target);
    await pick('broken.ndjson', 'this is not an export\n', 'latchkey');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /\(400\).*\(invalid_request\)/);
    assert.equal(
      await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(),
      true,
    );

    // A good header with a broken line: the line is reported, and importing it writes nothing.
    const header = JSON.stringify({ format: 'latchkey.passkeys', version: 1, rpId: RP_ID });
    await pick('half.ndjson', `${header}\n{"externalId":"eve","passkeys":"no"}\n`, 'latchkey');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const dry = page.getByTestId('import-dry-run-report');
    await dry.locator('tr[data-reason="malformed_entry"]').waitFor();
    assert.equal(
      await dry.locator('tr[data-reason="malformed_entry"] td').first().textContent(),
      '2',
    );
    await shot('portability-problems');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page
      .getByTestId('import-report')
      .getByText(/Nothing changed:/)
      .waitFor();
    assert.equal(await usersOf(target), users);
  });
});
