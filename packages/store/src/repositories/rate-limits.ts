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
  const countsOf = (a: Args, n: number) =>
    Array.from({ length: n }, (_, i) => a[`count${i}`] as number);
  // An upsert that adds each key's count and returns the totals it wrote: concurrent hits on any
  // instance each add at once, so each sees a distinct count and a limit of N lets exactly N through.
  const hitQuery = perKeyCount((n) =>
    prepare(db, (a: Args) => {
      const counts = countsOf(a, n);
      return db
        .insertInto('rate_limit_windows')
        .values(
          keysOf(a, n).map((key, i) => ({
            key,
            window_start: a.windowStart as number,
            count: counts[i] as number,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet({
            count: sql<number>`rate_limit_windows.count + excluded.count`,
          }),
        )
        .returning(['key', 'count']);
    }),
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
  // The same with a count per key (the give-backs of several requests at once), never below zero.
  // The counts are cast: PostgreSQL cannot infer a type for a parameter that is only a CASE result.
  const releaseManyQuery = perKeyCount((n) =>
    prepare(db, (a: Args) => {
      const keys = keysOf(a, n);
      const counts = countsOf(a, n);
      const amount = sql<number>`case rate_limit_windows.key ${sql.join(
        keys.map((key, i) => sql`when ${key} then cast(${counts[i]} as integer)`),
        sql` `,
      )} end`;
      return db
        .updateTable('rate_limit_windows')
        .set({
          count: sql<number>`case when rate_limit_windows.count > ${amount} then rate_limit_windows.count - ${amount} else 0 end`,
        })
        .where('key', 'in', keys)
        .where('window_start', '=', a.windowStart as number)
        .where('count', '>', 0);
    }),
  );
  const args = (
    keys: readonly string[],
    windowMs: number,
    now: number,
    counts?: readonly number[],
  ): Args => {
    const out: Args = { windowStart: now - (now % windowMs) };
    keys.forEach((key, i) => {
      out[`key${i}`] = key;
      out[`count${i}`] = counts?.[i] ?? 1;
    });
    return out;
  };
  const inOrder = (keys: readonly string[], rows: Row[]) => {
    const counts = new Map(rows.map((row) => [row.key, Number(row.count)]));
    return keys.map((key) => counts.get(key) ?? 0);
  };
  return {
    async hit(keys, windowMs, now, counts) {
      if (keys.length === 0) return [];
      const { rows } = await hitQuery(keys.length)(args(keys, windowMs, now, counts));
      if (rows.length !== keys.length) throw new Error('the rate-limit upsert returned no count');
      return inOrder(keys, rows);
    },

    async peek(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const { rows } = await peekQuery(keys.length)(args(keys, windowMs, now));
      return inOrder(keys, rows);
    },

    async release(keys, windowMs, now, counts) {
      if (keys.length === 0) return;
      const query = counts?.some((count) => count !== 1) ? releaseManyQuery : releaseQuery;
      await query(keys.length)(args(keys, windowMs, now, counts));
    },
  };
}
