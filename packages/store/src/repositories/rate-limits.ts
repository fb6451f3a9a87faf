/** The `rate_limit_windows` table: fixed-window counters that every instance shares. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Counts events per key in fixed windows. */
export interface RateLimitCounter {
  /** Adds one to the key's current window and returns the new count (one atomic statement). */
  hit(key: string, windowMs: number, now: number): Promise<number>;
  /** The key's count in the current window, without adding to it. */
  peek(key: string, windowMs: number, now: number): Promise<number>;
}

/**
 * Counters in the database, so that limits hold across instances without another service.
 *
 * @example
 * const counter = createSqlRateLimitCounter(store.db);
 * const n = await counter.hit('start:ip:app1:203.0.113.9', 60_000, Date.now());
 */
export function createSqlRateLimitCounter(db: Kysely<Database>): RateLimitCounter {
  return {
    async hit(key, windowMs, now) {
      const windowStart = now - (now % windowMs);
      // An upsert that returns the count it wrote: concurrent hits on any instance each see a
      // distinct count, so a limit of N lets exactly N through.
      const row = await db
        .insertInto('rate_limit_windows')
        .values({ key, window_start: windowStart, count: 1 })
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet({
            count: sql<number>`rate_limit_windows.count + 1`,
          }),
        )
        .returning('count')
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async peek(key, windowMs, now) {
      const windowStart = now - (now % windowMs);
      const row = await db
        .selectFrom('rate_limit_windows')
        .select('count')
        .where('key', '=', key)
        .where('window_start', '=', windowStart)
        .executeTakeFirst();
      return row ? Number(row.count) : 0;
    },
  };
}
