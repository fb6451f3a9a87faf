import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, mayHaveActed, shouldRetry } from './retry-policy.ts';

const response = (status: number) => ({ kind: 'response', status, retryAfter: null }) as const;
const reset = { kind: 'failure', connectionRefused: false } as const;
const refused = { kind: 'failure', connectionRefused: true } as const;

describe('retry policy', () => {
  it('retries reads and revokes after gateway errors and network failures', () => {
    for (const method of ['GET', 'DELETE'] as const) {
      for (const status of [502, 503, 504])
        assert.equal(shouldRetry(method, response(status)), true);
      assert.equal(shouldRetry(method, reset), true);
      assert.equal(shouldRetry(method, refused), true);
    }
  });

  it('never retries an answer that is not a gateway error', () => {
    for (const status of [200, 400, 401, 404, 409, 429, 500, 501]) {
      assert.equal(shouldRetry('GET', response(status)), false, String(status));
    }
  });

  it('retries a POST only when the connection was refused, so nothing was sent', () => {
    for (const status of [502, 503, 504])
      assert.equal(shouldRetry('POST', response(status)), false);
    assert.equal(shouldRetry('POST', reset), false);
    assert.equal(shouldRetry('POST', refused), true);
  });

  it('counts anything but a refused connection as possibly having acted', () => {
    assert.equal(mayHaveActed(refused), false);
    assert.equal(mayHaveActed(reset), true);
    assert.equal(mayHaveActed(response(503)), true);
  });

  it('backs off exponentially with jitter, capped at 2 s, honouring Retry-After up to the cap', () => {
    assert.equal(
      backoffDelay(0, null, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(0, null, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(2, null, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(10, null, () => 1),
      2000,
    );
    assert.equal(
      backoffDelay(0, '1', () => 0),
      1000,
    );
    assert.equal(
      backoffDelay(0, '120', () => 0),
      2000,
    );
    assert.equal(
      backoffDelay(0, 'Wed, 21 Oct 2015 07:28:00 GMT', () => 0),
      50,
    );
  });
});
