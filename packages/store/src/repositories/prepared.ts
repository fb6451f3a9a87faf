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
 * query whose shape depends on its arguments needs one prepared query per shape.
 */
import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from '../schema.ts';

const PLACEHOLDER = Symbol('placeholder');

interface Placeholder {
  [PLACEHOLDER]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && PLACEHOLDER in value;
}

/** Runs a prepared query with one call's arguments. */
export type PreparedQuery<A, R> = (args: A) => Promise<QueryResult<R>>;

/**
 * @example
 * const consume = prepare(db, (a: { id: string; at: number }) =>
 *   db.updateTable('nonces').set({ consumed_at: a.at }).where('hash', '=', a.id).returningAll(),
 * );
 * const { rows } = await consume({ id, at: Date.now() });
 */
export function prepare<A extends Record<string, unknown>, R>(
  db: Kysely<Database>,
  build: (args: A) => Compilable<R>,
): PreparedQuery<A, R> {
  let sql: string | undefined;
  let slots: readonly (string | { value: unknown })[] = [];
  return (args) => {
    if (sql === undefined) {
      const placeholders = new Proxy(
        {},
        { get: (_target, name) => ({ [PLACEHOLDER]: String(name) }) },
      ) as A;
      const compiled = build(placeholders).compile();
      slots = compiled.parameters.map((p) => (isPlaceholder(p) ? p[PLACEHOLDER] : { value: p }));
      sql = compiled.sql;
    }
    const parameters = slots.map((slot) => (typeof slot === 'string' ? args[slot] : slot.value));
    return db.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<R>);
  };
}

/** The number of rows an UPDATE or DELETE changed. */
export function affected(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
