import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSameOriginRequest } from './same-origin.ts';

const bank = 'http://localhost:3000';

describe('same-origin rule', () => {
  it('lets safe methods through from anywhere', () => {
    assert.equal(
      isSameOriginRequest({ method: 'GET', origin: 'https://evil.example' }, bank),
      true,
    );
  });

  it('accepts a POST only from the bank’s exact origin', () => {
    assert.equal(isSameOriginRequest({ method: 'POST', origin: bank }, bank), true);
    for (const origin of [
      'https://evil.example',
      'http://localhost:3001',
      'https://localhost:3000',
      'http://localhost:3000.evil.example',
      'null',
    ]) {
      assert.equal(isSameOriginRequest({ method: 'POST', origin }, bank), false, origin);
    }
  });

  it('falls back to the Referer, and refuses a request with neither', () => {
    assert.equal(isSameOriginRequest({ method: 'POST', referer: `${bank}/account` }, bank), true);
    assert.equal(
      isSameOriginRequest({ method: 'POST', referer: 'https://evil.example/' }, bank),
      false,
    );
    assert.equal(isSameOriginRequest({ method: 'POST', referer: 'not a url' }, bank), false);
    assert.equal(isSameOriginRequest({ method: 'POST' }, bank), false);
  });
});
