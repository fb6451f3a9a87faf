/**
 * Account recovery: a register transaction, and the ceremony it starts, may be a recovery
 * (`recovery`) that revokes the user's other passkeys or keeps them (`revoke_other_passkeys`); a
 * user remembers when a recovery last revoked their passkeys (`users.recovered_at`), so that a
 * registration begun before it cannot add a passkey after it. Rows from before are no recovery:
 * 0 and null. Frozen once released.
 */
import type { Kysely } from 'kysely';

/** The 0/1 columns, each with the default every existing row gets. */
const FLAGS = [
  ['transactions', 'recovery'],
  ['transactions', 'revoke_other_passkeys'],
  ['ceremonies', 'recovery'],
  ['ceremonies', 'revoke_other_passkeys'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time, and a NOT NULL column only
  // with a default.
  for (const [table, column] of FLAGS) {
    await db.schema
      .alterTable(table)
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await db.schema.alterTable('users').addColumn('recovered_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('recovered_at').execute();
  for (const [table, column] of [...FLAGS].reverse()) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
