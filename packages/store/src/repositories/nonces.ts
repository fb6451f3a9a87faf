/** The `nonces` table behind `NoncesPort`. */
import type { NonceRecord, NoncesPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, NoncesTable } from '../schema.ts';
import { fromFlag, toFlag } from './codec.ts';
import { prepare } from './prepared.ts';

function toRecord(row: Selectable<NoncesTable>): NonceRecord {
  return {
    hash: row.hash,
    appId: row.app_id,
    userId: row.user_id,
    kind: row.kind,
    credentialId: row.credential_id,
    userVerified: row.user_verified === null ? null : fromFlag(row.user_verified),
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Result nonces, stored in `nonces` by hash. */
export function createNoncesRepository(db: Kysely<Database>): NoncesPort {
  const insert = prepare(db, (n: Selectable<NoncesTable>) =>
    db.insertInto('nonces').values({
      hash: n.hash,
      app_id: n.app_id,
      user_id: n.user_id,
      kind: n.kind,
      credential_id: n.credential_id,
      user_verified: n.user_verified,
      expires_at: n.expires_at,
      consumed_at: n.consumed_at,
      created_at: n.created_at,
    }),
  );
  // Single statement: of any number of concurrent redemptions exactly one gets the row back.
  const consume = prepare(db, (a: { appId: string; hash: string; at: number }) =>
    db
      .updateTable('nonces')
      .set({ consumed_at: a.at })
      .where('app_id', '=', a.appId)
      .where('hash', '=', a.hash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', a.at)
      .returningAll(),
  );
  return {
    async insert(nonce) {
      await insert({
        hash: nonce.hash,
        app_id: nonce.appId,
        user_id: nonce.userId,
        kind: nonce.kind,
        credential_id: nonce.credentialId,
        user_verified: nonce.userVerified === null ? null : toFlag(nonce.userVerified),
        expires_at: nonce.expiresAt,
        consumed_at: nonce.consumedAt,
        created_at: nonce.createdAt,
      });
    },

    async consume(appId, hash, at) {
      const [row] = (await consume({ appId, hash, at })).rows;
      return row ? toRecord(row) : null;
    },
  };
}
