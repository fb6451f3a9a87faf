import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTransfer } from './check-transfer.ts';

const rich = 10_000_000;

describe('checking a transfer request', () => {
  it('accepts an amount the balance covers, in cents', () => {
    assert.deepEqual(checkTransfer({ recipient: 'Bob', amount: '7,500', balanceCents: rich }), {
      kind: 'valid',
      recipient: 'Bob',
      amountCents: 750_000,
    });
  });

  it('refuses overdrafts, huge amounts, bad amounts and empty recipients', () => {
    const code = (recipient: string, amount: string, balanceCents = rich) => {
      const check = checkTransfer({ recipient, amount, balanceCents });
      return check.kind === 'refuse' ? check.code : check.kind;
    };
    assert.equal(code('Bob', '100.01', 10_000), 'insufficient_funds');
    assert.equal(code('Bob', '1,000,000.01', 1e12), 'amount_too_large');
    assert.equal(code('Bob', 'ten'), 'invalid_amount');
    assert.equal(code(' b ', '10'), 'invalid_recipient');
    assert.equal(code('x'.repeat(81), '10'), 'invalid_recipient');
  });

  it('names an empty recipient or amount as missing, before anything else', () => {
    const code = (recipient: string, amount: string) => {
      const check = checkTransfer({ recipient, amount, balanceCents: rich });
      return check.kind === 'refuse' ? check.code : check.kind;
    };
    assert.equal(code('', '10'), 'missing_recipient');
    assert.equal(code('   ', ''), 'missing_recipient');
    assert.equal(code('Bob', ''), 'missing_amount');
    assert.equal(code('Bob', '  '), 'missing_amount');
  });

  it('tidies the recipient’s spaces', () => {
    const check = checkTransfer({
      recipient: '  Ada   Lovelace ',
      amount: '1',
      balanceCents: rich,
    });
    assert.equal(check.kind === 'valid' && check.recipient, 'Ada Lovelace');
  });
});
