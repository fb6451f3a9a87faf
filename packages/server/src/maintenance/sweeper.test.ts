import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '@latchkey/store';
import { databases, type Harness, openHarness, startLogin } from '../testing/harness.ts';
import { startSweeper } from './sweeper.ts';

for (const db of databases()) {
  describe(`the background sweeper (${db.name})`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(db, { policy: { ceremonyTtlSeconds: 30 } });
    });
    after(() => h.close());

    it('deletes expired ceremonies on its own, and keeps live ones', async () => {
      const store = h.store as SqlStore;
      const ceremonies = async () =>
        (await store.db.selectFrom('ceremonies').select('id').execute()).map((r) => r.id);
      const expired = await startLogin(h, null);
      // Past the ceremony's lifetime and the margin the server adds to it.
      h.clock.advance(10 * 60);
      const live = await startLogin(h, null);
      const sweeper = startSweeper({ store, intervalMs: 20, now: h.clock.now, log: h.server.log });
      try {
        let remaining = await ceremonies();
        for (let i = 0; i < 100 && remaining.includes(expired.handshakeId); i++) {
          await new Promise((r) => setTimeout(r, 20));
          remaining = await ceremonies();
        }
        assert.deepEqual(remaining, [live.handshakeId]);
      } finally {
        await sweeper.stop();
      }
    });
  });
}
