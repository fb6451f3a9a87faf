/**
 * Failure limits hold under concurrency: the slot is taken before a finish is examined, so 100
 * junk finishes sent at once over real HTTP from one address get exactly the limit examined.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  databases,
  type Harness,
  NO_RATE_LIMITS,
  ORIGIN,
  openHarness,
} from '../testing/harness.ts';
import { RATE_LIMIT_WINDOW_MS } from './rate-limits.ts';

for (const db of databases()) {
  describe(`failure limits under concurrency (${db.name})`, () => {
    let h: Harness;
    let base: string;
    before(async () => {
      h = await openHarness(db, {
        policy: { rateLimits: { ...NO_RATE_LIMITS, failuresPerIp: 30 } },
      });
      h.clock.ms += RATE_LIMIT_WINDOW_MS - (h.clock.ms % RATE_LIMIT_WINDOW_MS);
      base = await h.server.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => h.close());

    it('examines exactly 30 of 100 concurrent junk finishes from one address', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${base}/v1/apps/${h.app.id}/authenticate/transactions/webauthn/finish`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: ORIGIN },
            body: JSON.stringify({ handshake_id: `made-up-${i}`, handshake_response: {} }),
          }).then((r) => r.status),
        ),
      );
      assert.equal(statuses.filter((s) => s === 400).length, 30, `statuses: ${statuses}`);
      assert.equal(statuses.filter((s) => s === 429).length, 70);
    });
  });
}
