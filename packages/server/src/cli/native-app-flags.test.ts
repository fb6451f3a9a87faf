/**
 * `apps create` / `apps update` set related origins, Android and Apple apps; `apps well-known`
 * prints the documents to host at the RP ID's domain; an RP ID change that would strand passkeys
 * needs `--force`. Real processes on a real SQLite file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '@latchkey/store';
import { credentialFixture, userFixture } from '@latchkey/store/testing';
import { LATCHKEY_BIN } from '../testing/cli-process.ts';

const run = promisify(execFile);
const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  (i * 3).toString(16).padStart(2, '0').toUpperCase(),
).join(':');

describe('native app and related origin flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-native-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...args: string[]) =>
    (await run(process.execPath, [LATCHKEY_BIN, ...args, '--db', db])).stdout;
  /** The CLI's exit code and standard error for a command that must fail. */
  const failure = async (...args: string[]): Promise<{ code: number; stderr: string }> => {
    try {
      await cli(...args);
    } catch (error) {
      const e = error as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
    throw new Error(`latchkey ${args.join(' ')} succeeded`);
  };
  let appId = '';

  it('sets them on create, and prints the documents to host', async () => {
    const created = JSON.parse(
      await cli(
        'apps',
        'create',
        '--name',
        'Bank',
        '--origin',
        'https://bank.example',
        '--related-origin',
        'https://bank.co.uk',
        '--related-origin',
        'https://bank.de',
        '--android-app',
        `com.example.bank=${FINGERPRINT.toLowerCase()}`,
        '--android-app-links',
        '--apple-app',
        'ABCDE12345.com.example.bank',
        '--json',
      ),
    );
    appId = created.app_id;
    assert.deepEqual(created.policy.relatedOrigins, ['https://bank.co.uk', 'https://bank.de']);
    assert.deepEqual(
      JSON.parse(await cli('apps', 'well-known', '--app', appId, '--file', 'webauthn')),
      {
        origins: ['https://bank.co.uk', 'https://bank.de'],
      },
    );
    assert.deepEqual(
      JSON.parse(await cli('apps', 'well-known', '--app', appId, '--file', 'assetlinks.json')),
      [
        {
          relation: [
            'delegate_permission/common.handle_all_urls',
            'delegate_permission/common.get_login_creds',
          ],
          target: {
            namespace: 'android_app',
            package_name: 'com.example.bank',
            sha256_cert_fingerprints: [FINGERPRINT],
          },
        },
      ],
    );
    assert.deepEqual(
      JSON.parse(
        await cli('apps', 'well-known', '--app', appId, '--file', 'apple-app-site-association'),
      ),
      { webcredentials: { apps: ['ABCDE12345.com.example.bank'] } },
    );
  });

  it('refuses bad values by the flag that carried them, and changes nothing', async () => {
    for (const [flag, value, pattern] of [
      [
        '--related-origin',
        'http://bank.co.uk',
        /--related-origin: http origins are only allowed on localhost/,
      ],
      [
        '--related-origin',
        'https://github.io',
        /--related-origin https:\/\/github\.io: .*public suffix/,
      ],
      ['--android-app', 'com.example.bank', /--android-app com\.example\.bank needs 1 to 10/],
      [
        '--android-app',
        'com.example.bank=AB:CD',
        /--android-app fingerprint AB:CD is not a SHA-256/,
      ],
      [
        '--apple-app',
        'com.example.bank',
        /--apple-app com\.example\.bank is not TEAMID\.bundle\.id/,
      ],
    ] as const) {
      const refused = await failure('apps', 'update', '--app', appId, flag, value);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^latchkey: invalid_request: /);
      assert.match(refused.stderr, pattern);
    }
    const shown = JSON.parse(await cli('apps', 'show', '--app', appId, '--json'));
    assert.deepEqual(shown.policy.relatedOrigins, ['https://bank.co.uk', 'https://bank.de']);
  });

  it('clears a list with none, after which there is no document to print', async () => {
    await cli('apps', 'update', '--app', appId, '--related-origin', 'none');
    const missing = await failure('apps', 'well-known', '--app', appId, '--file', 'webauthn');
    assert.match(missing.stderr, /latchkey: not_found: .*--related-origin/);
  });

  it('refuses an RP ID change that would strand passkeys, unless --force', async () => {
    const store = await openStore({ url: db });
    try {
      const user = await store.users.upsertByExternalId(userFixture(appId));
      await store.credentials.insert(credentialFixture(appId, user.id));
    } finally {
      await store.close();
    }
    const change = [
      'apps',
      'update',
      '--app',
      appId,
      '--origin',
      'https://bank.example.com',
      '--rp-id',
      'bank.example.com',
    ];
    const refused = await failure(...change);
    assert.match(
      refused.stderr,
      /^latchkey: rp_id_change_refused: .*1 passkey bound to RP ID bank\.example.*related origin.*--force/,
    );
    assert.equal(
      JSON.parse(await cli('apps', 'show', '--app', appId, '--json')).rp_id,
      'bank.example',
    );
    const forced = JSON.parse(await cli(...change, '--force', '--json'));
    assert.equal(forced.rp_id, 'bank.example.com');
  });
});
