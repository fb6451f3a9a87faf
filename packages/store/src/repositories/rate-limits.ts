/** The `rate_limit_windows` table: fixed-window counters that every instance shares. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { prepare } from './prepared.ts';

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
  // An upsert that returns the count it wrote: concurrent hits on any instance each see a
  // distinct count, so a limit of N lets exactly N through.
  const hit = prepare(db, (a: { key: string; windowStart: number }) =>
    db
      .insertInto('rate_limit_windows')
      .values({ key: a.key, window_start: a.windowStart, count: 1 })
      .onConflict((oc) =>
        oc.columns(['key', 'window_start']).doUpdateSet({
          count: sql<number>`rate_limit_windows.count + 1`,
        }),
      )
      .returning('count'),
  );
  const peek = prepare(db, (a: { key: string; windowStart: number }) =>
    db
      .selectFrom('rate_limit_windows')
      .select('count')
      .where('key', '=', a.key)
      .where('window_start', '=', a.windowStart),
  );
  return {
    async hit(key, windowMs, now) {
      const [row] = (await hit({ key, windowStart: now - (now % windowMs) })).rows;
      if (!row) throw new Error('the rate-limit upsert returned no count');
      return Number(row.count);
    },

    async peek(key, windowMs, now) {
      const [row] = (await peek({ key, windowStart: now - (now % windowMs) })).rows;
      return row ? Number(row.count) : 0;
    },
  };
}
