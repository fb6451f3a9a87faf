/**
 * The demo's mailbox. The demo has no mail server: what the bank would email (a recovery code) is
 * kept here and shown on the page, in a box labelled as the demo's. A real bank sends it to the
 * address and never shows it on the page.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS demo_mailbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL COLLATE NOCASE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS demo_mailbox_by_recipient ON demo_mailbox (recipient, sent_at);
`;

/** One email the bank "sent". */
export interface DemoEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  sentAt: number;
}

/**
 * @example
 * mailbox.send({ to: 'ada@example.com', subject: 'Your code', body: '…', now: Date.now() });
 */
export class DemoMailbox {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  send(input: { to: string; subject: string; body: string; now: number }): DemoEmail {
    const email: DemoEmail = {
      id: randomUUID(),
      to: input.to,
      subject: input.subject,
      body: input.body,
      sentAt: input.now,
    };
    this.#db
      .prepare(
        'INSERT INTO demo_mailbox (id, recipient, subject, body, sent_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(email.id, email.to, email.subject, email.body, email.sentAt);
    return email;
  }

  /** The newest emails to an address, newest first. */
  inbox(to: string, limit = 3): DemoEmail[] {
    const rows = this.#db
      .prepare(
        `SELECT id, recipient AS "to", subject, body, sent_at AS sentAt FROM demo_mailbox
         WHERE recipient = ? ORDER BY sent_at DESC, rowid DESC LIMIT ?`,
      )
      .all(to, limit) as DemoEmail[];
    return rows;
  }
}
