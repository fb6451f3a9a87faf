/**
 * Transfers over real HTTP against a real latchkey: tracked as `high-value-transfer` with
 * `@authsignal/node`, decided by the bank's rules file, stepped up with the passkey the customer
 * added through the flex API (the software authenticator plays `@authsignal/browser`), validated
 * and compared before any money moves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { signInWithToken } from '../testing/actions-browser.ts';
import { Customer } from '../testing/customer.ts';
import { type DemoStack, startDemoStack } from '../testing/demo-stack.ts';
import { TRANSFER_ACTION } from './transfer-approval.ts';

describe('transfers and their passkey step-up', () => {
  let stack: DemoStack;
  before(async () => {
    stack = await startDemoStack();
  });
  after(async () => {
    await stack.close();
  });

  let n = 0;
  const balance = (email: string): number => stack.bank.findUserByEmail(email)!.balanceCents;
  const userId = (email: string): string => stack.bank.findUserByEmail(email)!.id;

  async function customer(): Promise<{ c: Customer; email: string }> {
    const c = new Customer(stack);
    const email = `payer${++n}@example.com`;
    assert.equal((await c.signUp(email, 'correct horse')).status, 303);
    return { c, email };
  }

  /** A customer who added a passkey with "Add passkey" (the flex API). */
  async function customerWithPasskey() {
    const { c, email } = await customer();
    const authenticator = await c.addPasskey();
    return { c, email, authenticator };
  }

  /** Asks for a transfer that must be held for a step-up; returns its id and token. */
  async function held(c: Customer, recipient: string, amount: string) {
    const res = await c.transfer(recipient, amount);
    assert.equal(res.json.status, 'step_up', res.body);
    return { id: res.json.transferId as string, token: res.json.token as string, res };
  }

  const confirm = (c: Customer, id: string, token: string) =>
    c.request('POST', `/api/transfers/${id}/confirm`, { json: { token } });

  it('asks for the passkey for a first transfer to someone new, even $50, then not again', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const first = await held(c, 'Grace Hopper', '50');
    assert.deepEqual(first.res.json.approval, {
      amount: '$50.00',
      recipient: 'Grace Hopper',
      reason: 'This is your first transfer to Grace Hopper, so it needs your passkey.',
    });
    const action = await stack.authsignal.getAction({
      userId: userId(email),
      action: TRANSFER_ACTION,
      idempotencyKey: first.id,
    });
    assert.equal(action.state, 'CHALLENGE_REQUIRED');
    assert.deepEqual(
      action.rules?.map((r) => r.ruleId),
      ['new-recipient'],
    );
    assert.equal(balance(email), 2_500_000, 'nothing moves before the passkey');
    const approved = await signInWithToken(stack, authenticator, first.token);
    const sent = await confirm(c, first.id, approved);
    assert.equal(sent.status, 200, sent.body);
    assert.equal(sent.json.transferId, first.id, 'the transfer keeps the id it was tracked with');
    assert.equal(balance(email), 2_495_000);

    const second = await c.transfer('grace  hopper', '50');
    assert.equal(second.json.status, 'sent', 'a recipient paid before is not new, in any case');
    assert.equal(balance(email), 2_490_000);
    const upTo = await c.transfer('Grace Hopper', '5,000.00');
    assert.equal(upTo.json.status, 'sent', '$5,000.00 is not over $5,000');
    assert.equal(balance(email), 1_990_000);
    const transfers = stack.bank.listTransfers(userId(email));
    assert.deepEqual(
      transfers.map((t) => t.steppedUp),
      [false, false, true],
    );
  });

  it('asks for the passkey over $5,000 even for a known recipient', async () => {
    const { c, authenticator } = await customerWithPasskey();
    const first = await held(c, 'Bob', '10');
    assert.equal(
      (await confirm(c, first.id, await signInWithToken(stack, authenticator, first.token))).status,
      200,
    );
    const large = await held(c, 'Bob', '5,000.01');
    assert.deepEqual(large.res.json.approval, {
      amount: '$5,000.01',
      recipient: 'Bob',
      reason: 'Transfers over $5,000.00 need your passkey.',
    });
  });

  it('refuses bad amounts and overdrafts before asking latchkey', async () => {
    const { c, email } = await customer();
    for (const [amount, code] of [
      ['-5', 'invalid_amount'],
      ['0', 'invalid_amount'],
      ['12.345', 'invalid_amount'],
      ['abc', 'invalid_amount'],
      ['2,000,000', 'amount_too_large'],
      ['25000.01', 'insufficient_funds'],
    ] as const) {
      const res = await c.transfer('Bob', amount);
      assert.equal(res.json.code, code, amount);
    }
    assert.equal((await c.transfer(' b ', '10')).json.code, 'invalid_recipient');
    // Empty fields are named, with the bank's own 400 and nothing tracked.
    const noRecipient = await c.transfer(' ', '10');
    assert.deepEqual([noRecipient.status, noRecipient.json.code], [400, 'missing_recipient']);
    assert.equal(noRecipient.json.message, 'Enter a recipient.');
    const noAmount = await c.transfer('Bob', '');
    assert.deepEqual([noAmount.status, noAmount.json.code], [400, 'missing_amount']);
    assert.equal(noAmount.json.message, 'Enter an amount.');
    const absent = await c.request('POST', '/api/transfers', { json: { recipient: 'Bob' } });
    assert.equal(absent.json.code, 'missing_amount', 'an absent field is a missing one');
    const notText = await c.request('POST', '/api/transfers', {
      json: { recipient: 'Bob', amount: 10 },
    });
    assert.deepEqual([notText.status, notText.json.code], [400, 'invalid_request']);
    const actions = await stack.authsignal.queryUserActions({ userId: userId(email) });
    assert.deepEqual(actions, [], 'nothing was tracked');
    assert.equal(balance(email), 2_500_000);
  });

  it('tells a customer without a passkey to add one, and holds nothing', async () => {
    const { c, email } = await customer();
    const res = await c.transfer('Bob', '50');
    assert.equal(res.status, 409);
    assert.equal(res.json.code, 'passkey_required');
    assert.match(res.json.message as string, /Add a passkey below to send this transfer/);
    assert.equal(balance(email), 2_500_000);
    const page = await c.request('GET', '/account');
    assert.doesNotMatch(page.body, /held for review/);
  });

  it('moves a large transfer only after the customer’s own passkey, once', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const transfer = await held(c, 'ACME Ltd', '7,500');
    assert.deepEqual(transfer.res.json.approval, {
      amount: '$7,500.00',
      recipient: 'ACME Ltd',
      reason:
        'This is over $5,000.00 and your first transfer to ACME Ltd, so it needs your passkey.',
    });
    assert.equal(balance(email), 2_500_000);
    const approved = await signInWithToken(stack, authenticator, transfer.token);
    const confirmed = await confirm(c, transfer.id, approved);
    assert.equal(confirmed.status, 200, confirmed.body);
    assert.equal(balance(email), 1_750_000);
    const again = await confirm(c, transfer.id, approved);
    assert.equal(again.json.code, 'step_up_expired', 'a held transfer is confirmed once');
    assert.equal(balance(email), 1_750_000);
    assert.equal(stack.bank.listTransfers(userId(email))[0]?.steppedUp, true);
  });

  it('refuses a token used twice, for a second transfer with the same details', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const first = await held(c, 'ACME Ltd', '6,000');
    const approved = await signInWithToken(stack, authenticator, first.token);
    assert.equal((await confirm(c, first.id, approved)).status, 200);
    const second = await held(c, 'ACME Ltd', '6,000');
    const reused = await confirm(c, second.id, approved);
    assert.equal(reused.status, 409);
    assert.equal(reused.json.code, 'step_up_used');
    assert.equal(balance(email), 1_900_000, 'the money moved once');
  });

  it('refuses a token approved for another transfer of the same customer', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const small = await held(c, 'Mallory', '5,001');
    const large = await held(c, 'Mallory', '9,000');
    const smallApproved = await signInWithToken(stack, authenticator, small.token);
    const refused = await confirm(c, large.id, smallApproved);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'step_up_mismatch');
    assert.equal(balance(email), 2_500_000);
    // The refused confirmation used up the held transfer: it has to be sent again.
    const retry = await confirm(
      c,
      large.id,
      await signInWithToken(stack, authenticator, large.token),
    );
    assert.equal(retry.json.code, 'step_up_expired');
    assert.equal(balance(email), 2_500_000);
  });

  it('refuses a token of another customer, without spending it', async () => {
    const ada = await customerWithPasskey();
    const eve = await customerWithPasskey();
    const adas = await held(ada.c, 'Eve', '9,000');
    const eves = await held(eve.c, 'Eve’s other account', '9,000');
    const eveApproved = await signInWithToken(stack, eve.authenticator, eves.token);
    const refused = await confirm(ada.c, adas.id, eveApproved);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'wrong_user');
    assert.equal(balance(ada.email), 2_500_000);
    // Ada's passkey cannot answer Eve's token either: latchkey offers only Eve's passkeys.
    await assert.rejects(signInWithToken(stack, ada.authenticator, eves.token));
    // Eve's own approval still pays her own transfer, from her own session only.
    assert.equal((await confirm(ada.c, eves.id, eveApproved)).json.code, 'step_up_expired');
    assert.equal((await confirm(eve.c, eves.id, eveApproved)).status, 200);
    assert.equal(balance(eve.email), 1_600_000);
    assert.equal(balance(ada.email), 2_500_000);
  });

  it('refuses an approval whose amount is not the held transfer’s', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const transfer = await held(c, 'ACME Ltd', '7,500');
    const approved = await signInWithToken(stack, authenticator, transfer.token);
    // The held transfer changes after the passkey approved $7,500.00 (as a bug or an attacker with
    // write access to the bank's table could make it): the bank must not pay the new amount.
    const db = new Database(stack.bankDbPath);
    try {
      db.prepare('UPDATE held_transfers SET amount_cents = 2000000 WHERE id = ?').run(transfer.id);
    } finally {
      db.close();
    }
    const refused = await confirm(c, transfer.id, approved);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'step_up_mismatch');
    assert.equal(balance(email), 2_500_000);
  });

  it('refuses a token whose passkey check failed, or that latchkey never issued', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const transfer = await held(c, 'ACME Ltd', '7,500');
    await assert.rejects(
      signInWithToken(stack, authenticator, transfer.token, { flags: { uv: false } }),
      /verify/,
      'latchkey requires user verification for a step-up',
    );
    const refused = await confirm(c, transfer.id, transfer.token);
    assert.equal(refused.status, 401);
    assert.equal(refused.json.code, 'step_up_failed');
    const other = await held(c, 'ACME Ltd', '7,500');
    for (const token of ['not-a-real-token', 'x'.repeat(600)]) {
      const again = await held(c, 'ACME Ltd', '7,500');
      assert.equal((await confirm(c, again.id, token)).json.code, 'step_up_failed', token);
    }
    assert.equal((await c.request('POST', `/api/transfers/${other.id}/cancel`)).status, 200);
    assert.equal((await confirm(c, other.id, other.token)).json.code, 'step_up_expired');
    assert.equal(balance(email), 2_500_000);
  });

  it('refuses a blocked transfer and holds one for review, as the rules say', async () => {
    const { c, email } = await customerWithPasskey();
    await stack.setTransferRules({
      defaultOutcome: 'ALLOW',
      rules: [
        {
          name: 'sanctioned',
          priority: 1,
          outcome: 'BLOCK',
          conditions: { '===': [{ var: 'custom.recipient' }, 'Sanctioned Co'] },
        },
        {
          name: 'very large',
          priority: 2,
          outcome: 'REVIEW',
          conditions: { '>': [{ var: 'custom.amount' }, 1_000_000] },
        },
      ],
    });
    try {
      const blocked = await c.transfer('Sanctioned Co', '10');
      assert.equal(blocked.status, 403);
      assert.equal(blocked.json.code, 'transfer_blocked');
      const review = await c.transfer('Big Purchase Inc', '12,000');
      assert.equal(review.status, 200, review.body);
      assert.equal(review.json.status, 'review');
      assert.equal(balance(email), 2_500_000, 'nothing moves before the review');
      const page = await c.request('GET', review.json.redirect as string);
      assert.match(
        page.body,
        /Your transfer of \$12,000\.00 to Big Purchase Inc is held for review/,
      );
      assert.match(page.body, /held for review/);
      const allowed = await c.transfer('Anyone', '20');
      assert.equal(allowed.json.status, 'sent', 'with these rules, a small new recipient is fine');
    } finally {
      await stack.setTransferRules();
    }
    assert.equal(balance(email), 2_498_000);
  });
});
