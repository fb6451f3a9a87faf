/** The `credentials` table behind `CredentialsPort`. */
import type { CredentialRecord, CredentialsPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { CredentialsTable, Database } from '../schema.ts';
import { fromFlag, fromJson, toFlag, toJson, touched } from './codec.ts';

function toRecord(row: Selectable<CredentialsTable>): CredentialRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    algorithm: Number(row.algorithm),
    counter: Number(row.counter),
    transports: fromJson<string[]>(row.transports),
    aaguid: row.aaguid,
    backupEligible: fromFlag(row.backup_eligible),
    backupState: fromFlag(row.backup_state),
    attachment: row.attachment,
    type: row.type,
    friendlyName: row.friendly_name,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    usageCount: Number(row.usage_count),
  };
}

/** Registered credentials (devices), stored in `credentials`, unique per app by credential id. */
export function createCredentialsRepository(db: Kysely<Database>): CredentialsPort {
  return {
    async insert(credential) {
      // DO NOTHING on the (app, credential id) index only: a duplicate registration is an expected
      // outcome reported as false, while any other conflict is a bug and should throw.
      const inserted = await db
        .insertInto('credentials')
        .values({
          id: credential.id,
          app_id: credential.appId,
          user_id: credential.userId,
          credential_id: credential.credentialId,
          public_key: credential.publicKey,
          algorithm: credential.algorithm,
          counter: credential.counter,
          transports: toJson(credential.transports),
          aaguid: credential.aaguid,
          backup_eligible: toFlag(credential.backupEligible),
          backup_state: toFlag(credential.backupState),
          attachment: credential.attachment,
          type: credential.type,
          friendly_name: credential.friendlyName,
          created_at: credential.createdAt,
          updated_at: credential.updatedAt,
          last_used_at: credential.lastUsedAt,
          usage_count: credential.usageCount,
        })
        .onConflict((oc) => oc.columns(['app_id', 'credential_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async findByCredentialId(appId, credentialId) {
      const row = await db
        .selectFrom('credentials')
        .selectAll()
        .where('app_id', '=', appId)
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async findById(appId, id) {
      const row = await db
        .selectFrom('credentials')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async listByUser(appId, userId) {
      const rows = await db
        .selectFrom('credentials')
        .selectAll()
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async countByUser(appId, userId) {
      const row = await db
        .selectFrom('credentials')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },

    async recordUse(appId, id, use) {
      let update = db
        .updateTable('credentials')
        .set((eb) => ({
          counter: use.counter,
          backup_state: toFlag(use.backupState),
          last_used_at: use.at,
          usage_count: eb('usage_count', '+', 1),
        }))
        .where('app_id', '=', appId)
        .where('id', '=', id);
      // Compare-and-set in the statement itself: of two assertions racing with the same counter,
      // only the first write matches, so a cloned authenticator cannot slip through between a read
      // and a write. A zero counter means the authenticator does not count at all.
      if (use.enforceIncrease && use.counter > 0) {
        update = update.where('counter', '<', use.counter);
      }
      const result = await update.executeTakeFirst();
      return touched(result.numUpdatedRows);
    },

    async delete(appId, userId, id) {
      const result = await db
        .deleteFrom('credentials')
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return touched(result.numDeletedRows);
    },
  };
}
