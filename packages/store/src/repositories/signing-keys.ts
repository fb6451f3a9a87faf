/** The `signing_keys` table behind `SigningKeysPort`. */
import type { SigningKeyRecord, SigningKeysPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.ts';

function toRecord(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    algorithm: row.algorithm,
    privateJwk: row.private_jwk,
    createdAt: Number(row.created_at),
    retiresAt: row.retires_at === null ? null : Number(row.retires_at),
  };
}

/** Session-token signing keys, a few per app. */
export function createSigningKeysRepository(db: Kysely<Database>): SigningKeysPort {
  return {
    async insert(key) {
      await db
        .insertInto('signing_keys')
        .values({
          id: key.id,
          app_id: key.appId,
          algorithm: key.algorithm,
          private_jwk: key.privateJwk,
          created_at: key.createdAt,
          retires_at: key.retiresAt,
        })
        .execute();
    },

    async listPublished(appId, at) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('app_id', '=', appId)
        .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', at)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async retireOthers(appId, keepId, retiresAt) {
      const result = await db
        .updateTable('signing_keys')
        .set({ retires_at: retiresAt })
        .where('app_id', '=', appId)
        .where('id', '<>', keepId)
        .where('retires_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
