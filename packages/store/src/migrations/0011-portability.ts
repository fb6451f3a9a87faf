/**
 * An index on `credentials.credential_id` alone: an import asks, for every passkey it brings,
 * whether any app already has its credential id (a passkey is never copied across apps), and the
 * (app, credential id) index cannot answer that without the app. Frozen once released.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('credentials_credential_id_idx')
    .on('credentials')
    .column('credential_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('credentials_credential_id_idx').execute();
}
