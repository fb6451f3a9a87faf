/**
 * "Lost your passkey?" over real HTTP, with a real latchkey behind the bank and no browser: the
 * emailed code (read from the demo mailbox), latchkey's recovery transaction, the new passkey made
 * by the software authenticator, and what no longer works afterwards.
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
import { RECOVERY_MAX_ATTEMPTS, RECOVERY_REQUESTS_PER_ADDRESS } from './recovery-requests.ts';

describe('account recovery at the bank', () => {
  let stack: DemoStack;
  before(async () => {
    stack = await startDemoStack();
  });
  after(() => stack.close());

  let n = 0;
  /** A customer signed in with a password and holding a passkey. */
  async function customerWithPasskey() {
    const c = new Customer(stack);
    const email = `lost${++n}@example.com`;
    assert.equal((await c.signUp(email, 'correct horse')).status, 303);
    const authenticator = await c.addPasskey();
    return { c, email, authenticator };
  }

  /** Asks for a code for `email` as a signed-out visitor. */
  async function askForCode(email: string): Promise<Customer> {
    const visitor = new Customer(stack);
    const asked = await visitor.request('POST', '/recover', { form: { email } });
    assert.equal(asked.status, 303, asked.body);
    assert.equal(asked.location, '/recover/code');
    return visitor;
  }

  /** The code in the newest email to `email`. */
  function codeFor(email: string): string {
    const [latest] = stack.bank.mailbox.inbox(email);
    const code = /\b(\d{6})\b/.exec(latest?.body ?? '')?.[1];
    assert.ok(code, 'an email with a code');
    return code;
  }

  it('recovers an account: a new passkey, the old one refused, every other session ended', async () => {
    const { c: thief, email, authenticator: lost } = await customerWithPasskey();
    const visitor = await askForCode(email);
    const page = await visitor.request('GET', '/recover/code');
    assert.match(page.body, /Demo mailbox/);
    assert.match(page.body, new RegExp(codeFor(email)), 'the demo shows the email it sent');

    const started = await visitor.request('POST', '/api/recovery/passkey', {
      json: { code: codeFor(email) },
    });
    assert.equal(started.status, 200, started.body);
    const found = new SoftwareAuthenticator();
    const nonce = await registerWithAuthenticator(
      stack,
      found,
      started.json.transactionId as string,
    );
    const finished = await visitor.request('POST', '/api/recovery/finish', { json: { nonce } });
    assert.equal(finished.status, 200, finished.body);
    assert.equal(finished.json.redirect, '/account?notice=recovered');
    assert.equal(visitor.recoveryCookie, null, 'the recovery cookie is cleared');
    assert.equal((await visitor.request('GET', '/account')).status, 200, 'signed in');

    assert.equal((await thief.request('GET', '/account')).status, 302, 'the old session ended');
    await assert.rejects(
      authenticateWithAuthenticator(stack, lost, null),
      /discoverable_login_failed/,
    );
    const signIn = await new Customer(stack).request('POST', '/api/passkey-sign-in', {
      json: { nonce: await authenticateWithAuthenticator(stack, found, null) },
    });
    assert.equal(signIn.status, 200, signIn.body);
    const user = stack.bank.findUserByEmail(email);
    assert.equal((await stack.latchkey.getDevices(user?.id ?? '')).length, 1);
  });

  it('answers an address without an account alike, sends nothing, and takes no code', async () => {
    const visitor = await askForCode('nobody@example.com');
    const page = await visitor.request('GET', '/recover/code');
    assert.equal(page.status, 200);
    assert.deepEqual(stack.bank.mailbox.inbox('nobody@example.com'), []);
    const tried = await visitor.request('POST', '/api/recovery/passkey', {
      json: { code: '123456' },
    });
    assert.equal(tried.status, 401);
    assert.equal(tried.json.code, 'recovery_code_wrong');
  });

  it('takes the right code once, and no code after too many wrong ones', async () => {
    const { email } = await customerWithPasskey();
    const visitor = await askForCode(email);
    const code = codeFor(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < RECOVERY_MAX_ATTEMPTS - 1; i++) {
      const res = await visitor.request('POST', '/api/recovery/passkey', { json: { code: wrong } });
      assert.equal(res.json.code, 'recovery_code_wrong');
    }
    const last = await visitor.request('POST', '/api/recovery/passkey', { json: { code: wrong } });
    assert.equal(last.status, 429);
    assert.equal(last.json.code, 'recovery_code_exhausted');
    const right = await visitor.request('POST', '/api/recovery/passkey', { json: { code } });
    assert.equal(right.json.code, 'recovery_code_exhausted', 'even the right code, now');

    const again = await askForCode(email);
    const fresh = codeFor(email);
    const accepted = await again.request('POST', '/api/recovery/passkey', {
      json: { code: fresh },
    });
    assert.equal(accepted.status, 200, accepted.body);
    const twice = await again.request('POST', '/api/recovery/passkey', { json: { code: fresh } });
    assert.equal(twice.status, 410);
    assert.equal(twice.json.code, 'recovery_expired');
  });

  it('limits the codes asked for one address', async () => {
    const email = 'flood@example.com';
    for (let i = 0; i < RECOVERY_REQUESTS_PER_ADDRESS; i++) await askForCode(email);
    const refused = await new Customer(stack).request('POST', '/recover', { form: { email } });
    assert.equal(refused.status, 429);
    assert.match(refused.body, /Too many codes/);
  });

  it('refuses to finish without a verified code, or with another account’s nonce', async () => {
    const { email } = await customerWithPasskey();
    const other = await customerWithPasskey();
    const visitor = await askForCode(email);
    const early = await visitor.request('POST', '/api/recovery/finish', {
      json: { nonce: 'x'.repeat(20) },
    });
    assert.equal(early.json.code, 'recovery_expired');

    await visitor.request('POST', '/api/recovery/passkey', { json: { code: codeFor(email) } });
    const theirs = await other.c.request('POST', '/api/passkeys/register');
    const nonce = await registerWithAuthenticator(
      stack,
      new SoftwareAuthenticator(),
      theirs.json.transactionId as string,
    );
    const wrong = await visitor.request('POST', '/api/recovery/finish', { json: { nonce } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.code, 'wrong_user');
    assert.equal((await visitor.request('GET', '/account')).status, 302, 'not signed in');
  });

  it('refuses a code posted from another origin', async () => {
    const { email } = await customerWithPasskey();
    const visitor = await askForCode(email);
    const res = await visitor.request('POST', '/api/recovery/passkey', {
      json: { code: codeFor(email) },
      origin: 'https://evil.example',
    });
    assert.equal(res.status, 403);
    assert.equal(res.json.code, 'cross_origin');
  });
});
