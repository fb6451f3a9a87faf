/** `latchkey admin …` as an operator runs it: a real process on a real SQLite file. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { authenticateOperator, createRuntime, sha256Hex } from '@latchkey/core';
import { openStore } from '@latchkey/store';

const BIN = new URL('../../bin/latchkey.js', import.meta.url).pathname;
const run = promisify(execFile);
const cli = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [BIN, ...args], { timeout: 30_000 })).stdout;

describe('latchkey admin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-admin-cli-'));
  const db = `sqlite:${join(dir, 'latchkey.db')}`;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a token shown once and stored only as a hash, lists it and revokes it', async () => {
    const created = JSON.parse(
      await cli('admin', 'create-token', '--name', 'ops', '--json', '--db', db),
    );
    assert.match(created.token, /^lko_/);
    assert.equal(created.name, 'ops');
    const store = await openStore({ url: db });
    try {
      const row = await store.operatorTokens.findById(created.token_id);
      assert.equal(row?.secretHash, sha256Hex(created.token.split('.')[1]));
      const actor = await authenticateOperator(createRuntime({ store }), {
        credential: created.token,
      });
      assert.equal(actor.tokenId, created.token_id);
    } finally {
      await store.close();
    }
    const listed = JSON.parse(await cli('admin', 'list-tokens', '--json', '--db', db));
    assert.deepEqual(
      listed.map((t: { token_id: string }) => t.token_id),
      [created.token_id],
    );
    assert.ok(!JSON.stringify(listed).includes(created.token.split('.')[1]));
    assert.match(await cli('admin', 'revoke-token', created.token_id, '--db', db), /revoked/);
    const revoked = JSON.parse(await cli('admin', 'list-tokens', '--json', '--db', db));
    assert.equal(typeof revoked[0].revoked_at, 'string');
    const human = await cli('admin', 'create-token', '--db', db);
    assert.match(human, /shown only now/);
  });
});
