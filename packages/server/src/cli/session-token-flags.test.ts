/**
 * `apps update --session-tokens/--session-token-ttl` turn session tokens on and bound their
 * lifetime, and `session-keys list|rotate` manage the signing keys, from the CLI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempDbCli } from '../testing/cli-process.ts';

describe('session tokens in the CLI', () => {
  const { json: cli, fails, remove } = tempDbCli('latchkey-cli-tokens-');
  let appId: string;
  after(remove);

  before(async () => {
    appId = (await cli('apps', 'create', '--name', 'bank', '--origin', 'https://bank.example'))
      .app_id;
  });

  it('turns tokens on with a lifetime, and names the flag of a value out of bounds', async () => {
    assert.deepEqual((await cli('apps', 'show', '--app', appId)).policy.sessionTokens, {
      enabled: false,
      ttlSeconds: 900,
    });
    const updated = await cli(
      'apps',
      'update',
      '--app',
      appId,
      '--session-tokens',
      '--session-token-ttl',
      '300',
    );
    assert.deepEqual(updated.policy.sessionTokens, { enabled: true, ttlSeconds: 300 });
    await fails(
      ['apps', 'update', '--app', appId, '--session-token-ttl', '5'],
      /^latchkey: invalid_request: --session-token-ttl must be a whole number of seconds from 60 to 86400\n$/,
    );
    const off = await cli('apps', 'update', '--app', appId, '--no-session-tokens');
    assert.deepEqual(off.policy.sessionTokens, { enabled: false, ttlSeconds: 300 });
  });

  it('rotates and lists signing keys, refusing an overlap shorter than the lifetime', async () => {
    const first = await cli('session-keys', 'rotate', '--app', appId);
    assert.equal(first.retired, 0);
    const second = await cli('session-keys', 'rotate', '--app', appId, '--overlap', '400');
    assert.equal(second.retired, 1);
    const listed = await cli('session-keys', 'list', '--app', appId);
    assert.deepEqual(
      listed.map((k: { key_id: string; status: string }) => [k.key_id, k.status]),
      [
        [second.key.key_id, 'active'],
        [first.key.key_id, 'retiring'],
      ],
    );
    await fails(
      ['session-keys', 'rotate', '--app', appId, '--overlap', '100'],
      /latchkey: invalid_request: the overlap must be a whole number of seconds from 360/,
    );
  });
});
