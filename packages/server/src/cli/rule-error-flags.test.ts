/**
 * `apps update --on-rule-error` sets what an action gets when a rule cannot be evaluated, and
 * `actions set` refuses rules that exceed an evaluation bound or compute their paths.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDbCli } from '../testing/cli-process.ts';

describe('rule evaluation flags and checks in the CLI', () => {
  const { json: cli, fails, remove, dir } = tempDbCli('latchkey-cli-rules-');
  let appId: string;
  after(remove);

  before(async () => {
    appId = (await cli('apps', 'create', '--name', 'bank', '--origin', 'https://bank.example'))
      .app_id;
  });

  it('defaults onRuleError to CHALLENGE and sets it with apps update', async () => {
    assert.equal((await cli('apps', 'show', '--app', appId)).policy.onRuleError, 'CHALLENGE');
    const updated = await cli('apps', 'update', '--app', appId, '--on-rule-error', 'BLOCK');
    assert.equal(updated.policy.onRuleError, 'BLOCK');
    await fails(['apps', 'update', '--app', appId, '--on-rule-error', 'ALLOW'], /on-rule-error/);
  });

  it('refuses to set rules that exceed a bound or compute a path, saying where', async () => {
    const forty = Array.from({ length: 40 }, (_, i) => i);
    const write = (name: string, conditions: unknown) => {
      const path = join(dir, name);
      const rule = { name: 'r', priority: 1, outcome: 'BLOCK', conditions };
      writeFileSync(path, JSON.stringify({ defaultOutcome: 'ALLOW', rules: [rule] }));
      return path;
    };
    const doubling = write('doubling.json', {
      reduce: [forty, { cat: [{ val: 'accumulator' }, { val: 'accumulator' }] }, 'ab'],
    });
    const set = ['actions', 'set', '--app', appId, '--action', 'transfer', '--file'];
    await fails([...set, doubling], /rules\[0\]\.conditions: .*exceeds 10000 characters/);
    const computed = write('computed.json', { var: { cat: ['custom.', 'amount'] } });
    await fails([...set, computed], /must be written out, not computed/);
  });
});
