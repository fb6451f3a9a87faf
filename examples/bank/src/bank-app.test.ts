/**
 * The bank's backend over real HTTP, with a real latchkey behind it and no browser: accounts,
 * sessions, the same-origin rule, and the flex passkey sign-in. Transfers and their step-up are in
 * `transfers.test.ts`. The browser's part of each passkey ceremony is played by the software
 * authenticator.
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
    const authenticator = await c.addPasskey();
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
    assert.equal(res.location, '/sign-in?notice=session_ended', 'an ended session is named');
    const signIn = await replay.request('GET', res.location!);
    assert.match(signIn.body, /Your session has ended — sign in again\./);
    assert.equal((await replay.transfer('Bob', '10')).json.code, 'not_signed_in');
    const stranger = await new Customer(stack).request('GET', '/account');
    assert.equal(stranger.location, '/sign-in', 'a visitor who never signed in is only sent on');
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
    // Past the origin check: a first transfer to Bob needs a passkey, and this customer has none.
    assert.equal(
      viaReferer.json.code,
      'passkey_required',
      'a same-origin Referer stands in for a missing Origin',
    );
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
