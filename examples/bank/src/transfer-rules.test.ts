import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideTransfer } from './transfer-rules.ts';

const rich = 10_000_000;

describe('transfer rules', () => {
  it('sends up to $5,000.00 at once and asks for a passkey above it', () => {
    assert.equal(
      decideTransfer({ recipient: 'Bob', amount: '5000', balanceCents: rich }).kind,
      'send',
    );
    assert.equal(
      decideTransfer({ recipient: 'Bob', amount: '5000.01', balanceCents: rich }).kind,
      'step_up',
    );
  });

  it('refuses overdrafts, huge amounts, bad amounts and empty recipients', () => {
    const code = (recipient: string, amount: string, balanceCents = rich) => {
      const decision = decideTransfer({ recipient, amount, balanceCents });
      return decision.kind === 'refuse' ? decision.code : decision.kind;
    };
    assert.equal(code('Bob', '100.01', 10_000), 'insufficient_funds');
    assert.equal(code('Bob', '1,000,000.01', 1e12), 'amount_too_large');
    assert.equal(code('Bob', 'ten'), 'invalid_amount');
    assert.equal(code(' b ', '10'), 'invalid_recipient');
    assert.equal(code('x'.repeat(81), '10'), 'invalid_recipient');
  });

  it('tidies the recipient’s spaces', () => {
    const decision = decideTransfer({
      recipient: '  Ada   Lovelace ',
      amount: '1',
      balanceCents: rich,
    });
    assert.equal(decision.kind === 'send' && decision.recipient, 'Ada Lovelace');
  });
});
