/**
 * Session tokens: `signing_keys` holds each app's JWT signing keys (the active one and those still
 * published after a rotation), and nonces and step-up tokens remember whether their ceremony
 * verified the user, which a session token states. Frozen once released.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retires_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('signing_keys_app_idx')
    .on('signing_keys')
    .columns(['app_id', 'created_at'])
    .execute();
  // Rows from before this migration have no answer: null, and no token claims UV for them.
  await db.schema.alterTable('nonces').addColumn('user_verified', 'integer').execute();
  await db.schema.alterTable('step_up_tokens').addColumn('user_verified', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('step_up_tokens').dropColumn('user_verified').execute();
  await db.schema.alterTable('nonces').dropColumn('user_verified').execute();
  await db.schema.dropTable('signing_keys').execute();
}
