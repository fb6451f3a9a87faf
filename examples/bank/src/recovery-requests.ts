/**
 * Account recovery requests: "I lost my passkey" proved by a code emailed to the account's
 * address. The browser holds a random token in a cookie; the bank keeps only its hash and a hash
 * of the code with the token, so a copy of the database can neither finish a recovery nor try the
 * million codes offline. A code is tried at most {@link RECOVERY_MAX_ATTEMPTS} times, lives
 * {@link RECOVERY_TTL_MS}, and is used once. An address for which there is no account gets a
 * request too (with no user and no email), so the pages look the same either way.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';

/** How long an emailed code, and the recovery it opens, lives. */
export const RECOVERY_TTL_MS = 10 * 60 * 1000;
/** Wrong codes before a request is spent. */
export const RECOVERY_MAX_ATTEMPTS = 5;
/** Codes asked for one address in {@link RECOVERY_WINDOW_MS}, account or not. */
export const RECOVERY_REQUESTS_PER_ADDRESS = 3;
export const RECOVERY_WINDOW_MS = 15 * 60 * 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS recovery_requests (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    verified_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS recovery_requests_by_email ON recovery_requests (email, created_at);
`;

/** One request, as the routes see it. */
export interface RecoveryRequest {
  /** The account's user id; null when no account has the address. */
  userId: string | null;
  email: string;
  /** When the right code was entered; null until then. */
  verifiedAt: number | null;
  expiresAt: number;
}

interface Row {
  user_id: string | null;
  email: string;
  verified_at: number | null;
  expires_at: number;
}

function toRequest(row: Row): RecoveryRequest {
  return {
    userId: row.user_id,
    email: row.email,
    verifiedAt: row.verified_at,
    expiresAt: row.expires_at,
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');
const codeHash = (token: string, code: string): string => sha256(`${token}:${code}`);

/**
 * The recovery requests table, on the bank's database.
 *
 * @example
 * const { token, code } = requests.create({ userId: user.id, email, now: Date.now() });
 */
export class RecoveryRequests {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  /** How many codes were asked for this address since `since`. */
  countSince(email: string, since: number): number {
    const row = this.#db
      .prepare('SELECT count(*) AS n FROM recovery_requests WHERE email = ? AND created_at > ?')
      .get(email, since) as { n: number };
    return row.n;
  }

  /** A new request with a fresh token (for the cookie) and a six-digit code (for the email). */
  create(input: { userId: string | null; email: string; now: number }): {
    token: string;
    code: string;
  } {
    const token = randomBytes(32).toString('base64url');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#db
      .prepare(
        `INSERT INTO recovery_requests (token_hash, user_id, email, code_hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sha256(token),
        input.userId,
        input.email,
        codeHash(token, code),
        input.now,
        input.now + RECOVERY_TTL_MS,
      );
    // Spent and expired requests go as new ones come.
    this.#db
      .prepare('DELETE FROM recovery_requests WHERE expires_at <= ?')
      .run(input.now - RECOVERY_WINDOW_MS);
    return { token, code };
  }

  /** The live request of a token, or null. */
  find(token: string, now: number): RecoveryRequest | null {
    const row = this.#db
      .prepare('SELECT * FROM recovery_requests WHERE token_hash = ? AND expires_at > ?')
      .get(sha256(token), now) as Row | undefined;
    return row ? toRequest(row) : null;
  }

  /**
   * Checks a code: the right one for an account marks the request verified, once, and returns it;
   * anything else counts an attempt and returns null. The check and the mark are one statement,
   * so two tries of the right code cannot both pass.
   */
  verify(token: string, code: string, now: number): RecoveryRequest | null {
    const row = this.#db
      .prepare(
        `UPDATE recovery_requests SET verified_at = ?
         WHERE token_hash = ? AND code_hash = ? AND user_id IS NOT NULL AND verified_at IS NULL
           AND attempts < ? AND expires_at > ?
         RETURNING *`,
      )
      .get(now, sha256(token), codeHash(token, code), RECOVERY_MAX_ATTEMPTS, now) as
      | Row
      | undefined;
    if (row) return toRequest(row);
    this.#db
      .prepare('UPDATE recovery_requests SET attempts = attempts + 1 WHERE token_hash = ?')
      .run(sha256(token));
    return null;
  }

  /** Whether a request has no tries left. */
  exhausted(token: string): boolean {
    const row = this.#db
      .prepare('SELECT attempts FROM recovery_requests WHERE token_hash = ?')
      .get(sha256(token)) as { attempts: number } | undefined;
    return row !== undefined && row.attempts >= RECOVERY_MAX_ATTEMPTS;
  }

  /** Takes a verified, live request out of the table (once), or returns null. */
  take(token: string, now: number): RecoveryRequest | null {
    const row = this.#db
      .prepare(
        `DELETE FROM recovery_requests
         WHERE token_hash = ? AND verified_at IS NOT NULL AND expires_at > ?
         RETURNING *`,
      )
      .get(sha256(token), now) as Row | undefined;
    return row ? toRequest(row) : null;
  }
}
