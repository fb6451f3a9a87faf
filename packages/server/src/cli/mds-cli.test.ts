/** `latchkey mds …` and the authenticator policy flags as an operator runs them: real processes. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestRoot, issueMetadataSigner, signMetadataBlob } from '@latchkey/authenticator';

const BIN = new URL('../../bin/latchkey.js', import.meta.url).pathname;
const run = promisify(execFile);
const cli = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [BIN, ...args], { timeout: 30_000 })).stdout;
const refused = async (...args: string[]): Promise<string> => {
  try {
    await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`latchkey ${args.join(' ')} succeeded`);
};

describe('latchkey mds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-mds-cli-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  const rootFile = join(dir, 'root.pem');
  const blobFile = (no: number, nextUpdate = '2099-01-01') =>
    join(dir, `blob-${no}-${nextUpdate}.jwt`);
  before(async () => {
    const root = await createTestRoot('CN=Latchkey Test MDS Root');
    const signer = await issueMetadataSigner(root);
    writeFileSync(rootFile, root.pem);
    for (const [no, nextUpdate] of [
      [1, '2099-01-01'],
      [2, '2020-01-01'],
    ] as const) {
      writeFileSync(
        blobFile(no, nextUpdate),
        signMetadataBlob({ signer, no, nextUpdate, entries: [] }),
      );
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a blob signed under the given root, refuses it under the FIDO root and when not newer', async () => {
    assert.match(await cli('mds', 'status', '--db', db), /no metadata loaded/);
    assert.match(await refused('mds', 'load', blobFile(1), '--db', db), /trusted root/);
    const loaded = JSON.parse(
      await cli('mds', 'load', blobFile(1), '--root', rootFile, '--json', '--db', db),
    );
    assert.equal(loaded.serial, 1);
    assert.equal(loaded.stale, false);
    assert.match(
      await refused('mds', 'load', blobFile(1), '--root', rootFile, '--db', db),
      /not above/,
    );
    const stale = await run(process.execPath, [
      BIN,
      'mds',
      'load',
      blobFile(2, '2020-01-01'),
      '--root',
      rootFile,
      '--db',
      db,
    ]);
    assert.match(stale.stderr, /warning: the blob is past its nextUpdate/);
    assert.equal(JSON.parse(await cli('mds', 'status', '--json', '--db', db)).serial, 2);
  });

  it('sets the authenticator policy of an app', async () => {
    const app = JSON.parse(
      await cli(
        'apps',
        'create',
        '--name',
        'Bank',
        '--origin',
        'https://bank.example',
        '--json',
        '--db',
        db,
      ),
    );
    const updated = JSON.parse(
      await cli(
        'apps',
        'update',
        '--app',
        app.app_id,
        '--aaguid-deny',
        'EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4',
        '--device-binding',
        'device-bound-only',
        '--json',
        '--db',
        db,
      ),
    );
    assert.deepEqual(updated.policy.aaguidDenyList, ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4']);
    assert.equal(updated.policy.deviceBinding, 'device-bound-only');
    assert.match(
      await refused(
        'apps',
        'update',
        '--app',
        app.app_id,
        '--require-attested-authenticator',
        '--db',
        db,
      ),
      /--require-attested-authenticator needs attestation direct/,
    );
    assert.match(
      await refused('apps', 'update', '--app', app.app_id, '--aaguid-allow', 'yubikey', '--db', db),
      /--aaguid-allow must hold AAGUIDs/,
    );
  });
});
