/**
 * Opens a PostgreSQL connection pool with `pg`, optionally confined to one schema.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { setMigrationSchema } from '../migrations/migrate.ts';
import type { Database } from '../schema.ts';
import { countStatements } from '../statement-count.ts';
import { setStatementRunner } from '../statement-runner.ts';
import { writeBehind } from './write-behind.ts';

const INT8_OID = 20;

/** How long opening a connection may take when the URL does not say (`connect_timeout`). */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

/**
 * The connect timeout a PostgreSQL URL asks for, in seconds: libpq's `connect_timeout` query
 * parameter (a whole number of seconds), or {@link DEFAULT_CONNECT_TIMEOUT_SECONDS}. libpq reads 0
 * as "wait forever"; a server must never hang on a database that does not answer, so 0 is refused.
 *
 * @example
 * connectTimeoutSeconds('postgres://db/latchkey?connect_timeout=10') // 10
 */
export function connectTimeoutSeconds(url: string): number {
  const query = url.indexOf('?');
  const raw =
    query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get('connect_timeout');
  if (raw === null) return DEFAULT_CONNECT_TIMEOUT_SECONDS;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1) {
    throw new Error(
      `invalid connect_timeout ${JSON.stringify(raw)} in the database URL: expected a whole number of seconds from 1 to 9999`,
    );
  }
  return Number(raw);
}

/**
 * The database did not answer within the connect timeout. Carries `ETIMEDOUT`, the code a timed-out
 * socket has, so every caller reports it as a database it cannot reach.
 */
export class ConnectTimeoutError extends Error {
  override name = 'ConnectTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly timeoutSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`PostgreSQL did not answer within ${timeoutSeconds} s`, options);
  }
}

// pg-pool's message when a new connection misses `connectionTimeoutMillis`.
const POOL_CONNECT_TIMEOUT = /timeout exceeded when trying to connect|due to connection timeout/;

// Only plain lower-case identifiers: the name ends up in a connection option and in DDL, where it
// cannot be passed as a parameter, and the option's value is case-folded while DDL quotes it, so a
// mixed-case name would create one schema and search another.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// Epoch milliseconds and counters are int8; pg returns those as strings by default. This parser is
// given to our pool only, never installed globally, so other pg users in the process are unaffected.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

// The pool behind each handle, for its figures (metrics).
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** Connections of a PostgreSQL handle's pool: open, idle, and requests waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The pool figures of a handle opened by `openPostgres`, or null for any other handle.
 *
 * @example
 * const stats = poolStats(store.db); // { total: 3, idle: 2, waiting: 0 }
 */
export function poolStats(db: Kysely<Database>): PoolStats | null {
  const pool = pools.get(db);
  if (!pool) return null;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

// Kysely's executor checks a client out of the same pool for each query; `pool.query` does that
// with less around it.
async function query(pool: pg.Pool, text: string, parameters: readonly unknown[]) {
  const result = await pool.query(text, parameters as unknown[]);
  return {
    rows: result.rows,
    ...(result.command === 'SELECT' ? {} : { numAffectedRows: BigInt(result.rowCount ?? 0) }),
  };
}

/**
 * Holds the writes that nobody waits for until the end of each turn (`write-behind.ts`), for a
 * caller that awaits the returned flush before acknowledging anything, as the server does.
 *
 * @example
 * const flush = holdWrites(db);
 */
export function holdWrites(db: Kysely<Database>): () => Promise<void> {
  const pool = pools.get(db);
  if (!pool) throw new Error('holdWrites needs a handle opened by openPostgres');
  const writes = writeBehind((text, parameters) => query(pool, text, parameters));
  setStatementRunner(db, {
    // A statement sent anyway carries the writes held so far: they cost no round trip of their own.
    run: (text, parameters) => {
      const carrier = writes.carry(text, parameters);
      if (!carrier) return query(pool, text, parameters);
      return query(pool, carrier.sql, carrier.parameters).then(
        (result) => {
          carrier.committed();
          return result;
        },
        // Nothing of a failed statement was applied: its carried writes are sent again on their
        // own, and the statement itself runs again alone, so that each fails only for itself.
        () => {
          carrier.failed();
          return query(pool, text, parameters);
        },
      );
    },
    hold: (text, parameters) => {
      writes.hold(text, parameters);
      return true;
    },
  });
  return () => writes.flush();
}

/** Whether `name` is usable as a schema name by `openPostgres`. */
export function isValidSchemaName(name: string): boolean {
  return SCHEMA_NAME.test(name);
}

/** An open PostgreSQL pool: the Kysely handle and where it lives. */
export interface OpenPostgres {
  db: Kysely<Database>;
  /** The schema every table resolves to (`current_schema()`). */
  schema: string;
  /** The connect timeout the URL asked for, in milliseconds. */
  connectTimeoutMs: number;
}

/**
 * Opens a pool on `url`. With `schema`, the schema is created when missing and every connection's
 * `search_path` is set to it, so all unqualified table names resolve there.
 */
export async function openPostgres(url: string, schema?: string): Promise<OpenPostgres> {
  if (schema !== undefined && !isValidSchemaName(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
  }
  const timeoutSeconds = connectTimeoutSeconds(url);
  const pool = new pg.Pool({
    connectionString: url,
    types,
    // A database that stops answering (or never answers: a firewall that drops packets, a port
    // that accepts and says nothing) must fail startup and requests (503), not hold them forever.
    connectionTimeoutMillis: timeoutSeconds * 1000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its connection (database restart) is emitted on the pool; unhandled, it
  // would crash the process. The pool discards that client and the next query reconnects.
  pool.on('error', () => {});
  // A connection that drops while checked out (between two queries of a request) emits 'error' on
  // its client; the query that uses it next fails on its own, so the event itself must not crash
  // the process.
  const statements = { count: 0 };
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // Every statement a connection sends is one round trip: counted for the metric and the tests.
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      statements.count++;
      return query(...args);
    }) as typeof client.query;
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  countStatements(db, statements);
  setStatementRunner(db, {
    run: (text, parameters) => query(pool, text, parameters),
    hold: () => false,
  });
  let current: string;
  try {
    if (schema !== undefined) await createSchema(db, schema);
    const { rows } = await sql<{
      schema: string | null;
    }>`select current_schema() as schema`.execute(db);
    current = rows[0]?.schema ?? schema ?? 'public';
    setMigrationSchema(db, current);
  } catch (error) {
    await db.destroy();
    if (error instanceof Error && POOL_CONNECT_TIMEOUT.test(error.message)) {
      throw new ConnectTimeoutError(timeoutSeconds, { cause: error });
    }
    throw error;
  }
  return { db, schema: current, connectTimeoutMs: timeoutSeconds * 1000 };
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two processes creating the same schema at once: one of them loses on the catalog's unique
    // index even with IF NOT EXISTS. The schema exists either way.
    if (!isUniqueViolation(error)) throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
