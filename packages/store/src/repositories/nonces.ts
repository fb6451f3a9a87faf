/** The `nonces` table behind `NoncesPort`. */
import type { NonceRecord, NoncesPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, NoncesTable } from '../schema.ts';

function toRecord(row: Selectable<NoncesTable>): NonceRecord {
  return {
    hash: row.hash,
    appId: row.app_id,
    userId: row.user_id,
    kind: row.kind,
    credentialId: row.credential_id,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Result nonces, stored in `nonces` by hash. */
export function createNoncesRepository(db: Kysely<Database>): NoncesPort {
  return {
    async insert(nonce) {
      await db
        .insertInto('nonces')
        .values({
          hash: nonce.hash,
          app_id: nonce.appId,
          user_id: nonce.userId,
          kind: nonce.kind,
          credential_id: nonce.credentialId,
          expires_at: nonce.expiresAt,
          consumed_at: nonce.consumedAt,
          created_at: nonce.createdAt,
        })
        .execute();
    },

    async consume(appId, hash, at) {
      // Single statement: of any number of concurrent redemptions exactly one gets the row back.
      const row = await db
        .updateTable('nonces')
        .set({ consumed_at: at })
        .where('app_id', '=', appId)
        .where('hash', '=', hash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', at)
        .returningAll()
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },
  };
}
