/**
 * What `latchkey serve` tells a person at a terminal once it listens: where everything is, which
 * database it uses, and what to do next. A pure function of the settings, so it is tested as text.
 */
import { displayDatabaseUrl, hasPassword } from './database-display.ts';

/** Where the database URL came from: it decides how the next command names the database. */
export const DATABASE_SOURCES = ['flag', 'env', 'default'] as const;
/** One of {@link DATABASE_SOURCES}. */
export type DatabaseSource = (typeof DATABASE_SOURCES)[number];

/** What the banner is made from. */
export interface ServeSummaryInput {
  version: string;
  /** The address listened on, as given (`127.0.0.1`, `0.0.0.0`, `::1` …). */
  host: string;
  /** The port actually bound (not 0). */
  port: number;
  databaseUrl: string;
  databaseSource: DatabaseSource;
  redisUrl?: string;
  /** The folder relative SQLite paths are resolved from. Default: the process's. */
  cwd?: string;
}

/** The URLs and database the server announces; the fields of the JSON `latchkey ready` line too. */
export interface ServeSummary {
  version: string;
  api: string;
  docs: string;
  console: string;
  openapi: string;
  database: string;
  rateLimits: string;
  /** A command that creates an app, ready to paste. */
  nextStep: string;
}

/** The origin the example command registers: a site on this machine, the usual first one. */
const EXAMPLE_ORIGIN = 'http://localhost:3000';

/** Addresses that mean "every interface": the URL a browser on this machine opens is localhost. */
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '']);

function baseUrl(host: string, port: number): string {
  if (ANY_ADDRESS.has(host)) return `http://localhost:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

// Single quotes unless the word is plainly safe for a POSIX shell.
function shellWord(word: string): string {
  return /^[\w:/.@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function nextStep(input: ServeSummaryInput): string {
  const command = `npx latchkey apps create --name "My app" --origin ${EXAMPLE_ORIGIN}`;
  // The password never goes to the terminal. From the environment, the CLI reads it the same way;
  // given as a flag, the reader puts it back.
  if (hasPassword(input.databaseUrl) && input.databaseSource === 'env') return command;
  return `${command} --db ${shellWord(displayDatabaseUrl(input.databaseUrl, input.cwd))}`;
}

/**
 * The facts the server announces once it listens.
 *
 * @example
 * serveSummary({ version: '0.1.0', host: '127.0.0.1', port: 8080, databaseUrl: 'sqlite:./l.db', databaseSource: 'default' }).docs
 * // 'http://127.0.0.1:8080/docs'
 */
export function serveSummary(input: ServeSummaryInput): ServeSummary {
  const api = baseUrl(input.host, input.port);
  return {
    version: input.version,
    api,
    docs: `${api}/docs`,
    console: `${api}/console`,
    openapi: `${api}/openapi.json`,
    database: displayDatabaseUrl(input.databaseUrl, input.cwd),
    rateLimits: input.redisUrl ? displayDatabaseUrl(input.redisUrl) : 'counted in the database',
    nextStep: nextStep(input),
  };
}

/**
 * The banner printed on a terminal: a few aligned lines and the next command, no colour (it is
 * read in terminals, CI logs and copies alike).
 *
 * @example
 * process.stdout.write(serveBanner(input));
 */
export function serveBanner(input: ServeSummaryInput): string {
  const s = serveSummary(input);
  const lines = [
    '',
    `  latchkey ${s.version} is running`,
    '',
    `  API          ${s.api}`,
    `  API docs     ${s.docs}`,
    `  Console      ${s.console}   (sign in with a token from: npx latchkey admin create-token)`,
    `  Database     ${s.database}`,
    `  Rate limits  ${s.rateLimits}`,
  ];
  if (ANY_ADDRESS.has(input.host)) lines.push('               (listening on every interface)');
  lines.push('', '  Next: create an app for your site (its API key is printed once):', '');
  lines.push(`    ${s.nextStep}`);
  if (hasPassword(input.databaseUrl) && input.databaseSource === 'flag') {
    lines.push('    (put the database password in place of ***)');
  } else if (hasPassword(input.databaseUrl)) {
    lines.push('    (it reads LATCHKEY_DATABASE_URL, as the server did)');
  }
  lines.push('', '  Logs follow. Ctrl-C stops the server.', '');
  return `${lines.join('\n')}\n`;
}
