/**
 * `apps create|update --hints` sets the WebAuthn hints every ceremony of the app sends, refuses a
 * hint outside the vocabulary by the flag's name, and clears the list with "".
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { LATCHKEY_BIN } from '../testing/cli-process.ts';

const run = promisify(execFile);

describe('the --hints policy flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-hints-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...args: string[]) =>
    JSON.parse((await run(process.execPath, [LATCHKEY_BIN, ...args, '--db', db, '--json'])).stdout);

  it('sets, refuses and clears the hints', async () => {
    const created = await cli(
      'apps',
      'create',
      '--name',
      'bank',
      '--origin',
      'https://bank.example',
      '--hints',
      'security-key,hybrid',
    );
    assert.deepEqual(
      created.policy?.hints ?? (await cli('apps', 'show', '--app', created.app_id)).policy.hints,
      ['security-key', 'hybrid'],
    );
    await assert.rejects(
      run(process.execPath, [
        LATCHKEY_BIN,
        'apps',
        'update',
        '--app',
        created.app_id,
        '--hints',
        'usb',
        '--db',
        db,
      ]),
      (error: { code?: number; stderr?: string }) =>
        error.code === 1 &&
        /--hints must be one of security-key, client-device, hybrid/.test(error.stderr ?? ''),
    );
    const cleared = await cli('apps', 'update', '--app', created.app_id, '--hints', '');
    assert.deepEqual(cleared.policy.hints, []);
  });
});
