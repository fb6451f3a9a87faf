/**
 * Tracked actions, their rules, state history, step-up tokens and step-up ceremonies. Written with
 * Kysely's schema builder only, so that the same migration runs on SQLite and PostgreSQL. Frozen
 * once released.
 */
import type { Kysely } from 'kysely';

/** Creates the actions tables and their indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('action_configs')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('action_code', 'text', (c) => c.notNull())
    .addColumn('default_outcome', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_configs_pk', ['app_id', 'action_code'])
    .execute();

  await db.schema
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    // A user's actions go with the user.
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('action_code', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('custom', 'text', (c) => c.notNull())
    .addColumn('attributes_hash', 'text')
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('ip_address', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('device_id', 'text')
    .addColumn('verified_by_credential_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('state_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('validated_at', 'bigint')
    // Idempotency: one action per key, whichever of several concurrent tracks inserts first.
    .addUniqueConstraint('actions_idempotency_unique', [
      'app_id',
      'user_id',
      'action_code',
      'idempotency_key',
    ])
    .execute();
  await db.schema
    .createIndex('actions_user_created_idx')
    .on('actions')
    .columns(['app_id', 'user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('action_state_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('rule_ids', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createIndex('action_state_changes_action_idx')
    .on('action_state_changes')
    .columns(['action_id', 'at'])
    .execute();

  // Tokens and ceremonies are short-lived and swept by expiry, without foreign keys (as nonces).
  await db.schema
    .createTable('step_up_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('action_code', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('step_up_tokens_expires_idx')
    .on('step_up_tokens')
    .column('expires_at')
    .execute();

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
}

/** Drops everything `up` created, children first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'step_up_ceremonies',
    'step_up_tokens',
    'action_state_changes',
    'actions',
    'action_configs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
