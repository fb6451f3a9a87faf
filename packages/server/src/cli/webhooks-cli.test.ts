/** `latchkey webhooks …` as an operator runs it: a real process on a real SQLite file. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createApp, createRuntime, trackAction } from '@latchkey/core';
import { openStore } from '@latchkey/store';
import { LATCHKEY_BIN } from '../testing/cli-process.ts';

const run = promisify(execFile);

/** Runs the CLI; `allowPrivate` sets the operator's private-network allowance. */
async function cli(args: string[], allowPrivate = true): Promise<string> {
  const env = { ...process.env, LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: String(allowPrivate) };
  return (await run(process.execPath, [LATCHKEY_BIN, ...args], { timeout: 30_000, env })).stdout;
}

describe('latchkey webhooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-webhooks-cli-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  let appId: string;
  before(async () => {
    const store = await openStore({ url: db });
    try {
      appId = (
        await createApp(createRuntime({ store }), {
          name: 'Bank',
          origins: ['https://bank.example'],
        })
      ).app.id;
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists, rotates, shows deliveries, redelivers and removes', async () => {
    const url = 'http://127.0.0.1:9/hooks';
    const added = JSON.parse(
      await cli([
        'webhooks',
        'add',
        '--app',
        appId,
        '--url',
        url,
        '--event',
        'action.tracked',
        '--event',
        'passkey.created',
        '--json',
        '--db',
        db,
      ]),
    );
    assert.match(added.secret, /^whsec_/);
    assert.deepEqual(added.endpoint.events, ['action.tracked', 'passkey.created']);
    const endpointId = added.endpoint.id;

    const listed = await cli(['webhooks', 'list', '--app', appId, '--json', '--db', db]);
    assert.equal(JSON.parse(listed)[0].id, endpointId);
    assert.ok(!listed.includes('whsec_'));

    const rotated = JSON.parse(
      await cli([
        'webhooks',
        'rotate-secret',
        '--app',
        appId,
        endpointId,
        '--overlap',
        '60',
        '--json',
        '--db',
        db,
      ]),
    );
    assert.notEqual(rotated.secret, added.secret);
    assert.equal(typeof rotated.endpoint.previous_secret_expires_at, 'string');

    const store = await openStore({ url: db });
    try {
      await trackAction(createRuntime({ store }), {
        appId,
        actionCode: 'transfer',
        externalId: 'ada',
        attributes: {},
      });
    } finally {
      await store.close();
    }
    const deliveries = JSON.parse(
      await cli(['webhooks', 'deliveries', '--app', appId, '--json', '--db', db]),
    );
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].event_type, 'action.tracked');
    assert.equal(deliveries[0].state, 'pending');
    assert.match(
      await cli(['webhooks', 'redeliver', '--app', appId, deliveries[0].id, '--db', db]),
      /queued/,
    );
    assert.match(
      await cli(['webhooks', 'remove', '--app', appId, endpointId, '--db', db]),
      /removed/,
    );
    assert.match(
      await cli(['webhooks', 'list', '--app', appId, '--db', db]),
      /no webhook endpoints/,
    );
  });

  it('refuses a loopback endpoint unless the operator allows private networks', async () => {
    await assert.rejects(
      cli(['webhooks', 'add', '--app', appId, '--url', 'http://127.0.0.1:9/x', '--db', db], false),
      (error: { code?: number; stderr?: string }) => {
        assert.notEqual(error.code, 0);
        assert.match(error.stderr ?? '', /private, loopback or link-local/);
        return true;
      },
    );
    assert.match(
      await cli(['webhooks', 'list', '--app', appId, '--db', db]),
      /no webhook endpoints/,
    );
  });
});
