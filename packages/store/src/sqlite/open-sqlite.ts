/**
 * Opens a SQLite database file with better-sqlite3, set up so that several processes (the server
 * and a CLI) can use one file at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';

/** The path better-sqlite3 understands as an in-memory database. */
export const SQLITE_MEMORY = ':memory:';

/**
 * Opens (creating if needed) the SQLite database at `path`, or an in-memory one for `:memory:`.
 * The file's parent directory is created when missing.
 */
export function openSqlite(path: string): Kysely<Database> {
  const memory = path === SQLITE_MEMORY;
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // Wait for another process's write lock instead of failing at once with SQLITE_BUSY. Set first so
  // that switching to WAL below waits too.
  database.pragma('busy_timeout = 5000');
  // WAL lets readers run alongside one writer, so a CLI can write while the server serves.
  if (!memory) database.pragma('journal_mode = WAL');
  // SQLite leaves foreign keys off unless asked, per connection.
  database.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}
