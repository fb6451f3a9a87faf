import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalReason,
  approvalRefusal,
  TRANSFER_ACTION,
  type Validation,
} from './transfer-approval.ts';

const transfer = {
  id: 'transfer-1',
  recipient: 'ACME Ltd',
  amountCents: 750_000,
  isNewRecipient: true,
};
const approved: Validation = {
  isValid: true,
  state: 'CHALLENGE_SUCCEEDED' as Validation['state'],
  userId: 'ada',
  action: TRANSFER_ACTION,
  idempotencyKey: 'transfer-1',
  custom: { amount: 750_000, recipient: 'ACME Ltd', isNewRecipient: true },
};
const refusal = (changes: Partial<Validation>) =>
  approvalRefusal({ ...approved, ...changes }, { userId: 'ada', transfer });

describe('approving a transfer from a validated token', () => {
  it('approves exactly the held transfer of the signed-in customer', () => {
    assert.equal(refusal({}), null);
  });

  it('refuses another customer, another action and another transfer', () => {
    assert.equal(refusal({ userId: 'eve' }), 'wrong_user');
    assert.equal(refusal({ action: 'sign-in' }), 'step_up_mismatch');
    assert.equal(refusal({ idempotencyKey: 'transfer-2' }), 'step_up_mismatch');
  });

  it('refuses a changed amount, recipient or flag, and attributes added or missing', () => {
    const custom = approved.custom as Record<string, unknown>;
    for (const changed of [
      { ...custom, amount: 750_001 },
      { ...custom, amount: '750000' },
      { ...custom, recipient: 'ACME Ltd.' },
      { ...custom, isNewRecipient: false },
      { ...custom, note: 'extra' },
      { amount: 750_000, recipient: 'ACME Ltd' },
      null,
      undefined,
    ]) {
      assert.equal(refusal({ custom: changed }), 'step_up_mismatch', JSON.stringify(changed));
    }
  });

  it('refuses every token latchkey does not call valid, by its reason', () => {
    const invalid = (error: string | undefined, state = 'CHALLENGE_REQUIRED') =>
      refusal({ isValid: false, state: state as Validation['state'], ...(error ? { error } : {}) });
    assert.equal(invalid('user_mismatch'), 'wrong_user');
    assert.equal(invalid('action_mismatch'), 'step_up_mismatch');
    assert.equal(invalid('already_validated'), 'step_up_used');
    assert.equal(invalid('expired_token'), 'step_up_expired');
    assert.equal(invalid('invalid_token'), 'step_up_failed');
    assert.equal(invalid(undefined, 'CHALLENGE_FAILED'), 'step_up_failed');
    assert.equal(refusal({ state: 'ALLOW' as Validation['state'] }), 'step_up_failed');
  });
});

describe('why the approval dialog asks for the passkey', () => {
  it('names the rule that fired: over $5,000, a new recipient, or both', () => {
    const reason = (amountCents: number, isNewRecipient: boolean) =>
      approvalReason({ ...transfer, amountCents, isNewRecipient });
    assert.equal(reason(750_000, false), 'Transfers over $5,000.00 need your passkey.');
    assert.equal(
      reason(5_000, true),
      'This is your first transfer to ACME Ltd, so it needs your passkey.',
    );
    assert.match(reason(750_000, true), /over \$5,000\.00 and your first transfer to ACME Ltd/);
    assert.equal(
      reason(500_000, false),
      'The bank’s rules ask for your passkey for this transfer.',
    );
  });
});
