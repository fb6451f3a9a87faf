/** The `authenticator_metadata` table behind `AuthenticatorMetadataPort`. */
import type { AuthenticatorMetadataPort, MetadataBlobRecord } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { AuthenticatorMetadataTable, Database } from '../schema.ts';

function toRecord(row: Selectable<AuthenticatorMetadataTable>): MetadataBlobRecord {
  return {
    serial: Number(row.serial),
    nextUpdate: row.next_update,
    entryCount: Number(row.entry_count),
    blob: row.blob,
    loadedAt: Number(row.loaded_at),
  };
}

/** Verified FIDO MDS3 blobs; only the newest is kept once a newer one is stored. */
export function createAuthenticatorMetadataRepository(
  db: Kysely<Database>,
): AuthenticatorMetadataPort {
  return {
    async latestSerial() {
      const row = await db
        .selectFrom('authenticator_metadata')
        .select((eb) => eb.fn.max('serial').as('serial'))
        .executeTakeFirst();
      return row?.serial === null || row?.serial === undefined ? null : Number(row.serial);
    },
    async findLatest() {
      const row = await db
        .selectFrom('authenticator_metadata')
        .selectAll()
        .orderBy('serial', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async insert(record) {
      return db.transaction().execute(async (trx) => {
        const newer = await trx
          .selectFrom('authenticator_metadata')
          .select('serial')
          .where('serial', '>=', record.serial)
          .executeTakeFirst();
        if (newer !== undefined) return false;
        // Of two loaders racing with one serial, the primary key lets one write it.
        const inserted = await trx
          .insertInto('authenticator_metadata')
          .values({
            serial: record.serial,
            next_update: record.nextUpdate,
            entry_count: record.entryCount,
            blob: record.blob,
            loaded_at: record.loadedAt,
          })
          .onConflict((oc) => oc.column('serial').doNothing())
          .returning('serial')
          .executeTakeFirst();
        if (inserted === undefined) return false;
        // Readers always take the greatest serial, so dropping the older blobs is only tidying.
        await trx
          .deleteFrom('authenticator_metadata')
          .where('serial', '<', record.serial)
          .execute();
        return true;
      });
    },
  };
}
