/**
 * Opens a SQLite database file with better-sqlite3, set up so that several processes (the server
 * and a CLI) can use one file at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { ChangeSignal } from '../caching/change-signal.ts';
import type { Database } from '../schema.ts';
import { countStatements } from '../statement-count.ts';
import { setStatementRunner } from '../statement-runner.ts';
import { startCheckpointer } from './checkpointer.ts';
import { dataVersion } from './data-version.ts';
import { GroupCommitSqliteDialect } from './group-commit.ts';

/** The path better-sqlite3 understands as an in-memory database. */
export const SQLITE_MEMORY = ':memory:';

/** How many prepared statements a connection keeps; the store issues far fewer distinct ones. */
const STATEMENT_CACHE_SIZE = 500;

/** The page cache of the server's connection, in KiB (it fills only as pages are read). */
export const SQLITE_CACHE_KIB = 32 * 1024;

/**
 * When a commit waits for the disk: `normal` (the default) survives a crash of the process but
 * may lose the last commits on a power cut or an OS crash; `full` survives those too, at the cost
 * of one fsync per write (a sign-in makes about fifteen writes).
 */
export const SQLITE_SYNCHRONOUS = ['normal', 'full'] as const;

function synchronousMode(): (typeof SQLITE_SYNCHRONOUS)[number] {
  const value = (process.env.LATCHKEY_SQLITE_SYNCHRONOUS ?? 'normal').toLowerCase();
  if ((SQLITE_SYNCHRONOUS as readonly string[]).includes(value)) {
    return value as (typeof SQLITE_SYNCHRONOUS)[number];
  }
  throw new Error(`LATCHKEY_SQLITE_SYNCHRONOUS must be one of ${SQLITE_SYNCHRONOUS.join(', ')}`);
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing costs
 * about a tenth of a sign-in's database time. Statements are used synchronously, one at a time,
 * so sharing them is safe.
 */
function cachePreparedStatements(database: SqliteDatabase.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, ReturnType<typeof prepare>>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) return statement;
    statement = prepare(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof database.prepare;
}

/** An open SQLite database: the Kysely handle and the wait for its grouped commits. */
export interface OpenSqlite {
  db: Kysely<Database>;
  /** Resolves once every write made so far is committed (see `group-commit.ts`). */
  flush(): Promise<void>;
  /** Changes whenever another connection committed to the file (`PRAGMA data_version`). */
  changes: ChangeSignal;
  /**
   * Starts grouping commits (until then each statement commits on its own), and moves WAL
   * checkpoints off this connection to a worker thread (see `checkpointer.ts`).
   */
  startGrouping(): void;
}

/**
 * Opens (creating if needed) the SQLite database at `path`, or an in-memory one for `:memory:`.
 * The file's parent directory is created when missing.
 */
export function openSqlite(path: string): OpenSqlite {
  const memory = path === SQLITE_MEMORY;
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // Wait for another process's write lock instead of failing at once with SQLITE_BUSY. Set first so
  // that switching to WAL below waits too.
  database.pragma('busy_timeout = 5000');
  // WAL lets readers run alongside one writer, so a CLI can write while the server serves.
  if (!memory) database.pragma('journal_mode = WAL');
  // In WAL mode `normal` cannot corrupt the database; see SQLITE_SYNCHRONOUS for what it trades.
  database.pragma(`synchronous = ${synchronousMode()}`);
  // SQLite's default page cache is 2 MB. With a million credentials, sign-ins of different users
  // touch different pages, and a small cache re-reads them from the OS on every request: the
  // benchmark's latency at 10^6 credentials was 1.69 × that at 10^3 with 2 MB, 0.96 × with 32 MB.
  database.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  cachePreparedStatements(database);
  // SQLite leaves foreign keys off unless asked, per connection.
  database.pragma('foreign_keys = ON');
  const statements = { count: 0 };
  const dialect = new GroupCommitSqliteDialect(database, statements);
  const db = new Kysely<Database>({ dialect });
  countStatements(db, statements);
  setStatementRunner(db, {
    run: (sql, parameters) => dialect.runNow(sql, parameters),
    // Writes join the open batch in process at no cost: nothing to gain by holding them.
    hold: () => false,
  });
  return {
    db,
    flush: () => dialect.flush(),
    changes: dataVersion(database),
    startGrouping: () => {
      dialect.startGrouping();
      if (memory) return;
      database.pragma('wal_autocheckpoint = 0');
      const checkpointer = startCheckpointer(database.name, {
        // Never let the WAL grow unchecked: this connection checkpoints again, as by default.
        onError: () => {
          if (database.open) database.pragma('wal_autocheckpoint = 1000');
        },
      });
      dialect.afterClose(() => checkpointer.stop());
    },
  };
}
