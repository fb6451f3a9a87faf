import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCents, parseAmount } from './money.ts';

describe('money', () => {
  it('reads the amounts people type, in cents', () => {
    for (const [input, cents] of [
      ['50', 5000],
      ['$7,500', 750000],
      ['7,500.00', 750000],
      [' 1234.5 ', 123450],
      ['0.01', 1],
      ['$ 12', 1200],
    ] as const) {
      assert.equal(parseAmount(input), cents, input);
    }
  });

  it('refuses what is not a positive amount with at most two decimals', () => {
    for (const input of ['', '0', '0.00', '-5', '1.234', '1,23', '12,3456', 'abc', '1e5', '5$']) {
      assert.equal(parseAmount(input), null, input);
    }
  });

  it('formats cents as US dollars', () => {
    assert.equal(formatCents(750000), '$7,500.00');
    assert.equal(formatCents(5), '$0.05');
  });
});
