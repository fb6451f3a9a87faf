/**
 * Random JSONLogic, weighted towards what grows (reduce, map, filter, merge, cat, substr, computed
 * var/val paths, nesting): whatever the condition, evaluating it stays within its bounds and never
 * throws, and saving it either accepts it or refuses it as a bad request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isLatchkeyError } from '../errors.ts';
import { parseActionConfig } from './action-config.ts';
import { evaluateRules } from './evaluate-rules.ts';
import { RULE_BOUNDS } from './rule-operators.ts';
import type { RuleContext } from './rule-variables.ts';
import { evaluateCondition, evaluateExpression } from './rules-engine.ts';

const DATA: RuleContext = {
  custom: { amount: 7500, text: '7,500', flag: true, list: 'a,b' },
  actionCode: 'pay',
  ipAddress: '203.0.113.9',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0',
  deviceId: null,
  email: 'ada@example.com',
  phoneNumber: null,
  username: 'ada',
  isNewUser: false,
  isNewDevice: true,
  isNewIpAddress: null,
  isEnrolled: true,
  passkeyCount: 2,
  secondsSinceLastVerified: 40,
  passkeys: {
    count: 2,
    anyDeviceBound: true,
    anySynced: true,
    anyAttested: false,
    newestAgeDays: 3,
  },
};

const PATHS = ['custom.amount', 'custom.text', 'accumulator', 'current', '', 'passkeyCount'];

const { logic } = fc.letrec<{ logic: unknown; leaf: unknown }>((tie) => {
  const node = tie('logic');
  const two = fc.tuple(node, node);
  // An iterator over a literal array of up to 40 items, or over whatever a node gives.
  const items = fc.oneof(node, fc.array(fc.nat(40), { minLength: 10, maxLength: 40 }));
  const overItems = fc.tuple(items, node);
  const list = fc.array(node, { maxLength: 4 });
  return {
    leaf: fc.oneof(
      fc.integer({ min: -3, max: 50 }),
      fc.constantFrom('', 'ab', '7,500', '$7500', '12', 'accumulator'),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
      fc.constantFrom(...PATHS).map((p) => ({ var: p })),
      fc.constantFrom(...PATHS).map((p) => ({ val: p })),
    ),
    logic: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      overItems.map(([a, b]) => ({
        reduce: [a, { merge: [{ val: 'accumulator' }, { val: 'accumulator' }, b] }, [1]],
      })),
      overItems.map(([a, b]) => ({
        reduce: [a, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }, b] }, 'x'],
      })),
      overItems.map(([a, b]) => ({ map: [a, { map: [a, { map: [a, b] }] }] })),
      two.map(([a, b]) => ({ filter: [a, b] })),
      two.map(([a, b]) => ({ some: [a, b] })),
      two.map(([a, b]) => ({ all: [a, b] })),
      two.map(([a, b]) => ({ none: [a, b] })),
      list.map((items) => ({ merge: items })),
      list.map((items) => ({ cat: items })),
      fc.tuple(node, node, node).map(([s, a, b]) => ({ substr: [s, a, b] })),
      node.map((path) => ({ var: path })),
      node.map((path) => ({ val: path })),
      two.map(([a, b]) => ({ var: [a, b] })),
      fc
        .tuple(fc.constantFrom('>', '<', '==', '===', '+', '*', '/', 'in', 'if', 'and', 'or'), list)
        .map(([op, items]) => ({ [op]: items })),
    ),
  };
});

/** Checks a value independently of the engine's own measuring. */
function assertWithinBounds(value: unknown, depth: number): void {
  assert.ok(depth <= RULE_BOUNDS.valueDepth + 1, 'nesting');
  if (typeof value === 'string') assert.ok(value.length <= RULE_BOUNDS.stringLength, 'string');
  if (typeof value === 'number') assert.ok(!Number.isNaN(value), 'NaN');
  if (Array.isArray(value)) {
    assert.ok(value.length <= RULE_BOUNDS.arrayLength, 'array');
    for (const item of value) assertWithinBounds(item, depth + 1);
  }
}

describe('random JSONLogic', () => {
  it('evaluates within the bounds and never throws', () => {
    const seen = { ok: 0, error: 0, bound: 0 };
    fc.assert(
      fc.property(logic, (condition) => {
        for (const data of [DATA, {}]) {
          const result = evaluateCondition(condition, data);
          seen[result.ok ? 'ok' : result.bound ? 'bound' : 'error']++;
          // The last value is measured before it is refused, so the count may pass by that much.
          assert.ok(result.steps <= RULE_BOUNDS.steps + RULE_BOUNDS.valueCells, `${result.steps}`);
          if (!result.ok) assert.equal(typeof result.message, 'string');
        }
      }),
      { numRuns: 400 },
    );
    // The generator reaches every kind of result, bounds included, or the test proves little.
    assert.ok(seen.ok > 50 && seen.error > 10 && seen.bound > 10, JSON.stringify(seen));
  });

  it('keeps every value it returns within the array, string and nesting bounds', () => {
    fc.assert(
      fc.property(logic, (expression) => {
        const result = evaluateExpression(expression, DATA);
        if (result.ok) assertWithinBounds(result.value, 0);
      }),
      { numRuns: 400 },
    );
  });

  it('either saves a condition or refuses it as a bad request, and a saved one decides', () => {
    fc.assert(
      fc.property(logic, (condition) => {
        let config: ReturnType<typeof parseActionConfig>;
        try {
          config = parseActionConfig({
            defaultOutcome: 'ALLOW',
            rules: [
              { name: 'fuzz', priority: 1, outcome: 'BLOCK', conditions: { '!!': condition } },
            ],
          });
        } catch (error) {
          assert.ok(isLatchkeyError(error, 'invalid_request'), String(error));
          return;
        }
        const decision = evaluateRules(config, DATA, 'CHALLENGE');
        // A rule that failed leaves at least CHALLENGE; one that held gives BLOCK.
        if (decision.failed.length > 0) assert.notEqual(decision.outcome, 'ALLOW');
      }),
      { numRuns: 400 },
    );
  });
});
