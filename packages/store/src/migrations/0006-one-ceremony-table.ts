/**
 * One ceremony table for every product: `ceremonies` gains a `binding` (transaction, action or
 * none) with the action's id, code and attributes hash, and the rows of `step_up_ceremonies` move
 * into it, in flight or not, so that a step-up started before the upgrade can still be finished
 * after it. The attributes hash of a moved row is its action's (the challenge itself commits to the
 * attributes, and that is what a finish checks). Frozen once released.
 */
import { type Kysely, sql } from 'kysely';

const ACTION_COLUMNS = ['action_id', 'action_code', 'attributes_hash'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A default, because SQLite adds a NOT NULL column only with one; every row then gets its own.
  await db.schema
    .alterTable('ceremonies')
    .addColumn('binding', 'text', (c) => c.notNull().defaultTo('none'))
    .execute();
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const column of ACTION_COLUMNS) {
    await db.schema.alterTable('ceremonies').addColumn(column, 'text').execute();
  }
  await sql`UPDATE ceremonies SET binding = 'transaction' WHERE transaction_id IS NOT NULL`.execute(
    db,
  );
  await sql`
    INSERT INTO ceremonies (id, app_id, kind, challenge, user_id, binding, transaction_id,
      action_id, action_code, attributes_hash, user_verification_required, expires_at,
      consumed_at, created_at)
    SELECT s.id, s.app_id, s.kind, s.challenge, s.user_id, 'action', NULL,
      s.action_id, s.action_code,
      (SELECT a.attributes_hash FROM actions a WHERE a.app_id = s.app_id AND a.id = s.action_id),
      1, s.expires_at, s.consumed_at, s.created_at
    FROM step_up_ceremonies s
  `.execute(db);
  await db.schema.dropTable('step_up_ceremonies').execute();
}

/** Moves the action-bound rows back into a `step_up_ceremonies` table as 0002 made it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('step_up_ceremonies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text')
    .addColumn('action_code', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('step_up_ceremonies_expires_idx')
    .on('step_up_ceremonies')
    .column('expires_at')
    .execute();
  await sql`
    INSERT INTO step_up_ceremonies (id, app_id, kind, action_id, action_code, user_id, challenge,
      expires_at, consumed_at, created_at)
    SELECT id, app_id, kind, action_id, action_code, user_id, challenge, expires_at, consumed_at,
      created_at
    FROM ceremonies WHERE binding = 'action'
  `.execute(db);
  await sql`DELETE FROM ceremonies WHERE binding = 'action'`.execute(db);
  for (const column of [...ACTION_COLUMNS, 'binding']) {
    await db.schema.alterTable('ceremonies').dropColumn(column).execute();
  }
}
