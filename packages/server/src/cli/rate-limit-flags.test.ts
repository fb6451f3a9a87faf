/** `apps create` and `apps update` set an app's rate limits, one limit at a time. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_POLICY } from '@latchkey/core';

const BIN = new URL('../../bin/latchkey.js', import.meta.url).pathname;
const run = promisify(execFile);

describe('rate-limit flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-limits-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...args: string[]) =>
    JSON.parse((await run(process.execPath, [BIN, ...args, '--db', db, '--json'])).stdout);

  it('sets the limits given and keeps the others', async () => {
    const created = await cli(
      'apps',
      'create',
      '--name',
      'demo',
      '--origin',
      'https://bank.example',
      '--starts-per-ip',
      '5',
    );
    assert.deepEqual(created.policy.rateLimits, { ...DEFAULT_POLICY.rateLimits, startsPerIp: 5 });
    const updated = await cli('apps', 'update', '--app', created.app_id, '--failures-per-app', '0');
    assert.deepEqual(updated.policy.rateLimits, {
      ...DEFAULT_POLICY.rateLimits,
      startsPerIp: 5,
      failuresPerApp: 0,
    });
  });

  it('refuses a limit that is not a whole number', async () => {
    await assert.rejects(
      run(process.execPath, [
        BIN,
        'apps',
        'create',
        '--name',
        'bad',
        '--origin',
        'https://bank.example',
        '--starts-per-ip',
        '-3',
        '--db',
        db,
      ]),
      (error: { code?: number; stderr?: string }) =>
        error.code === 1 &&
        /^latchkey: invalid_request: --starts-per-ip must be/.test(error.stderr ?? ''),
    );
  });
});
