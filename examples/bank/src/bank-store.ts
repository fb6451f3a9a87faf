/**
 * The bank's own database: its users, sessions, transfers and transfers waiting for a passkey.
 * latchkey knows none of this; it only knows each user's id (the bank's user id is latchkey's
 * external id) and their passkeys.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { PasswordHash } from './passwords.ts';

/** A bank customer. */
export interface User {
  /** Random, stable, and what latchkey knows the user by (its external id). */
  id: string;
  email: string;
  password: PasswordHash;
  balanceCents: number;
  createdAt: number;
}

/** A transfer that went through. */
export interface Transfer {
  id: string;
  userId: string;
  recipient: string;
  amountCents: number;
  /** Whether a passkey confirmed it. */
  steppedUp: boolean;
  createdAt: number;
}

/** A large transfer held server-side until a passkey confirms it. */
export interface PendingTransfer {
  id: string;
  userId: string;
  recipient: string;
  amountCents: number;
  expiresAt: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    password_salt TEXT NOT NULL,
    balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    stepped_up INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS transfers_by_user ON transfers (user_id, created_at);
  CREATE TABLE IF NOT EXISTS pending_transfers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  password_salt: string;
  balance_cents: number;
  created_at: number;
}

interface TransferRow {
  id: string;
  user_id: string;
  recipient: string;
  amount_cents: number;
  stepped_up: number;
  created_at: number;
}

interface PendingRow {
  id: string;
  user_id: string;
  recipient: string;
  amount_cents: number;
  expires_at: number;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    password: { hash: row.password_hash, salt: row.password_salt },
    balanceCents: row.balance_cents,
    createdAt: row.created_at,
  };
}

function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    userId: row.user_id,
    recipient: row.recipient,
    amountCents: row.amount_cents,
    steppedUp: row.stepped_up === 1,
    createdAt: row.created_at,
  };
}

function toPending(row: PendingRow): PendingTransfer {
  return {
    id: row.id,
    userId: row.user_id,
    recipient: row.recipient,
    amountCents: row.amount_cents,
    expiresAt: row.expires_at,
  };
}

/**
 * The bank's SQLite database (better-sqlite3, WAL mode).
 *
 * @example
 * const store = new BankStore('./bank.db');
 * const user = store.createUser({ email, password, balanceCents: 2_500_000, now: Date.now() });
 */
export class BankStore {
  readonly #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
  }

  /** Creates a user, or returns null when the email is taken. */
  createUser(input: {
    email: string;
    password: PasswordHash;
    balanceCents: number;
    now: number;
  }): User | null {
    const row: UserRow = {
      id: randomUUID(),
      email: input.email,
      password_hash: input.password.hash,
      password_salt: input.password.salt,
      balance_cents: input.balanceCents,
      created_at: input.now,
    };
    const result = this.#db
      .prepare(
        `INSERT INTO users (id, email, password_hash, password_salt, balance_cents, created_at)
         VALUES (@id, @email, @password_hash, @password_salt, @balance_cents, @created_at)
         ON CONFLICT (email) DO NOTHING`,
      )
      .run(row);
    return result.changes === 1 ? toUser(row) : null;
  }

  findUserByEmail(email: string): User | null {
    const row = this.#db.prepare('SELECT * FROM users WHERE email = ?').get(email) as
      | UserRow
      | undefined;
    return row ? toUser(row) : null;
  }

  findUserById(id: string): User | null {
    const row = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  createSession(input: { idHash: string; userId: string; now: number; expiresAt: number }): void {
    this.#db
      .prepare(
        'INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(input.idHash, input.userId, input.now, input.expiresAt);
  }

  /** The user of a live session, or null. */
  findSessionUser(idHash: string, now: number): User | null {
    const row = this.#db
      .prepare(
        `SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id
         WHERE sessions.id_hash = ? AND sessions.expires_at > ?`,
      )
      .get(idHash, now) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  deleteSession(idHash: string): void {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  /**
   * Moves money out of the user's account in one SQLite transaction: the balance check and the
   * debit are one statement, so two transfers cannot both spend the same dollars.
   */
  transfer(input: {
    userId: string;
    recipient: string;
    amountCents: number;
    steppedUp: boolean;
    now: number;
  }): Transfer | 'insufficient_funds' {
    const run = this.#db.transaction((): Transfer | 'insufficient_funds' => {
      const debit = this.#db
        .prepare(
          `UPDATE users SET balance_cents = balance_cents - @amount
           WHERE id = @userId AND balance_cents >= @amount`,
        )
        .run({ amount: input.amountCents, userId: input.userId });
      if (debit.changes !== 1) return 'insufficient_funds';
      const row: TransferRow = {
        id: randomUUID(),
        user_id: input.userId,
        recipient: input.recipient,
        amount_cents: input.amountCents,
        stepped_up: input.steppedUp ? 1 : 0,
        created_at: input.now,
      };
      this.#db
        .prepare(
          `INSERT INTO transfers (id, user_id, recipient, amount_cents, stepped_up, created_at)
           VALUES (@id, @user_id, @recipient, @amount_cents, @stepped_up, @created_at)`,
        )
        .run(row);
      return toTransfer(row);
    });
    return run.immediate();
  }

  /** The user's most recent transfers, newest first. */
  listTransfers(userId: string, limit = 10): Transfer[] {
    const rows = this.#db
      .prepare(
        'SELECT * FROM transfers WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      )
      .all(userId, limit) as TransferRow[];
    return rows.map(toTransfer);
  }

  findTransfer(userId: string, id: string): Transfer | null {
    const row = this.#db
      .prepare('SELECT * FROM transfers WHERE user_id = ? AND id = ?')
      .get(userId, id) as TransferRow | undefined;
    return row ? toTransfer(row) : null;
  }

  createPendingTransfer(input: {
    userId: string;
    recipient: string;
    amountCents: number;
    now: number;
    expiresAt: number;
  }): PendingTransfer {
    const row = {
      id: randomUUID(),
      user_id: input.userId,
      recipient: input.recipient,
      amount_cents: input.amountCents,
      created_at: input.now,
      expires_at: input.expiresAt,
    };
    this.#db
      .prepare(
        `INSERT INTO pending_transfers (id, user_id, recipient, amount_cents, created_at, expires_at)
         VALUES (@id, @user_id, @recipient, @amount_cents, @created_at, @expires_at)`,
      )
      .run(row);
    this.#db.prepare('DELETE FROM pending_transfers WHERE expires_at <= ?').run(input.now);
    return toPending(row);
  }

  /**
   * Takes a live pending transfer of this user out of the table, or returns null. One statement,
   * so a pending transfer is confirmed at most once even when two confirmations race.
   */
  consumePendingTransfer(userId: string, id: string, now: number): PendingTransfer | null {
    const row = this.#db
      .prepare(
        `DELETE FROM pending_transfers WHERE id = ? AND user_id = ? AND expires_at > ?
         RETURNING id, user_id, recipient, amount_cents, expires_at`,
      )
      .get(id, userId, now) as PendingRow | undefined;
    return row ? toPending(row) : null;
  }

  close(): void {
    this.#db.close();
  }
}
