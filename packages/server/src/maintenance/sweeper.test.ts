import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SqlStore, sweepExpired } from '@latchkey/store';
import { RATE_LIMIT_WINDOW_MS } from '../rate-limits/rate-limits.ts';
import { databases, type Harness, openHarness, startLogin } from '../testing/harness.ts';
import { startSweeper } from './sweeper.ts';

const DAY_MS = 86_400_000;

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

    /** Writes audit events dated `ages` days before now; resolves with their ids. */
    async function eventsAged(prefix: string, ages: number[]): Promise<string[]> {
      const now = h.clock.ms;
      const ids = ages.map((_, i) => `${prefix}-${i}`);
      for (const [i, age] of ages.entries()) {
        await h.store.audit.append({
          id: ids[i] as string,
          appId: h.app.id,
          type: 'api_key.rejected',
          at: now - age * DAY_MS,
          userId: null,
          credentialId: null,
          reason: 'unknown',
          ip: '203.0.113.1',
          userAgent: null,
          requestId: null,
          data: null,
        });
      }
      // A serving store may hold inserts until it flushes (PostgreSQL), as a request does before
      // it answers; the sweep reads what was written.
      await h.store.flush();
      return ids;
    }

    async function remaining(prefix: string): Promise<string[]> {
      const rows = await (h.store as SqlStore).db
        .selectFrom('audit_events')
        .select('id')
        .where('id', 'like', `${prefix}-%`)
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    }

    it('deletes audit events older than the retention, in batches, and keeps younger ones', async () => {
      const ids = await eventsAged('ret', [400, 200, 100, 91, 95, 120, 89, 1, 0]);
      const swept = await sweepExpired((h.store as SqlStore).db, {
        now: h.clock.ms,
        rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
        auditRetentionMs: 90 * DAY_MS,
        // Six old rows in batches of two: three full batches and an empty one, all in one sweep.
        auditBatchSize: 2,
      });
      assert.equal(swept.audit_events, 6);
      assert.deepEqual(await remaining('ret'), [ids[6], ids[7], ids[8]]);
    });

    it('keeps audit events forever with a retention of 0, and the sweeper applies its own', async () => {
      const ids = await eventsAged('keep', [3650, 10]);
      const db = (h.store as SqlStore).db;
      const base = { now: h.clock.ms, rateLimitWindowMs: RATE_LIMIT_WINDOW_MS };
      assert.equal((await sweepExpired(db, { ...base, auditRetentionMs: 0 })).audit_events, 0);
      assert.equal((await sweepExpired(db, base)).audit_events, 0);
      assert.deepEqual(await remaining('keep'), ids);
      const sweeper = startSweeper({
        store: h.store as SqlStore,
        intervalMs: 60_000,
        now: h.clock.now,
        log: h.server.log,
        auditRetentionMs: 30 * DAY_MS,
      });
      try {
        await sweeper.sweep();
        assert.deepEqual(await remaining('keep'), [ids[1]]);
      } finally {
        await sweeper.stop();
      }
    });
  });
}
