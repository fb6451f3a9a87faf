import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatchkeyError } from '../errors.ts';
import { parseActionConfig } from './action-config.ts';
import { ACTION_STATES, ACTION_TRANSITIONS, canTransition } from './action-states.ts';
import { attributesHash, challengeCommitsTo, stepUpChallenge } from './attributes-binding.ts';
import { evaluateRules } from './evaluate-rules.ts';
import { NO_PASSKEYS, type RuleContext } from './rule-variables.ts';

const context = (overrides: Partial<RuleContext> = {}): RuleContext => ({
  custom: {},
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
  ...overrides,
});

const rule = (name: string, priority: number, outcome: string, conditions: unknown) => ({
  name,
  priority,
  outcome,
  conditions,
});

function refuses(input: unknown, message: RegExp): void {
  assert.throws(
    () => parseActionConfig(input),
    (e: unknown) => isLatchkeyError(e, 'invalid_request') && message.test(e.message),
  );
}

describe('parseActionConfig', () => {
  it('fills in rule ids, activity and descriptions, and accepts type for outcome', () => {
    const config = parseActionConfig({
      defaultOutcome: 'ALLOW',
      rules: [rule('Large transfer!', 10, 'CHALLENGE', { '>': [{ var: 'custom.amount' }, 5000] })],
    });
    assert.deepEqual(config.rules[0], {
      ruleId: 'large-transfer',
      name: 'Large transfer!',
      description: null,
      isActive: true,
      priority: 10,
      outcome: 'CHALLENGE',
      conditions: { '>': [{ var: 'custom.amount' }, 5000] },
    });
    const typed = parseActionConfig({
      defaultOutcome: 'BLOCK',
      rules: [{ ruleId: 'r', name: 'n', priority: 0, type: 'REVIEW', conditions: true }],
    });
    assert.equal(typed.rules[0]?.outcome, 'REVIEW');
  });

  it('refuses unknown operators anywhere in a condition, naming where', () => {
    refuses(
      {
        defaultOutcome: 'ALLOW',
        rules: [rule('x', 1, 'BLOCK', { and: [true, { js: 'process.exit()' }] })],
      },
      /rules\[0\]\.conditions\.and\[1\]: unknown operator "js"/,
    );
    refuses(
      { defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'BLOCK', { throw: 'boom' })] },
      /unknown operator "throw"/,
    );
  });

  it('refuses variables outside the documented data, bad fields and outcomes', () => {
    refuses(
      { defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'BLOCK', { var: 'process.env' })] },
      /unknown variable/,
    );
    refuses(
      { defaultOutcome: 'ALLOW', rules: [{ ...rule('x', 1, 'BLOCK', true), when: 1 }] },
      /unknown field "when"/,
    );
    refuses({ defaultOutcome: 'ALLOW', rules: [rule('x', 1.5, 'BLOCK', true)] }, /priority/);
    refuses(
      { defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'DENY', true)] },
      /outcome must be one of/,
    );
    refuses(
      { defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'BLOCK', 'yes')] },
      /conditions must be/,
    );
    refuses(
      {
        defaultOutcome: 'ALLOW',
        rules: [rule('a', 1, 'BLOCK', true), rule('a', 2, 'ALLOW', true)],
      },
      /two rules have the ruleId "a"/,
    );
    refuses({ defaultOutcome: 'ALLOW', extra: 1 }, /unknown field "extra"/);
    refuses([], /must be a JSON object/);
  });

  it('bounds the size and depth of conditions', () => {
    let deep: unknown = true;
    for (let i = 0; i < 20; i++) deep = { '!': [deep] };
    refuses({ defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'BLOCK', deep)] }, /nest deeper/);
    const wide = { or: Array.from({ length: 600 }, () => true) };
    refuses(
      { defaultOutcome: 'ALLOW', rules: [rule('x', 1, 'BLOCK', wide)] },
      /more than 500 nodes/,
    );
    refuses(
      {
        defaultOutcome: 'ALLOW',
        rules: Array.from({ length: 51 }, (_, i) => rule(`r${i}`, 1, 'ALLOW', true)),
      },
      /at most 50 rules/,
    );
  });
});

describe('evaluateRules', () => {
  const config = parseActionConfig({
    defaultOutcome: 'ALLOW',
    rules: [
      rule('large', 10, 'CHALLENGE', { '>': [{ var: 'custom.amount' }, 5000] }),
      rule('huge', 5, 'BLOCK', { '>': [{ var: 'custom.amount' }, 50000] }),
      { ...rule('off', 0, 'BLOCK', true), isActive: false },
      rule('new device', 20, 'REVIEW', { '===': [{ var: 'isNewDevice' }, true] }),
    ],
  });

  it('lets the lowest priority number of the matching rules decide, and lists them all', () => {
    const decision = evaluateRules(
      config,
      context({ custom: { amount: 60000 }, isNewDevice: true }),
      'CHALLENGE',
    );
    assert.equal(decision.outcome, 'BLOCK');
    assert.deepEqual(
      decision.fired.map((r) => r.ruleId),
      ['huge', 'large', 'new-device'],
    );
  });

  it('falls back to the default outcome, and skips inactive rules', () => {
    const decision = evaluateRules(config, context({ custom: { amount: 50 } }), 'CHALLENGE');
    assert.deepEqual([decision.outcome, decision.fired], ['ALLOW', []]);
  });

  it('treats a missing attribute as not matching rather than failing', () => {
    assert.equal(evaluateRules(config, context(), 'CHALLENGE').outcome, 'ALLOW');
  });
});

describe('the action state machine', () => {
  it('only moves forward: nothing leaves a final state, nothing returns to a start', () => {
    for (const from of ACTION_STATES) {
      for (const to of ACTION_TRANSITIONS[from]) {
        assert.equal(canTransition(to, from), false, `${to} back to ${from}`);
        assert.deepEqual(ACTION_TRANSITIONS[to], [], `${to} is final`);
      }
    }
    assert.equal(canTransition('CHALLENGE_REQUIRED', 'CHALLENGE_SUCCEEDED'), true);
    assert.equal(canTransition('BLOCK', 'CHALLENGE_SUCCEEDED'), false);
    assert.equal(canTransition('CHALLENGE_FAILED', 'CHALLENGE_SUCCEEDED'), false);
  });
});

describe('the attributes binding', () => {
  it('hashes canonical JSON: key order and number spelling do not matter, values do', () => {
    assert.equal(
      attributesHash({ amount: 7500, recipient: 'ACME' }),
      attributesHash({ recipient: 'ACME', amount: 7.5e3 }),
    );
    assert.notEqual(attributesHash({ amount: 7500 }), attributesHash({ amount: 7501 }));
  });

  it('commits a challenge to the hash, and to nothing for an action without attributes', () => {
    const random = new Uint8Array(32).fill(7);
    const hash = attributesHash({ amount: 7500 });
    const challenge = stepUpChallenge(random, hash);
    assert.equal(challengeCommitsTo(challenge, hash), true);
    assert.equal(challengeCommitsTo(challenge, attributesHash({ amount: 7501 })), false);
    assert.equal(challengeCommitsTo(challenge, null), false);
    const bare = stepUpChallenge(random, null);
    assert.equal(challengeCommitsTo(bare, null), true);
    assert.equal(challengeCommitsTo(bare, hash), false);
  });
});
