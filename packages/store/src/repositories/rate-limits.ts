/** The `rate_limit_windows` table: fixed-window counters that every instance shares. */
import type { RateLimitCounter } from '@latchkey/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { type PreparedQuery, prepare } from './prepared.ts';

// The port is the core's; this is its SQL implementation. Exported here too, for older imports.
export type { RateLimitCounter };

/**
 * Counters in the database, so that limits hold across instances without another service.
 *
 * @example
 * const counter = createSqlRateLimitCounter(store.db);
 * const [perIp, perApp] = await counter.hit(['start:ip:app1:203.0.113.9', 'start:app:app1'], 60_000, Date.now());
 */
export function createSqlRateLimitCounter(db: Kysely<Database>): RateLimitCounter {
  type Args = Record<string, string | number>;
  type Row = { key: string; count: number };
  // One statement for all the keys of a request (a start counts two), prepared per key count.
  const perKeyCount = <R>(build: (n: number) => PreparedQuery<Args, R>) => {
    const prepared = new Map<number, PreparedQuery<Args, R>>();
    return (n: number): PreparedQuery<Args, R> => {
      let query = prepared.get(n);
      if (!query) {
        query = build(n);
        prepared.set(n, query);
      }
      return query;
    };
  };
  const keysOf = (a: Args, n: number) =>
    Array.from({ length: n }, (_, i) => a[`key${i}`] as string);
  // An upsert that returns the counts it wrote: concurrent hits on any instance each see a
  // distinct count, so a limit of N lets exactly N through.
  const hitQuery = perKeyCount((n) =>
    prepare(db, (a: Args) =>
      db
        .insertInto('rate_limit_windows')
        .values(
          keysOf(a, n).map((key) => ({ key, window_start: a.windowStart as number, count: 1 })),
        )
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet({
            count: sql<number>`rate_limit_windows.count + 1`,
          }),
        )
        .returning(['key', 'count']),
    ),
  );
  const peekQuery = perKeyCount((n) =>
    prepare(db, (a: Args) =>
      db
        .selectFrom('rate_limit_windows')
        .select(['key', 'count'])
        .where('key', 'in', keysOf(a, n))
        .where('window_start', '=', a.windowStart as number),
    ),
  );
  // A window already swept, or never written, has nothing to give back: no row is created.
  const releaseQuery = perKeyCount((n) =>
    prepare(db, (a: Args) =>
      db
        .updateTable('rate_limit_windows')
        .set({ count: sql<number>`rate_limit_windows.count - 1` })
        .where('key', 'in', keysOf(a, n))
        .where('window_start', '=', a.windowStart as number)
        .where('count', '>', 0),
    ),
  );
  const args = (keys: readonly string[], windowMs: number, now: number): Args => {
    const out: Args = { windowStart: now - (now % windowMs) };
    keys.forEach((key, i) => {
      out[`key${i}`] = key;
    });
    return out;
  };
  const inOrder = (keys: readonly string[], rows: Row[]) => {
    const counts = new Map(rows.map((row) => [row.key, Number(row.count)]));
    return keys.map((key) => counts.get(key) ?? 0);
  };
  return {
    async hit(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const { rows } = await hitQuery(keys.length)(args(keys, windowMs, now));
      const counts = inOrder(keys, rows);
      if (counts.includes(0)) throw new Error('the rate-limit upsert returned no count');
      return counts;
    },

    async peek(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const { rows } = await peekQuery(keys.length)(args(keys, windowMs, now));
      return inOrder(keys, rows);
    },

    async release(keys, windowMs, now) {
      if (keys.length === 0) return;
      await releaseQuery(keys.length)(args(keys, windowMs, now));
    },
  };
}
