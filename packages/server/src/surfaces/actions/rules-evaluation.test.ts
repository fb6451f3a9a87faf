/**
 * Rules that cannot be evaluated, at every entry point: a track through the server API (with the
 * published `@authsignal/node`), saving rules through the server API and the admin API, the admin
 * dry run, and the app's `onRuleError` policy through the admin API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOperatorToken, updateApp } from '@latchkey/core';
import { auditEvents, databases } from '../../testing/harness.ts';
import { type ActionsHarness, openActionsHarness } from './testing/actions-harness.ts';

const forty = Array.from({ length: 40 }, (_, i) => i);
const DOUBLING = {
  reduce: [forty, { merge: [{ val: 'accumulator' }, { val: 'accumulator' }] }, [1]],
};
const LARGE = { '>': [{ var: 'custom.amount' }, 5000] };

const config = (conditions: unknown, outcome = 'BLOCK') => ({
  defaultOutcome: 'ALLOW',
  rules: [{ name: 'large transfer', priority: 1, outcome, conditions }],
});

for (const db of databases()) {
  describe(`rules that cannot be evaluated (${db.name})`, () => {
    let h: ActionsHarness;
    let operator: string;
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await h.server.inject({
        method: method as 'POST',
        url: `/admin/v1/apps/${h.app.id}${path}`,
        headers: { authorization: `Bearer ${operator}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      return { status: res.statusCode, body: res.json() };
    };
    /** Stores rules without the checks of a save, as rules saved by an older version sit. */
    const storeUnchecked = (actionCode: string, conditions: unknown) =>
      h.store.actionConfigs.put({
        appId: h.app.id,
        actionCode,
        defaultOutcome: 'ALLOW',
        rules: [
          {
            ruleId: 'doubling',
            name: 'doubling',
            description: null,
            isActive: true,
            priority: 1,
            outcome: 'BLOCK',
            conditions: conditions as Record<string, unknown>,
          },
        ],
        updatedAt: h.runtime.now(),
      });

    before(async () => {
      h = await openActionsHarness(db);
      operator = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
    });
    after(async () => {
      await h.close();
    });

    it('refuses to save a condition that exceeds a bound, with 400 in each surface’s shape', async () => {
      const res = await h.setRules('bomb', config(DOUBLING));
      assert.equal(res.status, 400);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body.errorCode, 'invalid_request');
      assert.match(body.errorDescription ?? '', /exceeds 1000 elements/);
      const put = await admin('PUT', '/action-configs/bomb', config(DOUBLING));
      assert.equal(put.status, 400);
      assert.equal(put.body.error.code, 'invalid_request');
      assert.equal(await h.store.actionConfigs.find(h.app.id, 'bomb'), null);
    });

    it('answers a track of a stored runaway rule with CHALLENGE, and keeps serving', async () => {
      await storeUnchecked('bomb', DOUBLING);
      const tracked = await h.authsignal.track({ userId: 'ada', action: 'bomb' });
      assert.equal(tracked.state, 'CHALLENGE_REQUIRED');
      const failed = (await auditEvents(h, 'action.rule_failed')).find(
        (e) => e.data?.actionCode === 'bomb',
      );
      assert.equal(failed?.reason, 'rule_bound_exceeded');
      assert.equal(failed?.data?.name, 'doubling');
      assert.match(String(failed?.data?.message), /exceeds 1000 elements/);
      const next = await h.authsignal.track({ userId: 'ada', action: 'other' });
      assert.equal(next.state, 'ALLOW');
    });

    it('challenges a "$7,500" amount that a BLOCK rule cannot compare, and audits the rule', async () => {
      assert.equal((await h.setRules('transfer', config(LARGE))).status, 200);
      const tracked = await h.authsignal.track({
        userId: 'ada',
        action: 'transfer',
        attributes: { custom: { amount: '$7,500' } },
      });
      assert.equal(tracked.state, 'CHALLENGE_REQUIRED');
      assert.deepEqual(tracked.ruleIds, []);
      const failed = (await auditEvents(h, 'action.rule_failed')).find(
        (e) => e.data?.actionCode === 'transfer',
      );
      assert.equal(failed?.reason, 'rule_evaluation_failed');
      assert.equal(failed?.data?.ruleId, 'large-transfer');
      assert.equal(failed?.data?.name, 'large transfer');
      const numeric = await h.authsignal.track({
        userId: 'ada',
        action: 'transfer',
        attributes: { custom: { amount: 7500 } },
      });
      assert.equal(numeric.state, 'BLOCK');
    });

    it("takes the app's onRuleError from the admin API, and refuses ALLOW", async () => {
      const patched = await admin('PATCH', '', { policy: { onRuleError: 'BLOCK' } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.policy.onRuleError, 'BLOCK');
      const tracked = await h.authsignal.track({
        userId: 'ada',
        action: 'transfer',
        attributes: { custom: { amount: '7,500' } },
      });
      assert.equal(tracked.state, 'BLOCK');
      for (const value of ['ALLOW', 'block']) {
        const refused = await admin('PATCH', '', { policy: { onRuleError: value } });
        assert.equal(refused.status, 400, value);
        assert.equal(refused.body.error.code, 'invalid_request');
      }
      assert.equal((await admin('GET', '')).body.policy.onRuleError, 'BLOCK');
      await updateApp(h.runtime, { appId: h.app.id, policy: { onRuleError: 'CHALLENGE' } });
      // Called on the core directly: its audit event may be held until flushed (PostgreSQL).
      await h.store.flush();
    });

    it('shows a rule that cannot be evaluated as an error in the dry run, not as ALLOW', async () => {
      const before = (await h.store.audit.list({ appId: h.app.id, limit: 1000 })).length;
      const run = (body: unknown, code = 'transfer') =>
        admin('POST', `/action-configs/${code}/dry-run`, body);
      const text = await run({ attributes: { custom: { amount: '7,500' } } });
      assert.equal(text.status, 200, JSON.stringify(text.body));
      assert.equal(text.body.outcome, 'CHALLENGE');
      assert.equal(text.body.rule_error_applied, true);
      assert.equal(text.body.deciding_rule, null);
      assert.deepEqual(
        text.body.failed.map((f: { ruleId: string; name: string }) => [f.ruleId, f.name]),
        [['large-transfer', 'large transfer']],
      );
      const bomb = await run({ attributes: {} }, 'bomb');
      assert.equal(bomb.body.outcome, 'CHALLENGE');
      assert.equal(bomb.body.failed[0].bound, true);
      const unsaved = await run({ attributes: {}, config: config(DOUBLING) });
      assert.equal(unsaved.status, 400);
      assert.match(unsaved.body.error.message, /exceeds 1000 elements/);
      const fine = await run({ attributes: { custom: { amount: 10 } } });
      assert.deepEqual([fine.body.outcome, fine.body.rule_error_applied], ['ALLOW', false]);
      const after = (await h.store.audit.list({ appId: h.app.id, limit: 1000 })).length;
      assert.equal(after, before, 'a dry run writes nothing');
    });
  });
}
