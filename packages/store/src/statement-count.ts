/**
 * How many statements a database handle has sent. On PostgreSQL each one is a network round trip
 * (node-postgres sends a connection's statements one at a time), which is what a request's cost
 * on a shared database is mostly made of; on SQLite it is a statement run in process. The server
 * reports it as `latchkey_database_statements_total`, and tests count a request's round trips
 * with it.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A running count, incremented by the handle's connections. */
export interface StatementCounter {
  count: number;
}

const counters = new WeakMap<Kysely<Database>, StatementCounter>();

/** Makes the counter that `db`'s connections increment, for {@link statementCount}. */
export function countStatements(db: Kysely<Database>, counter: StatementCounter): void {
  counters.set(db, counter);
}

/**
 * Statements sent so far by a handle opened by `openStore`, or null for any other handle.
 *
 * @example
 * const before = statementCount(store.db) ?? 0;
 * await redeemNonce(runtime, { appId, nonce });
 * const roundTrips = (statementCount(store.db) ?? 0) - before;
 */
export function statementCount(db: Kysely<Database>): number | null {
  return counters.get(db)?.count ?? null;
}
