import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatValue, fromLogic, parseValue, toLogic } from './ui/components/conditions.ts';
import { unitOf } from './ui/components/units.ts';

const demoRules = JSON.parse(
  readFileSync(
    new URL('../../../examples/bank/rules/high-value-transfer.json', import.meta.url),
    'utf8',
  ),
) as { rules: Array<{ name: string; conditions: unknown }> };

/** Shows a condition in the builder and writes it back, as saving an untouched rule does. */
function roundTrip(logic: unknown): unknown {
  const built = fromLogic(logic);
  assert.ok(built, `the builder cannot show ${JSON.stringify(logic)}`);
  return toLogic(built);
}

describe('the rule builder', () => {
  it('shows and writes back every rule the demo seeds, unchanged', () => {
    // examples/bank/rules (loaded by scripts/start.mjs) and the bank's own tests' rules.
    const conditions = [
      ...demoRules.rules.map((r) => r.conditions),
      { '===': [{ var: 'custom.recipient' }, 'Sanctioned Co'] },
      { '>': [{ var: 'custom.amount' }, 1_000_000] },
    ];
    assert.ok(conditions.some((c) => JSON.stringify(c).includes('"==="')));
    for (const logic of conditions) assert.deepEqual(roundTrip(logic), logic);
  });

  it('reads the strict comparison `===` true as "is true" and writes `===` again', () => {
    const built = fromLogic({ '===': [{ var: 'custom.isNewRecipient' }, true] });
    assert.deepEqual(built?.clauses, [
      { path: 'custom.isNewRecipient', operator: 'true', value: '' },
    ]);
    assert.deepEqual(
      toLogic({ join: 'and', clauses: [{ path: 'isNewDevice', operator: 'true', value: '' }] }),
      {
        '===': [{ var: 'isNewDevice' }, true],
      },
    );
  });

  it('keeps strict and loose operators and the type of every value', () => {
    const cases: unknown[] = [
      { '!==': [{ var: 'custom.country' }, 'FR'] },
      { '==': [{ var: 'isNewDevice' }, true] },
      { '!=': [{ var: 'custom.tier' }, 2] },
      { '===': [{ var: 'custom.code' }, '500'] },
      { '===': [{ var: 'custom.flag' }, 'true'] },
      { '===': [{ var: 'custom.note' }, '"quoted"'] },
      { '===': [{ var: 'custom.note' }, ' padded '] },
      { '===': [{ var: 'ipAddress' }, null] },
      { '==': [{ var: 'deviceId' }, null] },
      { '<=': [{ var: 'secondsSinceLastVerified' }, 1e21] },
      { in: [{ var: 'custom.country' }, ['FR', 'DE', 5, true, '7', '', ' x']] },
      { and: [{ '>': [{ var: 'custom.amount' }, 500_000] }] },
      {
        or: [
          { '>': [{ var: 'custom.amount' }, 500_000] },
          { '===': [{ var: 'custom.isNewRecipient' }, true] },
        ],
      },
      true,
    ];
    for (const logic of cases) assert.deepEqual(roundTrip(logic), logic);
  });

  it('leaves to the JSON view what it cannot show faithfully', () => {
    for (const logic of [
      { and: [] },
      { '!': [{ var: 'isEnrolled' }] },
      { and: [{ or: [{ '>': [{ var: 'custom.amount' }, 1] }] }] },
      { '>': [{ var: ['custom.amount', 0] }, 1] },
      { in: [{ var: 'custom.name' }, ['Smith, John']] },
      { in: [{ var: 'custom.name' }, 'substring'] },
      { '===': [{ var: 'custom.list' }, [1, 2]] },
      false,
    ]) {
      assert.equal(fromLogic(logic), null, JSON.stringify(logic));
    }
  });

  it('reads typed values back as the same values', () => {
    for (const value of ['abc', '12', 12, 0.5, -3, true, 'false', null, 'null', '', ' 1 ']) {
      assert.deepEqual(parseValue(formatValue(value)), value, JSON.stringify(value));
    }
    assert.equal(parseValue('500000'), 500_000);
    assert.equal(parseValue('"500000"'), '500000');
  });

  it('says amounts are in cents and reads them in the main unit', () => {
    assert.equal(unitOf('custom.amount')?.name, 'cents');
    assert.equal(unitOf('custom.feeCents')?.name, 'cents');
    assert.match(unitOf('custom.amount')?.read('750000') ?? '', /^= 7.500.00$/);
    assert.equal(unitOf('custom.amount')?.read('lots'), null);
    assert.equal(unitOf('secondsSinceLastVerified')?.read('7200'), '= 2 hours');
    assert.equal(unitOf('custom.recipient'), null);
  });
});
