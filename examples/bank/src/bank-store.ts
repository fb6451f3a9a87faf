/**
 * The bank's own database: its users, sessions, transfers, and transfers held for a passkey or a
 * review. latchkey knows none of this; it only knows each user's id (the bank's user id is
 * latchkey's user id, for the flex API and the actions API alike), their passkeys, and the actions
 * the bank tracked.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { DemoMailbox } from './demo-mailbox.ts';
import type { PasswordHash } from './passwords.ts';
import { RecoveryRequests } from './recovery-requests.ts';

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

/** Why a transfer is held instead of sent. */
export const HOLD_REASONS = ['step_up', 'review'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * A transfer held server-side: until a passkey confirms it (`step_up`), or until someone reviews
 * it (`review`). Its id is the transfer's id, and latchkey's idempotency key for its action.
 */
export interface HeldTransfer {
  id: string;
  userId: string;
  recipient: string;
  amountCents: number;
  /** Whether the customer had never paid this recipient when the transfer was asked for. */
  isNewRecipient: boolean;
  reason: HoldReason;
  createdAt: number;
  /** When a step-up hold lapses; null for a review hold. */
  expiresAt: number | null;
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
  CREATE INDEX IF NOT EXISTS transfers_by_recipient ON transfers (user_id, recipient COLLATE NOCASE);
  CREATE TABLE IF NOT EXISTS held_transfers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    is_new_recipient INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('step_up', 'review')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER
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

interface HeldRow {
  id: string;
  user_id: string;
  recipient: string;
  amount_cents: number;
  is_new_recipient: number;
  reason: HoldReason;
  created_at: number;
  expires_at: number | null;
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

function toHeld(row: HeldRow): HeldTransfer {
  return {
    id: row.id,
    userId: row.user_id,
    recipient: row.recipient,
    amountCents: row.amount_cents,
    isNewRecipient: row.is_new_recipient === 1,
    reason: row.reason,
    createdAt: row.created_at,
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
  /** "I lost my passkey" requests, proved by an emailed code. */
  readonly recoveries: RecoveryRequests;
  /** What the bank would have emailed: the demo has no mail server. */
  readonly mailbox: DemoMailbox;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    this.recoveries = new RecoveryRequests(this.#db);
    this.mailbox = new DemoMailbox(this.#db);
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

  /** Ends every session of a user (after an account recovery: one may be the thief's). */
  deleteUserSessions(userId: string): number {
    return this.#db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  /**
   * Moves money out of the user's account in one SQLite transaction: the balance check and the
   * debit are one statement, so two transfers cannot both spend the same dollars. The id is the
   * one the transfer was tracked with in latchkey.
   */
  transfer(input: {
    id: string;
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
        id: input.id,
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

  /** Whether the user has sent money to this recipient before (names compared without case). */
  hasPaid(userId: string, recipient: string): boolean {
    const row = this.#db
      .prepare('SELECT 1 FROM transfers WHERE user_id = ? AND recipient = ? COLLATE NOCASE LIMIT 1')
      .get(userId, recipient);
    return row !== undefined;
  }

  /** Holds a transfer (under its own id) and sweeps lapsed step-up holds. */
  holdTransfer(input: Omit<HeldTransfer, 'createdAt'> & { now: number }): HeldTransfer {
    const row: HeldRow = {
      id: input.id,
      user_id: input.userId,
      recipient: input.recipient,
      amount_cents: input.amountCents,
      is_new_recipient: input.isNewRecipient ? 1 : 0,
      reason: input.reason,
      created_at: input.now,
      expires_at: input.expiresAt,
    };
    this.#db
      .prepare(
        `INSERT INTO held_transfers
           (id, user_id, recipient, amount_cents, is_new_recipient, reason, created_at, expires_at)
         VALUES (@id, @user_id, @recipient, @amount_cents, @is_new_recipient, @reason, @created_at,
           @expires_at)`,
      )
      .run(row);
    this.#db.prepare('DELETE FROM held_transfers WHERE expires_at <= ?').run(input.now);
    return toHeld(row);
  }

  /**
   * Takes a live step-up hold of this user out of the table, or returns null. One statement, so a
   * held transfer is confirmed at most once even when two confirmations race.
   */
  takeStepUpHold(userId: string, id: string, now: number): HeldTransfer | null {
    const row = this.#db
      .prepare(
        `DELETE FROM held_transfers
         WHERE id = ? AND user_id = ? AND reason = 'step_up' AND expires_at > ?
         RETURNING *`,
      )
      .get(id, userId, now) as HeldRow | undefined;
    return row ? toHeld(row) : null;
  }

  /** The user's transfers held for review, newest first. */
  listReviewHolds(userId: string): HeldTransfer[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM held_transfers WHERE user_id = ? AND reason = 'review'
         ORDER BY created_at DESC, rowid DESC`,
      )
      .all(userId) as HeldRow[];
    return rows.map(toHeld);
  }

  close(): void {
    this.#db.close();
  }
}
