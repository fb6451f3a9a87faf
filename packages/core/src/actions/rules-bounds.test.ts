import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolvePolicy } from '../apps/resolve-policy.ts';
import { isLatchkeyError } from '../errors.ts';
import { type ActionConfig, type ActionRule, parseActionConfig } from './action-config.ts';
import { evaluateRules } from './evaluate-rules.ts';
import { RULE_BOUNDS } from './rule-operators.ts';
import { NO_PASSKEYS, type RuleContext } from './rule-variables.ts';
import { evaluateCondition } from './rules-engine.ts';

const context = (custom: RuleContext['custom'] = {}): RuleContext => ({
  custom,
  actionCode: 'pay',
  ipAddress: null,
  ip: null,
  userAgent: null,
  deviceId: null,
  email: null,
  phoneNumber: null,
  username: null,
  isNewUser: false,
  isNewDevice: null,
  isNewIpAddress: null,
  isEnrolled: true,
  passkeyCount: 1,
  secondsSinceLastVerified: null,
  passkeys: NO_PASSKEYS,
});

const forty = Array.from({ length: 40 }, (_, i) => i);

/** Conditions that, unbounded, build 2^40 elements or characters, or 40^4 steps. */
const BOMBS = {
  'merge doubling an array': {
    reduce: [forty, { merge: [{ val: 'accumulator' }, { val: 'accumulator' }] }, [1]],
  },
  'cat doubling a string': {
    reduce: [forty, { cat: [{ val: 'accumulator' }, { val: 'accumulator' }] }, 'ab'],
  },
  'nested maps': { map: [forty, { map: [forty, { map: [forty, { map: [forty, 1] }] }] }] },
  'a computed path doubling': {
    reduce: [
      forty,
      { merge: [{ var: { cat: ['accu', 'mulator'] } }, { var: { cat: ['accu', 'mulator'] } }] },
      [1],
    ],
  },
} as const;

/** A rule as it may sit in the database from before saving checked bounds. */
const stored = (conditions: unknown, outcome: ActionRule['outcome'] = 'BLOCK'): ActionConfig => ({
  defaultOutcome: 'ALLOW',
  rules: [
    {
      ruleId: 'r',
      name: 'the rule',
      description: null,
      isActive: true,
      priority: 1,
      outcome,
      conditions: conditions as ActionRule['conditions'],
    },
  ],
});

describe('bounded rule evaluation', () => {
  it('evaluates a doubling reduce in a child process that survives and answers CHALLENGE', () => {
    // Unbounded, this kills the process with "invalid size"; a child keeps that from the runner.
    const evaluate = fileURLToPath(new URL('./evaluate-rules.ts', import.meta.url));
    const script = `import { evaluateRules } from ${JSON.stringify(evaluate)};
      const config = ${JSON.stringify(stored(BOMBS['merge doubling an array']))};
      const d = evaluateRules(config, ${JSON.stringify(context())}, 'CHALLENGE');
      console.log(JSON.stringify({ outcome: d.outcome, bound: d.failed[0]?.bound }));`;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { outcome: 'CHALLENGE', bound: true });
  });

  for (const [name, bomb] of Object.entries(BOMBS)) {
    it(`stops ${name} at a bound, within the step budget`, () => {
      const result = evaluateCondition(bomb, context());
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.bound, true, JSON.stringify(result));
      assert.ok(result.steps <= RULE_BOUNDS.steps + RULE_BOUNDS.valueCells, `${result.steps}`);
    });
  }

  it('counts the steps of one track across its rules, so fifty heavy rules stay bounded', () => {
    const heavy = { map: [forty, { map: [forty, { '+': [1, 1] }] }] };
    const config: ActionConfig = {
      defaultOutcome: 'ALLOW',
      rules: Array.from({ length: 50 }, (_, i) => ({
        ...(stored(heavy, 'ALLOW').rules[0] as ActionRule),
        ruleId: `r${i}`,
      })),
    };
    const started = performance.now();
    const decision = evaluateRules(config, context(), 'CHALLENGE');
    // Not a bound (those are counted, not timed): a sanity check that the count means something.
    assert.ok(performance.now() - started < 2000);
    assert.ok(decision.failed.length > 0);
    assert.ok(decision.failed.every((f) => f.bound && /steps/.test(f.message)));
    assert.equal(decision.outcome, 'CHALLENGE');
  });

  it('runs only the allowed operators, even for a rule stored without the save-time check', () => {
    // `try` would swallow the error of a comparison and so let the rule fail open.
    for (const condition of [
      { try: [{ '>': ['7,500', 5000] }, false] },
      { throw: 'x' },
      { preserve: [1] },
      { eachKey: { a: 1 } },
    ]) {
      const result = evaluateCondition(condition, context());
      assert.deepEqual([result.ok, !result.ok && result.message], [false, 'unknown operator']);
    }
  });

  it('keeps reading the data it may read, and nothing of JavaScript behind it', () => {
    const data = context({ amount: 7500 });
    assert.equal(evaluateCondition({ '>': [{ var: 'custom.amount' }, 5000] }, data).ok, true);
    for (const path of ['custom.__proto__', 'custom.constructor', 'custom.prototype']) {
      const result = evaluateCondition({ var: path }, data);
      assert.equal(result.ok, false, path);
    }
    assert.equal(evaluateCondition({ val: ['custom', '__proto__'] }, data).ok, false);
    assert.equal(evaluateCondition({ var: { cat: ['custom.__pro', 'to__'] } }, data).ok, false);
    // A default value is not a path, and looking into a missing attribute finds nothing.
    assert.deepEqual(evaluateCondition({ var: ['custom.none', 'constructor'] }, data).ok, true);
    const missing = evaluateCondition({ in: ['@', { var: 'email' }] }, data);
    assert.deepEqual(missing.ok && missing.matches, false);
    assert.equal(missing.ok, true);
  });
});

describe('rules that cannot be evaluated fail closed', () => {
  const block = (custom: RuleContext['custom'], conditions: unknown, onRuleError = 'CHALLENGE') =>
    evaluateRules(stored(conditions), context(custom), onRuleError as 'CHALLENGE');
  const large = { '>': [{ var: 'custom.amount' }, 5000] };

  it('challenges, rather than allows, an amount that is not a number', () => {
    for (const amount of ['7,500', '$7500', 'lots', true]) {
      const decision = block({ amount }, large);
      assert.equal(decision.outcome, 'CHALLENGE', String(amount));
      assert.equal(decision.ruleErrorApplied, true);
      assert.equal(decision.failed[0]?.name, 'the rule');
      assert.equal(decision.failed[0]?.bound, false);
    }
    // A number written as a string is a number; a missing attribute is null and does not match.
    assert.deepEqual(
      [block({ amount: '7500' }, large).outcome, block({}, large).outcome],
      ['BLOCK', 'ALLOW'],
    );
  });

  it('treats NaN arithmetic and string operators on numbers as errors', () => {
    const conditions: Array<[unknown, RegExp]> = [
      [{ '>': [{ '+': [{ var: 'custom.note' }, 1] }, 5000] }, /not a number/],
      [{ '>': [{ '/': [{ var: 'custom.amount' }, 0] }, 5000] }, /not a number/],
      [{ '>': [{ '*': [{ var: 'custom.amount' }, 1e308] }, 5000] }, /\* does not yield a finite/],
      [{ in: ['@', { var: 'custom.amount' }] }, /in looks into a string or an array/],
      [{ '==': [{ substr: [{ var: 'custom.amount' }, 0, 1] }, '7'] }, /substr takes a string/],
      [{ '>': [{ var: 'custom' }, 1] }, /> compares a value that is not a number/],
    ];
    for (const [condition, message] of conditions) {
      const decision = block({ amount: 7500, note: '$7500' }, condition);
      assert.equal(decision.outcome, 'CHALLENGE', JSON.stringify(condition));
      assert.equal(decision.failed.length, 1);
      assert.match(decision.failed[0]?.message ?? '', message);
    }
    assert.equal(
      block({ amount: '$7500' }, { '*': [{ var: 'custom.amount' }, 2] }).outcome,
      'CHALLENGE',
    );
  });

  it("gives the app's onRuleError outcome, and never a weaker one than the rules decided", () => {
    assert.equal(block({ amount: '7,500' }, large, 'BLOCK').outcome, 'BLOCK');
    assert.equal(block({ amount: '7,500' }, large, 'REVIEW').outcome, 'REVIEW');
    const config = parseActionConfig({
      defaultOutcome: 'ALLOW',
      rules: [
        { name: 'blocked country', priority: 1, outcome: 'BLOCK', conditions: true },
        { name: 'large', priority: 2, outcome: 'CHALLENGE', conditions: large },
      ],
    });
    const decision = evaluateRules(config, context({ amount: '7,500' }), 'CHALLENGE');
    assert.deepEqual([decision.outcome, decision.ruleErrorApplied], ['BLOCK', false]);
    assert.equal(decision.failed[0]?.ruleId, 'large');
  });

  it('is a policy setting that defaults to CHALLENGE and cannot be ALLOW', () => {
    assert.equal(resolvePolicy().onRuleError, 'CHALLENGE');
    assert.equal(resolvePolicy({ onRuleError: 'BLOCK' }).onRuleError, 'BLOCK');
    for (const value of ['ALLOW', 'challenge', 1]) {
      assert.throws(
        () => resolvePolicy({ onRuleError: value }),
        (e: unknown) => isLatchkeyError(e, 'invalid_request') && /onRuleError/.test(e.message),
      );
    }
  });
});

describe('saving rules checks what can be known before they run', () => {
  const save = (conditions: unknown) =>
    parseActionConfig({
      defaultOutcome: 'ALLOW',
      rules: [{ name: 'r', priority: 1, outcome: 'BLOCK', conditions }],
    });
  const refuses = (conditions: unknown, message: RegExp) =>
    assert.throws(
      () => save(conditions),
      (e: unknown) => isLatchkeyError(e, 'invalid_request') && message.test(e.message),
    );

  it('refuses a condition that exceeds a bound on any track, naming the bound', () => {
    refuses(BOMBS['merge doubling an array'], /rules\[0\]\.conditions: .*exceeds 1000 elements/);
    refuses(BOMBS['cat doubling a string'], /exceeds 10000 characters/);
    refuses(BOMBS['nested maps'], /exceeds 20000 steps/);
  });

  it('refuses computed paths and prototype names', () => {
    refuses(BOMBS['a computed path doubling'], /must be written out, not computed/);
    refuses({ var: { cat: ['custom.', 'amount'] } }, /must be written out/);
    refuses({ val: ['custom', '__proto__'] }, /the path __proto__ is not allowed/);
    refuses({ get: [{ var: 'custom' }, 'constructor'] }, /the path constructor/);
    refuses({ val: 'process' }, /unknown variable "process"/);
  });

  it("accepts an iterator's body reading its item, and bounded reduces", () => {
    const sum = { reduce: [[1, 2, 3], { '+': [{ var: 'accumulator' }, { var: 'current' }] }, 0] };
    assert.equal(save({ '>': [sum, 5] }).rules.length, 1);
    assert.equal(save({ some: [[1, 2], { '===': [{ var: '' }, 2] }] }).rules.length, 1);
  });
});
