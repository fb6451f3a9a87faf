/**
 * `latchkey export` and `latchkey import` as an operator runs them (real processes, a SQLite
 * file): a dry run writes nothing, an import reports what it did and each skip on stderr with its
 * reason, a second run says nothing changed, and an export is a file the import reads back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { encodeCOSEPublicKey, generateCredentialKeyPair } from '@latchkey/authenticator';
import { LATCHKEY_BIN } from '../testing/cli-process.ts';

const run = promisify(execFile);

/** `latchkey <args>`: its stdout and stderr. Generous: a loaded CI machine starts node slowly. */
async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [LATCHKEY_BIN, ...args], { timeout: 120_000 });
}

function record(user: string, edit: Record<string, unknown> = {}): Record<string, unknown> {
  const { publicKey } = generateCredentialKeyPair('ES256');
  return {
    id: Buffer.from(`${user}-${Math.random()}`).toString('base64url'),
    publicKey: Buffer.from(encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' })).toString(
      'base64url',
    ),
    user,
    counter: 3,
    deviceType: 'singleDevice',
    backedUp: false,
    transports: ['usb'],
    ...edit,
  };
}

describe('latchkey export and import', () => {
  let dir: string;
  let db: string;
  let appId: string;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-portability-'));
    db = `sqlite:${join(dir, 'latchkey.db')}`;
    appId = await createApp('Moved');
    file = join(dir, 'records.json');
    writeFileSync(
      file,
      JSON.stringify([record('ada'), record('ada'), record('grace', { counter: -4 })]),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function createApp(name: string): Promise<string> {
    const created = await cli(
      'apps',
      'create',
      '--name',
      name,
      '--origin',
      'https://bank.example',
      '--json',
      '--db',
      db,
    );
    return JSON.parse(created.stdout).app_id;
  }

  const importFile = (path: string, app: string, ...flags: string[]) =>
    cli('import', path, '--app', app, '--db', db, ...flags);

  it('a dry run reports what would happen and writes nothing', async () => {
    const { stdout } = await importFile(
      file,
      appId,
      '--format',
      'simplewebauthn',
      '--dry-run',
      '--json',
    );
    const report = JSON.parse(stdout);
    assert.equal(report.dry_run, true);
    assert.equal(report.passkeys.imported, 2);
    const exported = await cli('export', '--app', appId, '--db', db);
    assert.equal(exported.stdout.trimEnd().split('\n').length, 1, 'only the header');
  });

  it('imports, naming each skip and its reason on stderr', async () => {
    const { stdout, stderr } = await importFile(file, appId, '--format', 'simplewebauthn');
    assert.match(stdout, /users: +2 created/);
    assert.match(stdout, /passkeys: 2 imported, 0 already present, 1 skipped/);
    assert.match(stderr, /skipped at 3 {2}user "grace" {2}passkey \S+ {2}counter_invalid: /);
  });

  it('says nothing changed when the same file is imported again', async () => {
    const { stdout } = await importFile(file, appId, '--format', 'simplewebauthn');
    assert.match(stdout, /passkeys: 0 imported, 2 already present, 1 skipped/);
    assert.match(stdout, /nothing changed/);
  });

  it('exports a file that imports back, and another app is told the passkeys are taken', async () => {
    const { stdout } = await cli('export', '--app', appId, '--db', db);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines[0].format, 'latchkey.passkeys');
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l.externalId)
        .sort(),
      ['ada', 'grace'],
    );
    const exported = join(dir, 'export.ndjson');
    writeFileSync(exported, stdout);
    const same = await importFile(exported, appId);
    assert.match(same.stdout, /nothing changed/);
    const other = await createApp('Other');
    const across = await importFile(exported, other, '--json');
    assert.deepEqual(JSON.parse(across.stdout).skipped_by_reason, { credential_in_other_app: 2 });
    assert.match(across.stderr, /credential_in_other_app/);
  });

  it('refuses a batch size out of range and an unknown format before reading anything', async () => {
    await assert.rejects(importFile(file, appId, '--batch-size', '0'), /batch-size/);
    await assert.rejects(importFile(file, appId, '--format', 'keepass'), /format/);
  });
});
