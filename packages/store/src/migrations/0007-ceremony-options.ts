/**
 * Ceremony options: a transaction may carry its own WebAuthn hints and be an automatic passkey
 * upgrade (`transactions.hints`, `transactions.upgrade`); a ceremony remembers that it is a
 * conditional create (`ceremonies.conditional`), the one kind whose response may lack user
 * presence; a credential remembers that an upgrade made it and whether the browser reported PRF
 * enabled (`credentials.created_by_upgrade`, `credentials.prf_enabled`). Rows from before have
 * none of these: 0 and null. Frozen once released.
 */
import type { Kysely } from 'kysely';

/** The 0/1 columns, each with the default every existing row gets. */
const FLAGS = [
  ['transactions', 'upgrade'],
  ['ceremonies', 'conditional'],
  ['credentials', 'created_by_upgrade'],
  ['credentials', 'prf_enabled'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time, and a NOT NULL column only
  // with a default.
  await db.schema.alterTable('transactions').addColumn('hints', 'text').execute();
  for (const [table, column] of FLAGS) {
    await db.schema
      .alterTable(table)
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of [...FLAGS].reverse()) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.alterTable('transactions').dropColumn('hints').execute();
}
