import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DemoStack, startDemoStack } from '../testing/demo-stack.ts';
import { wrongAddressAdvice } from './wrong-address.ts';

describe('the bank at the wrong address', () => {
  it('says which URL to open, and why, for an IP address or any other host', () => {
    const origin = 'http://localhost:3000';
    assert.equal(wrongAddressAdvice('localhost:3000', origin, '/sign-in'), null);
    assert.equal(wrongAddressAdvice('LOCALHOST:3000', origin, '/'), null);
    const ip = wrongAddressAdvice('127.0.0.1:3000', origin, '/sign-in?next=%2F');
    assert.equal(ip?.url, 'http://localhost:3000/sign-in?next=%2F');
    assert.match(ip?.reason ?? '', /never work at an IP address such as 127\.0\.0\.1/);
    assert.match(wrongAddressAdvice('[::1]:3000', origin, '/')?.reason ?? '', /such as \[::1\]/);
    const other = wrongAddressAdvice('bank.lan:3000', origin, '/');
    assert.equal(other?.url, 'http://localhost:3000/');
    assert.match(other?.reason ?? '', /accepts only http:\/\/localhost:3000/);
    assert.equal(wrongAddressAdvice('localhost:3001', origin, '/')?.url, 'http://localhost:3000/');
    assert.ok(wrongAddressAdvice(undefined, origin, '/'));
  });

  describe('over HTTP', () => {
    let stack: DemoStack;
    before(async () => {
      stack = await startDemoStack();
    });
    after(async () => {
      await stack.close();
    });

    it('answers a page opened at 127.0.0.1 with the localhost URL to open', async () => {
      const ipUrl = stack.bankUrl.replace('localhost', '127.0.0.1');
      const res = await fetch(`${ipUrl}/sign-in`);
      assert.equal(res.status, 421);
      const page = await res.text();
      assert.ok(page.includes(`href="${stack.bankUrl}/sign-in"`), page);
      assert.match(page, /never work at an IP address such as 127\.0\.0\.1/);
      assert.equal((await fetch(`${ipUrl}/assets/bank.css`)).status, 200);
      assert.equal((await fetch(`${stack.bankUrl}/sign-in`)).status, 200);
    });
  });
});
