/**
 * Deletes what can no longer be used: expired ceremonies, transactions, nonces, step-up tokens,
 * step-up ceremonies and operator sessions, and rate-limit windows that have closed. An expired row is refused whether
 * it is there or not, so deleting it changes no answer; it only keeps a flood of starts from
 * growing the database without bound.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The tables with an `expires_at` column, swept by it. */
const EXPIRING_TABLES = [
  'ceremonies',
  'transactions',
  'nonces',
  'step_up_tokens',
  'step_up_ceremonies',
  'operator_sessions',
] as const;

/** How many rows each table lost in one sweep. */
export type SweepResult = Record<(typeof EXPIRING_TABLES)[number] | 'rate_limit_windows', number>;

/**
 * @param rateLimitWindowMs the longest rate-limit window in use: windows older than two of them
 *   are closed.
 * @example
 * const swept = await sweepExpired(store.db, { now: Date.now(), rateLimitWindowMs: 60_000 });
 */
export async function sweepExpired(
  db: Kysely<Database>,
  options: { now: number; rateLimitWindowMs: number },
): Promise<SweepResult> {
  const result = {} as SweepResult;
  for (const table of EXPIRING_TABLES) {
    const deleted = await db
      .deleteFrom(table)
      .where('expires_at', '<', options.now)
      .executeTakeFirst();
    result[table] = Number(deleted.numDeletedRows);
  }
  const windows = await db
    .deleteFrom('rate_limit_windows')
    .where('window_start', '<', options.now - 2 * options.rateLimitWindowMs)
    .executeTakeFirst();
  result.rate_limit_windows = Number(windows.numDeletedRows);
  return result;
}
