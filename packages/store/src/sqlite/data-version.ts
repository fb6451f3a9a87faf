/**
 * SQLite's own change signal: `PRAGMA data_version` changes on a connection whenever another
 * connection (a CLI, the checkpointer resetting the log) has committed to the file since it was
 * last read. It costs a statement of about a microsecond, read at most once a turn.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { ChangeSignal } from '../caching/change-signal.ts';

/**
 * @example
 * const changes = dataVersion(database);
 * changes.version(); // 1, until another connection commits
 */
export function dataVersion(database: SqliteDatabase.Database): ChangeSignal {
  const read = database.prepare<[], number>('PRAGMA data_version').pluck();
  return {
    // A closed database has nothing left to cache: every turn is new.
    version: () => (database.open ? read.get() : Number.NaN) as number,
    close: () => Promise.resolve(),
  };
}
