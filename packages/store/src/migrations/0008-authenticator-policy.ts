/**
 * Authenticator policy: each credential records whether its AAGUID was attested (its attestation
 * chained to a root of the authenticator's FIDO metadata statement) or only self-reported; the
 * operator's FIDO MDS3 blobs are kept so that every instance reads the same metadata; an action
 * code, and a tracked action, may name what the passkey that meets its challenge must be.
 * Frozen once released.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Credentials registered before this migration were never checked against metadata.
  await db.schema
    .alterTable('credentials')
    .addColumn('aaguid_attested', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('authenticator_metadata')
    // The blob's own serial number (`no`): a newer blob always has a greater one.
    .addColumn('serial', 'bigint', (c) => c.primaryKey())
    .addColumn('next_update', 'text', (c) => c.notNull())
    .addColumn('entry_count', 'integer', (c) => c.notNull())
    // The JWS as loaded, verified before it was written.
    .addColumn('blob', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('action_configs').addColumn('passkey_requirement', 'text').execute();
  await db.schema.alterTable('actions').addColumn('passkey_requirement', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('actions').dropColumn('passkey_requirement').execute();
  await db.schema.alterTable('action_configs').dropColumn('passkey_requirement').execute();
  await db.schema.dropTable('authenticator_metadata').execute();
  await db.schema.alterTable('credentials').dropColumn('aaguid_attested').execute();
}
