/**
 * `INSERT … SELECT` with parameters: a statement that writes a row only when another part of the
 * same statement found what it needs (a user, a consumed transaction), taking some values from
 * there. PostgreSQL reads an untyped parameter in a select list as text, which a bigint or integer
 * column refuses, so every value is cast to its column's type.
 */
import { type RawBuilder, sql } from 'kysely';

/** The SQL type of every column of a table. */
export type ColumnTypes<Row> = Readonly<Record<keyof Row, 'text' | 'integer' | 'bigint'>>;

/** `(a, b, c)`: the table's columns in the order of `types`. */
export function columnList<Row>(types: ColumnTypes<Row>): RawBuilder<unknown> {
  return sql`(${sql.join(Object.keys(types).map((column) => sql.ref(column)))})`;
}

/**
 * The select list of one row: each column's value from `row` cast to its type, except the columns
 * in `from`, whose SQL is given (a column of the row found).
 *
 * @example
 * sql`INSERT INTO transactions ${columnList(TYPES)} SELECT ${castValues(TYPES, row, { user_id: sql.ref('u.id') })} FROM u`
 */
export function castValues<Row>(
  types: ColumnTypes<Row>,
  row: { [K in keyof Row]?: unknown },
  from: { [K in keyof Row]?: RawBuilder<unknown> } = {},
): RawBuilder<unknown> {
  return sql.join(
    (Object.keys(types) as (keyof Row & string)[]).map((column) => {
      const given = from[column];
      if (given) return given;
      return sql`CAST(${row[column] ?? null} AS ${sql.raw(types[column])})`;
    }),
  );
}
