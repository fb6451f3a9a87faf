/**
 * `latchkey actions set|get|list` as an operator runs them: real processes on a real SQLite file,
 * with a running server that picks up every change at its next track.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Authsignal } from '@authsignal/node';
import { LATCHKEY_BIN, runCli } from '../testing/cli-process.ts';
import { freePort } from '../testing/instances.ts';

const BIN = LATCHKEY_BIN;

const cli = runCli;

describe('latchkey actions CLI (sqlite)', () => {
  let dir: string;
  let db: string;
  let app: { app_id: string; api_key: string };
  let server: ChildProcess;
  let authsignal: Authsignal;
  const file = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-actions-cli-'));
    db = `sqlite:${join(dir, 'latchkey.db')}`;
    app = JSON.parse(
      await cli(
        'apps',
        'create',
        '--name',
        'bank',
        '--origin',
        'http://localhost:3000',
        '--json',
        '--db',
        db,
      ),
    );
    const port = await freePort();
    server = spawn(
      process.execPath,
      [BIN, 'serve', '--port', String(port), '--db', db, '--log-level', 'warn'],
      {
        stdio: 'inherit',
      },
    );
    authsignal = new Authsignal({
      apiSecretKey: app.api_key,
      apiUrl: `http://127.0.0.1:${port}/v1`,
      retries: 0,
    });
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not become healthy');
  });

  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets rules from a file, and the running server challenges the next large transfer', async () => {
    const rules = file('rules.json', {
      defaultOutcome: 'ALLOW',
      rules: [
        {
          name: 'large transfer',
          priority: 10,
          outcome: 'CHALLENGE',
          conditions: { '>': [{ var: 'custom.amount' }, 5000] },
        },
      ],
    });
    const before = await authsignal.track({
      userId: 'u1',
      action: 'high-value-transfer',
      attributes: { custom: { amount: 7500 } },
    });
    assert.equal(before.state, 'ALLOW', 'no rules yet');
    const set = JSON.parse(
      await cli(
        'actions',
        'set',
        '--app',
        app.app_id,
        '--action',
        'high-value-transfer',
        '--file',
        rules,
        '--json',
        '--db',
        db,
      ),
    );
    assert.equal(set.version, 1);
    assert.equal(set.rules[0].ruleId, 'large-transfer');
    const large = await authsignal.track({
      userId: 'u1',
      action: 'high-value-transfer',
      attributes: { custom: { amount: 7500 } },
    });
    assert.equal(large.state, 'CHALLENGE_REQUIRED');
    assert.deepEqual(large.ruleIds, ['large-transfer']);
    const small = await authsignal.track({
      userId: 'u1',
      action: 'high-value-transfer',
      attributes: { custom: { amount: 50 } },
    });
    assert.equal(small.state, 'ALLOW');
  });

  it('changes the rules while the server runs, effective at the next track', async () => {
    const block = file('block.json', { defaultOutcome: 'BLOCK', rules: [] });
    const out = await cli(
      'actions',
      'set',
      '--app',
      app.app_id,
      '--action',
      'high-value-transfer',
      '--file',
      block,
      '--db',
      db,
    );
    assert.match(out, /version 2/);
    const tracked = await authsignal.track({
      userId: 'u1',
      action: 'high-value-transfer',
      attributes: { custom: { amount: 50 } },
    });
    assert.equal(tracked.state, 'BLOCK');
  });

  it('shows one action code with get, and all of them with list', async () => {
    const got = JSON.parse(
      await cli(
        'actions',
        'get',
        '--app',
        app.app_id,
        '--action',
        'high-value-transfer',
        '--json',
        '--db',
        db,
      ),
    );
    assert.equal(got.defaultOutcome, 'BLOCK');
    assert.equal(got.version, 2);
    await cli(
      'actions',
      'set',
      '--app',
      app.app_id,
      '--action',
      'add-payee',
      '--file',
      file('p.json', { defaultOutcome: 'CHALLENGE' }),
      '--db',
      db,
    );
    const listed = JSON.parse(
      await cli('actions', 'list', '--app', app.app_id, '--json', '--db', db),
    );
    assert.deepEqual(
      listed.map((c: { actionCode: string }) => c.actionCode),
      ['add-payee', 'high-value-transfer'],
    );
    assert.match(
      await cli('actions', 'list', '--app', app.app_id, '--db', db),
      /add-payee .*default CHALLENGE/,
    );
  });

  it('refuses bad rules files with a clear message and exit code 1, changing nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"defaultOutcome": ', /is not valid JSON/],
      [
        { defaultOutcome: 'MAYBE' },
        /defaultOutcome must be one of ALLOW, CHALLENGE, REVIEW, BLOCK/,
      ],
      [
        {
          defaultOutcome: 'ALLOW',
          rules: [{ name: 'x', priority: 1, outcome: 'BLOCK', conditions: { eval: ['1'] } }],
        },
        /rules\[0\]\.conditions: unknown operator "eval"/,
      ],
      [
        {
          defaultOutcome: 'ALLOW',
          rules: [{ name: 'x', priority: 100, outcome: 'BLOCK', conditions: true }],
        },
        /rules\[0\]\.priority must be a whole number from 0 to 99/,
      ],
      [
        {
          defaultOutcome: 'ALLOW',
          rules: [
            {
              name: 'x',
              priority: 1,
              outcome: 'BLOCK',
              conditions: { '>': [{ var: 'amount' }, 1] },
            },
          ],
        },
        /unknown variable "amount"/,
      ],
    ];
    for (const [content, message] of cases) {
      await assert.rejects(
        cli(
          'actions',
          'set',
          '--app',
          app.app_id,
          '--action',
          'high-value-transfer',
          '--file',
          file('bad.json', content),
          '--db',
          db,
        ),
        (e: { code?: number; stderr?: string }) => {
          assert.equal(e.code, 1);
          assert.match(String(e.stderr), /^latchkey: invalid_request: /);
          assert.match(String(e.stderr), message);
          return true;
        },
      );
    }
    const got = JSON.parse(
      await cli(
        'actions',
        'get',
        '--app',
        app.app_id,
        '--action',
        'high-value-transfer',
        '--json',
        '--db',
        db,
      ),
    );
    assert.equal(got.version, 2);
  });

  it('says so when an action code has no rules', async () => {
    await assert.rejects(
      cli('actions', 'get', '--app', app.app_id, '--action', 'nothing-here', '--db', db),
      (e: { code?: number; stderr?: string }) =>
        e.code === 1 && /action_not_found: no rules set for nothing-here/.test(String(e.stderr)),
    );
  });
});
