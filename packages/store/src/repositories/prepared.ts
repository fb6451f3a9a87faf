/**
 * Queries built and compiled once, then run with each call's arguments.
 *
 * Why: for the small statements of a ceremony, Kysely's builders and compiler cost more CPU than
 * SQLite takes to run them (every call builds an immutable node tree, freezing each node, then
 * walks it into SQL). The query is still written with Kysely's typed builder; only the work of
 * turning it into SQL is done once.
 *
 * How: `build` receives placeholders for its arguments. Each placeholder becomes one parameter of
 * the compiled query; at run time the parameters are replaced by the call's values, in order.
 * Values that are not placeholders (a literal `1` in `usage_count + 1`) are kept as compiled. A
 * query whose shape depends on its arguments needs one prepared query per shape. The compiled
 * statement then runs on the handle's short way to the database where it has one
 * (`statement-runner.ts`), else through Kysely's executor.
 */
import {
  type Compilable,
  CompiledQuery,
  type Kysely,
  type QueryResult,
  type RawBuilder,
} from 'kysely';
import type { Database } from '../schema.ts';
import { type StatementRunner, statementRunner } from '../statement-runner.ts';

const PLACEHOLDER = Symbol('placeholder');

interface Placeholder {
  [PLACEHOLDER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

/** Runs a prepared query with one call's arguments. */
export type PreparedQuery<A, R> = (args: A) => Promise<QueryResult<R>>;

/** A query compiled once: its SQL, and where each call's arguments go among its parameters. */
interface Compiled<A> {
  sql: string;
  parameters(args: A): unknown[];
}

function compileOnce<A extends Record<string, unknown>, R>(
  db: Kysely<Database>,
  build: (args: A) => Compilable<R> | RawBuilder<R>,
): () => Compiled<A> {
  let compiled: Compiled<A> | undefined;
  return () => {
    if (compiled) return compiled;
    const placeholders = new Proxy(
      {},
      { get: (_target, name) => ({ [PLACEHOLDER]: String(name) }) },
    ) as A;
    const built = build(placeholders);
    const query = isRawBuilder(built) ? built.compile(db) : built.compile();
    const slots = query.parameters.map((p) => (isPlaceholder(p) ? p[PLACEHOLDER] : { value: p }));
    compiled = {
      sql: query.sql,
      parameters: (args) =>
        slots.map((slot) => (typeof slot === 'string' ? args[slot] : slot.value)),
    };
    return compiled;
  };
}

function isRawBuilder<R>(built: Compilable<R> | RawBuilder<R>): built is RawBuilder<R> {
  return 'isRawBuilder' in built && built.isRawBuilder === true;
}

function run<R>(db: Kysely<Database>, sql: string, parameters: unknown[]): Promise<QueryResult<R>> {
  const runner = statementRunner(db);
  let result: ReturnType<StatementRunner['run']> | undefined;
  try {
    result = runner?.run(sql, parameters);
  } catch (error) {
    return Promise.reject(error);
  }
  if (result instanceof Promise) return result as Promise<QueryResult<R>>;
  if (result) return Promise.resolve(result as QueryResult<R>);
  return db.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<R>);
}

/**
 * @example
 * const consume = prepare(db, (a: { id: string; at: number }) =>
 *   db.updateTable('nonces').set({ consumed_at: a.at }).where('hash', '=', a.id).returningAll(),
 * );
 * const { rows } = await consume({ id, at: Date.now() });
 */
export function prepare<A extends Record<string, unknown>, R>(
  db: Kysely<Database>,
  build: (args: A) => Compilable<R> | RawBuilder<R>,
): PreparedQuery<A, R> {
  const compiled = compileOnce(db, build);
  return (args) => {
    const { sql, parameters } = compiled();
    return run<R>(db, sql, parameters(args));
  };
}

/**
 * A prepared write whose outcome nobody waits for: an insert under a fresh random key that
 * cannot conflict, whose row nobody reads before the answer that carries its key has left. Where
 * the store can (PostgreSQL, when serving), it is held and sent with the turn's other such writes
 * in one statement before the answer (`postgres/write-behind.ts`); elsewhere it runs at once.
 *
 * @example
 * const append = prepareHeldWrite(db, (e: { id: string }) => db.insertInto('audit_events').values(e));
 * await append({ id });
 */
export function prepareHeldWrite<A extends Record<string, unknown>>(
  db: Kysely<Database>,
  build: (args: A) => Compilable<unknown> | RawBuilder<unknown>,
): (args: A) => Promise<void> {
  const compiled = compileOnce(db, build);
  return async (args) => {
    const { sql, parameters } = compiled();
    const values = parameters(args);
    if (statementRunner(db)?.hold(sql, values)) return;
    await run(db, sql, values);
  };
}

/**
 * One call's arguments, made of several parts (a row, its audit event's columns, a few more).
 *
 * Why not `{ ...row, ...audit }`: V8 builds an object literal of many spread properties through
 * its slow path, and on the hot path of a sign-in those objects ended up in the old generation
 * (a sign-in's transaction alone promoted about 4 KB a request, so the heap grew by tens of
 * megabytes between full collections). `Object.assign` onto a fresh object does not.
 *
 * @example
 * await insertForHolder(mergeArgs(toRow(transaction), { externalId }, auditOfChangeArgs(event)));
 */
export function mergeArgs<A>(...parts: object[]): A {
  return Object.assign({}, ...parts) as A;
}

/** The number of rows an UPDATE or DELETE changed. */
export function affected(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
