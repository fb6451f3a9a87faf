/** Opens a store from a database URL. */
import type { Kysely } from 'kysely';
import { type ChangeSignal, everyTurn } from './caching/change-signal.ts';
import { createStore, type SqlStore } from './create-store.ts';
import { parseDatabaseUrl } from './database-url.ts';
import { migrateToLatest } from './migrations/migrate.ts';
import { listenForConfigChanges } from './postgres/config-notifications.ts';
import { holdWrites, type OpenPostgres, openPostgres } from './postgres/open-postgres.ts';
import type { Database } from './schema.ts';
import { type OpenSqlite, openSqlite } from './sqlite/open-sqlite.ts';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** `sqlite:<path>`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. */
  url: string;
  /** PostgreSQL only: the schema to keep every table in, created when missing. */
  schema?: string;
  /** Whether to apply pending migrations before returning. Default true. */
  migrate?: boolean;
  /**
   * For a long-running caller that awaits `store.flush()` before acknowledging anything, as the
   * server does. SQLite groups the commits of concurrent requests (see `sqlite/group-commit.ts`);
   * PostgreSQL holds the writes nobody waits for until the end of each turn
   * (`postgres/write-behind.ts`) and listens for configuration changes, so that apps and keys are
   * cached across requests (`caching/config-cache.ts`). Default false: every statement commits
   * on its own and a PostgreSQL store caches nothing past one event-loop turn.
   */
  groupCommit?: boolean;
}

/**
 * Opens the database at `options.url`, migrates it to the latest schema (unless `migrate: false`)
 * and returns the store. Throws on an unsupported URL or when the database cannot be reached.
 */
export async function openStore(options: OpenStoreOptions): Promise<SqlStore> {
  const target = parseDatabaseUrl(options.url);
  if (target.dialect === 'sqlite' && options.schema !== undefined) {
    throw new Error('the schema option applies to PostgreSQL only');
  }
  let sqlite: OpenSqlite | null = null;
  let postgres: OpenPostgres | null = null;
  let db: Kysely<Database>;
  if (target.dialect === 'sqlite') {
    sqlite = openSqlite(target.path);
    db = sqlite.db;
  } else {
    postgres = await openPostgres(target.url, options.schema);
    db = postgres.db;
  }
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  if (sqlite && options.groupCommit) sqlite.startGrouping();
  let changes: ChangeSignal = sqlite?.changes ?? everyTurn();
  let flush = sqlite?.flush;
  if (postgres && target.dialect === 'postgres' && options.groupCommit) {
    changes = await listenForConfigChanges({
      url: target.url,
      schema: postgres.schema,
      connectTimeoutMs: postgres.connectTimeoutMs,
    });
    flush = holdWrites(db);
  }
  return createStore(db, target.dialect, { changes, ...(flush ? { flush } : {}) });
}
