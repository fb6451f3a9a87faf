/**
 * The short way for the store's prepared statements to reach the database, past Kysely's executor.
 *
 * Why: Kysely runs every query through its executor: a connection acquired and released through
 * promises, a query id, the plugins' hooks. For the small statements of a ceremony that costs more
 * CPU than SQLite takes to run them. Statements prepared once (`repositories/prepared.ts`) already
 * skip the building and compiling; with a runner they skip the executor too. Anything the runner
 * cannot take at that moment (SQLite inside a Kysely transaction) goes the usual way.
 */
import type { Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/** How a handle's prepared statements reach its database. */
export interface StatementRunner {
  /**
   * Runs one compiled statement now: its result (SQLite runs in process), a promise of it
   * (PostgreSQL), or null when it cannot be run this way at this moment.
   */
  run(
    sql: string,
    parameters: readonly unknown[],
  ): QueryResult<unknown> | Promise<QueryResult<unknown>> | null;
  /**
   * Takes a write whose outcome nobody waits for, to be committed before the store's next
   * `flush()` resolves; false when it must run now instead (see `postgres/write-behind.ts`).
   */
  hold(sql: string, parameters: readonly unknown[]): boolean;
}

const runners = new WeakMap<Kysely<Database>, StatementRunner>();

/** Gives `db`'s prepared statements a short way to the database. */
export function setStatementRunner(db: Kysely<Database>, runner: StatementRunner): void {
  runners.set(db, runner);
}

/** The short way for `db`, if it has one. */
export function statementRunner(db: Kysely<Database>): StatementRunner | undefined {
  return runners.get(db);
}
