/**
 * Whether an error means the database cannot be reached right now (as opposed to a bug or a bad
 * query): the surfaces answer those with 503, and the request may be retried.
 */

// Socket-level failures on the way to the database.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// SQLSTATE class 08 (connection exception), 57P01–57P03 (the server is shutting down or starting),
// 53300 (too many connections); SQLite's "database is locked" after its busy timeout, and a grouped
// commit that failed (nothing of it was kept, so a retry is safe).
const DATABASE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'LATCHKEY_COMMIT_FAILED',
]);

// node-postgres reports a dropped or timed-out connection by message only.
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Query read timeout',
];

/**
 * @example
 * if (isStoreUnavailable(error)) reply.code(503);
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || DATABASE_CODES.has(code) || code.startsWith('08')) return true;
    }
    if (PG_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
