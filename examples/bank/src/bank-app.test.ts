/**
 * The bank's backend over real HTTP, with a real latchkey behind it and no browser: accounts,
 * sessions, the same-origin rule, transfer rules, and the passkey step-up's checks. The browser's
 * part of each passkey ceremony is played by the software authenticator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { Customer } from '../testing/customer.ts';
import { type DemoStack, startDemoStack } from '../testing/demo-stack.ts';
import {
  authenticateWithAuthenticator,
  registerWithAuthenticator,
} from '../testing/flex-browser.ts';

describe('the bank over HTTP', () => {
  let stack: DemoStack;
  before(async () => {
    stack = await startDemoStack();
  });
  after(async () => {
    await stack.close();
  });

  const balance = (email: string): number => stack.bank.findUserByEmail(email)!.balanceCents;
  let n = 0;
  async function customer(): Promise<{ c: Customer; email: string }> {
    const c = new Customer(stack);
    const email = `customer${++n}@example.com`;
    const res = await c.signUp(email, 'correct horse');
    assert.equal(res.status, 303, res.body);
    return { c, email };
  }
  /** A signed-up customer with a passkey in a software authenticator. */
  async function customerWithPasskey() {
    const { c, email } = await customer();
    const authenticator = new SoftwareAuthenticator();
    const started = await c.request('POST', '/api/passkeys/register');
    const nonce = await registerWithAuthenticator(
      stack,
      authenticator,
      started.json.transactionId as string,
    );
    const verified = await c.request('POST', '/api/passkeys/verify', { json: { nonce } });
    assert.equal(verified.status, 200, verified.body);
    return { c, email, authenticator };
  }

  it('opens an account with an HttpOnly, SameSite=Lax session cookie and $25,000.00', async () => {
    const c = new Customer(stack);
    const res = await c.signUp('Grace@Example.com', 'correct horse');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/account?notice=welcome');
    const cookie = res.setCookie.find((line) => line.startsWith('bank_session='));
    assert.match(cookie ?? '', /HttpOnly/);
    assert.match(cookie ?? '', /SameSite=Lax/);
    const page = await c.request('GET', '/account');
    assert.equal(page.status, 200);
    assert.match(page.body, /\$25,000\.00/);
    assert.match(page.body, /grace@example\.com/, 'the email is kept in lower case');
  });

  it('refuses a taken email, a malformed one and a short password', async () => {
    await customer();
    const taken = await new Customer(stack).signUp(`customer${n}@example.com`, 'another one');
    assert.equal(taken.status, 400);
    assert.match(taken.body, /already exists/);
    assert.equal((await new Customer(stack).signUp('not-an-email', 'long enough')).status, 400);
    assert.equal((await new Customer(stack).signUp('short@example.com', 'short')).status, 400);
    assert.equal(stack.bank.findUserByEmail('short@example.com'), null);
  });

  it('answers a wrong password and an unknown email alike, and signs in with a new session', async () => {
    const { c, email } = await customer();
    const wrong = await new Customer(stack).signIn(email, 'not the password');
    const unknown = await new Customer(stack).signIn('nobody@example.com', 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.match(wrong.body, /Wrong email or password/);
    assert.match(unknown.body, /Wrong email or password/);

    const before = c.cookie;
    const res = await c.signIn(email, 'correct horse');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/account');
    assert.notEqual(c.cookie, before, 'a fresh session id at every sign-in');
  });

  it('ends the session on the server at sign-out', async () => {
    const { c } = await customer();
    const stolen = c.cookie;
    assert.equal((await c.request('POST', '/sign-out')).status, 303);
    const replay = new Customer(stack);
    replay.cookie = stolen;
    const res = await replay.request('GET', '/account');
    assert.equal(res.status, 302);
    assert.equal(res.location, '/sign-in');
    assert.equal((await replay.transfer('Bob', '10')).json.code, 'not_signed_in');
  });

  it('refuses a state change from another origin, or with no origin at all', async () => {
    const { c, email } = await customer();
    for (const origin of ['https://evil.example', 'http://localhost:1', 'null', null]) {
      const res = await c.request('POST', '/api/transfers', {
        json: { recipient: 'Mallory', amount: '100' },
        origin,
      });
      assert.equal(res.status, 403, `origin ${origin}`);
      assert.equal(res.json.code, 'cross_origin');
    }
    const signOut = await c.request('POST', '/sign-out', { origin: 'https://evil.example' });
    assert.equal(signOut.status, 403);
    assert.equal(balance(email), 2_500_000);
    const viaReferer = await c.request('POST', '/api/transfers', {
      json: { recipient: 'Bob', amount: '100' },
      origin: null,
      referer: `${stack.bankUrl}/account`,
    });
    assert.equal(viaReferer.status, 200, 'a same-origin Referer stands in for a missing Origin');
  });

  it('sends up to $5,000 at once and refuses bad amounts and overdrafts', async () => {
    const { c, email } = await customer();
    const sent = await c.transfer('Bob', '5,000.00');
    assert.equal(sent.status, 200, sent.body);
    assert.equal(sent.json.status, 'sent');
    assert.equal(balance(email), 2_000_000);
    for (const [amount, code] of [
      ['-5', 'invalid_amount'],
      ['0', 'invalid_amount'],
      ['12.345', 'invalid_amount'],
      ['abc', 'invalid_amount'],
      ['2,000,000', 'amount_too_large'],
      ['20000.01', 'insufficient_funds'],
    ] as const) {
      const res = await c.transfer('Bob', amount);
      assert.equal(res.json.code, code, amount);
    }
    assert.equal((await c.transfer(' ', '10')).json.code, 'invalid_recipient');
    assert.equal(balance(email), 2_000_000);
  });

  it('asks a customer without a passkey to add one before a transfer over $5,000', async () => {
    const { c, email } = await customer();
    const res = await c.transfer('Bob', '5,000.01');
    assert.equal(res.status, 409);
    assert.equal(res.json.code, 'passkey_required');
    assert.equal(balance(email), 2_500_000);
  });

  it('moves a large transfer only after the customer’s own passkey, once', async () => {
    const { c, email, authenticator } = await customerWithPasskey();
    const started = await c.transfer('Katherine', '7,500');
    assert.equal(started.json.status, 'step_up');
    assert.equal(balance(email), 2_500_000, 'nothing moves before the passkey');
    const nonce = await authenticateWithAuthenticator(
      stack,
      authenticator,
      started.json.transactionId as string,
    );
    const path = `/api/transfers/${started.json.pendingId}/confirm`;
    const confirmed = await c.request('POST', path, { json: { nonce } });
    assert.equal(confirmed.status, 200, confirmed.body);
    assert.equal(balance(email), 1_750_000);
    const again = await c.request('POST', path, { json: { nonce } });
    assert.equal(again.json.code, 'step_up_expired', 'a pending transfer is confirmed once');
    assert.equal(balance(email), 1_750_000);
    const listed = stack.bank.listTransfers(stack.bank.findUserByEmail(email)!.id);
    assert.equal(listed[0]?.steppedUp, true);
  });

  it('refuses a step-up nonce that names another customer, and drops the transfer', async () => {
    const ada = await customerWithPasskey();
    const eve = await customerWithPasskey();
    const started = await ada.c.transfer('Eve', '9,000');
    assert.equal(started.json.status, 'step_up');
    // Eve signs in with her own passkey and tries her nonce on Ada's pending transfer.
    const eveNonce = await authenticateWithAuthenticator(stack, eve.authenticator, null);
    const path = `/api/transfers/${started.json.pendingId}/confirm`;
    const refused = await ada.c.request('POST', path, { json: { nonce: eveNonce } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'wrong_user');
    assert.equal(balance(ada.email), 2_500_000);
    // Eve cannot confirm Ada's pending transfer from her own session either.
    const adaNonce = await authenticateWithAuthenticator(
      stack,
      ada.authenticator,
      started.json.transactionId as string,
    );
    const fromEve = await eve.c.request('POST', path, { json: { nonce: adaNonce } });
    assert.equal(fromEve.json.code, 'step_up_expired');
    assert.equal(balance(eve.email), 2_500_000);
    assert.equal(balance(ada.email), 2_500_000);
  });

  it('refuses a step-up with a nonce latchkey never issued', async () => {
    const { c, email } = await customerWithPasskey();
    const started = await c.transfer('Bob', '6000');
    const res = await c.request('POST', `/api/transfers/${started.json.pendingId}/confirm`, {
      json: { nonce: 'not-a-real-nonce' },
    });
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'step_up_failed');
    assert.equal(balance(email), 2_500_000);
  });

  it('signs in with a passkey nonce, once', async () => {
    const { email, authenticator } = await customerWithPasskey();
    const visitor = new Customer(stack);
    const nonce = await authenticateWithAuthenticator(stack, authenticator, null);
    const res = await visitor.request('POST', '/api/passkey-sign-in', { json: { nonce } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.redirect, '/account');
    assert.match((await visitor.request('GET', '/account')).body, new RegExp(email));
    const replay = await new Customer(stack).request('POST', '/api/passkey-sign-in', {
      json: { nonce },
    });
    assert.equal(replay.json.code, 'passkey_not_verified');
  });

  it('refuses a register nonce of another customer when adding a passkey', async () => {
    const ada = await customer();
    const eve = await customer();
    const started = await eve.c.request('POST', '/api/passkeys/register');
    const nonce = await registerWithAuthenticator(
      stack,
      new SoftwareAuthenticator(),
      started.json.transactionId as string,
    );
    const res = await ada.c.request('POST', '/api/passkeys/verify', { json: { nonce } });
    assert.equal(res.json.code, 'wrong_user');
  });

  it('lists passkeys on the account page and removes one', async () => {
    const { c, email } = await customerWithPasskey();
    const devices = await stack.latchkey.getDevices(stack.bank.findUserByEmail(email)!.id);
    assert.equal(devices.length, 1);
    const page = await c.request('GET', '/account');
    assert.match(page.body, new RegExp(`data-passkey-id="${devices[0]!.id}"`));
    const { c: eve } = await customer();
    const notEves = await eve.request('POST', `/passkeys/${devices[0]!.id}/revoke`);
    assert.equal(notEves.location, '/account?error=passkey_not_found', 'only one’s own passkeys');
    const removed = await c.request('POST', `/passkeys/${devices[0]!.id}/revoke`);
    assert.equal(removed.location, '/account?notice=passkey_removed');
    const again = await c.request('POST', `/passkeys/${devices[0]!.id}/revoke`);
    assert.equal(again.location, '/account?error=passkey_not_found');
  });
});
