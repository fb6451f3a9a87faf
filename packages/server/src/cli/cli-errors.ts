/**
 * How every `latchkey` failure is reported: one line `latchkey: <code>: <message>` on standard
 * error, plus a pointer to `--help` for a command line that could not be read. Every failure exits
 * with status 1, as docs/cli.md documents; the code tells them apart.
 */
import { isLatchkeyError } from '@latchkey/core';
import type { CommanderError } from 'commander';
import { SettingError } from '../config.ts';
import { displayDatabaseUrl } from '../database-display.ts';
import { withPolicyFlagNames } from './policy-flag-names.ts';

/** The exit status of every failure, as docs/cli.md documents it. */
export const FAILURE_EXIT_CODE = 1;

/** commander's parse errors, by the code `latchkey` prints for each. */
export const USAGE_ERROR_CODES = {
  'commander.unknownOption': 'unknown_option',
  'commander.missingMandatoryOptionValue': 'missing_option',
  'commander.optionMissingArgument': 'missing_option_value',
  'commander.invalidArgument': 'invalid_option',
  'commander.missingArgument': 'missing_argument',
  'commander.excessArguments': 'unexpected_argument',
  'commander.unknownCommand': 'unknown_command',
  'commander.conflictingOption': 'conflicting_options',
} as const;

/** Network failures reaching a database server, in the words the message uses. */
const NETWORK_REASONS = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
} as const;

/** File-system failures opening an SQLite file or creating its folder. */
const FILE_CODES = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EROFS', 'EISDIR']);

/** A failure the CLI already knows how to word. */
export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = FAILURE_EXIT_CODE,
  ) {
    super(message);
  }
}

/** A command line commander could not read, and the command it was for (`apps create`). */
export class UsageFailure extends Error {
  override name = 'UsageFailure';
  constructor(
    readonly error: CommanderError,
    readonly commandPath: string,
  ) {
    super(error.message);
  }
}

/** What to print and the status to exit with. */
export interface FailureReport {
  lines: string[];
  exitCode: number;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The network or file failure behind an error; a failed dual-stack connect is an AggregateError. */
function underlying(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code && (code in NETWORK_REASONS || FILE_CODES.has(code))) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = underlying(inner);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The error from opening `url` as a {@link CliFailure} when it is the database that could not be
 * reached or opened; null for anything else (a bug, a bad migration), which is reported as it is.
 *
 * @example
 * databaseFailure(Object.assign(new Error(''), { code: 'ECONNREFUSED' }), 'postgres://u:p@db/x')
 * // CliFailure database_unreachable: could not connect to postgres://u:***@db/x: connection refused
 */
export function databaseFailure(error: unknown, url: string): CliFailure | null {
  const where = displayDatabaseUrl(url);
  const code = underlying(error);
  if (code && code in NETWORK_REASONS) {
    const reason = NETWORK_REASONS[code as keyof typeof NETWORK_REASONS];
    // The store's own connect timeout says how long it waited, and how to wait longer.
    const waited = (error as { timeoutSeconds?: unknown }).timeoutSeconds;
    const detail =
      typeof waited === 'number'
        ? ` (no answer within ${waited} s; connect_timeout=<seconds> in the URL changes it)`
        : '';
    return new CliFailure(
      'database_unreachable',
      `could not connect to ${where}: ${reason}${detail}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if ((code && FILE_CODES.has(code)) || errorCode(error)?.startsWith('SQLITE_CANTOPEN')) {
    return new CliFailure('database_unreachable', `could not open ${where}: ${message}`);
  }
  // PostgreSQL refused the connection itself: a wrong password, a database that does not exist.
  const sqlState = errorCode(error);
  if (sqlState && /^(28|3D)[0-9A-Z]{3}$/.test(sqlState)) {
    return new CliFailure('database_unreachable', `could not connect to ${where}: ${message}`);
  }
  if (/^unsupported database URL|has no SQLite file path|^invalid connect_timeout/.test(message)) {
    return new CliFailure('invalid_database_url', message, FAILURE_EXIT_CODE);
  }
  return null;
}

/** One line for commander's message: it starts `error: ` and may add a hint on a second line. */
function commanderMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * What the CLI prints for an error that ended a command, and its exit status.
 *
 * @example
 * describeFailure(new CliFailure('database_unreachable', 'could not connect to …'))
 * // { lines: ['latchkey: database_unreachable: could not connect to …'], exitCode: 1 }
 */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof UsageFailure) {
    const code = USAGE_ERROR_CODES[error.error.code as keyof typeof USAGE_ERROR_CODES];
    // --help and --version (status 0), or a command group run without its command (help shown).
    if (code === undefined) return { lines: [], exitCode: error.error.exitCode };
    return {
      lines: [
        `latchkey: ${code}: ${commanderMessage(error.error)}`,
        `run '${error.commandPath} --help' for usage`,
      ],
      exitCode: FAILURE_EXIT_CODE,
    };
  }
  if (error instanceof CliFailure) {
    return { lines: [`latchkey: ${error.code}: ${error.message}`], exitCode: error.exitCode };
  }
  if (error instanceof SettingError) {
    return { lines: [`latchkey: invalid_setting: ${error.message}`], exitCode: FAILURE_EXIT_CODE };
  }
  if (isLatchkeyError(error)) {
    const message =
      error.code === 'invalid_request' ? withPolicyFlagNames(error.message) : error.message;
    return { lines: [`latchkey: ${error.code}: ${message}`], exitCode: FAILURE_EXIT_CODE };
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  return {
    lines: [`latchkey: internal_error: ${message.split('\n')[0]}`],
    exitCode: FAILURE_EXIT_CODE,
  };
}

/**
 * The error from listening on `host:port` as a {@link CliFailure} when the address cannot be
 * used; null for anything else.
 */
export function listenFailure(error: unknown, host: string, port: number): CliFailure | null {
  if ((error as { syscall?: unknown } | null)?.syscall !== 'listen') return null;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (errorCode(error) === 'EADDRINUSE') {
    return new CliFailure(
      'address_in_use',
      `${address} is already in use (another latchkey?); choose another port with --port`,
    );
  }
  return new CliFailure(
    'cannot_listen',
    `could not listen on ${address}: ${error instanceof Error ? error.message : String(error)}`,
  );
}
