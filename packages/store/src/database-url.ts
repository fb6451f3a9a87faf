/** Parsing of the `--db` / `LATCHKEY_DATABASE_URL` connection string. */
import { SQLITE_MEMORY } from './sqlite/open-sqlite.ts';

/** Where a database URL points. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string };

/**
 * Reads `sqlite:<path>`, `sqlite://<path>` (relative or absolute; `:memory:` for an in-memory
 * database), `postgres://…` or `postgresql://…`. Throws on anything else.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  const sqlite = /^sqlite:(?:\/\/)?(.*)$/i.exec(url);
  if (sqlite) {
    const path = sqlite[1] ?? '';
    if (path === '') throw new Error(`database URL ${JSON.stringify(url)} has no SQLite file path`);
    return { dialect: 'sqlite', path: path === SQLITE_MEMORY ? SQLITE_MEMORY : path };
  }
  throw new Error(
    `unsupported database URL ${JSON.stringify(redact(url))}: expected sqlite:<path>, sqlite::memory:, postgres://… or postgresql://…`,
  );
}

// An unrecognised URL may still carry a password; keep it out of error messages and logs.
function redact(url: string): string {
  return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}
