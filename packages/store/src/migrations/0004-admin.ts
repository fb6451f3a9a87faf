/**
 * The admin surface: operator tokens and console sessions (both stored by hash), and an index for
 * the operators' audit search across apps by time. Frozen once released.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operator_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('operator_sessions')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  // The sweeper and the session check both look sessions up by expiry.
  await db.schema
    .createIndex('operator_sessions_expires_idx')
    .on('operator_sessions')
    .column('expires_at')
    .execute();
  // The audit search without an app (every app, newest first).
  await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
  // The actions view: an app's actions newest first, without a user.
  await db.schema
    .createIndex('actions_app_created_idx')
    .on('actions')
    .columns(['app_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('actions_app_created_idx').execute();
  await db.schema.dropIndex('audit_events_at_idx').execute();
  await db.schema.dropTable('operator_sessions').execute();
  await db.schema.dropTable('operator_tokens').execute();
}
