/** How a database URL is shown to a person (banner, error messages): never with its password. */
import { isAbsolute, resolve } from 'node:path';

/**
 * A database URL fit to print: a PostgreSQL or Redis URL with its password replaced by `***`, an
 * SQLite URL with its path made absolute (so the reader knows which file it is).
 *
 * @example
 * displayDatabaseUrl('postgres://ada:s3cret@db:5432/latchkey') // 'postgres://ada:***@db:5432/latchkey'
 * displayDatabaseUrl('sqlite:./latchkey.db', '/srv') // 'sqlite:/srv/latchkey.db'
 */
export function displayDatabaseUrl(url: string, cwd: string = process.cwd()): string {
  const sqlite = /^sqlite:(?:\/\/)?(.*)$/i.exec(url);
  if (sqlite) {
    const path = sqlite[1] ?? '';
    if (path === '' || path === ':memory:' || isAbsolute(path)) return `sqlite:${path}`;
    return `sqlite:${resolve(cwd, path)}`;
  }
  return redactPassword(url);
}

/** The URL with the password of its user info replaced by `***`; anything else unchanged. */
export function redactPassword(url: string): string {
  // Parsed by hand rather than with URL: a password may hold characters URL would re-encode, and
  // an unparseable URL must still lose its password.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

/** Whether the URL carries a password (which {@link redactPassword} hides). */
export function hasPassword(url: string): boolean {
  return redactPassword(url) !== url;
}
