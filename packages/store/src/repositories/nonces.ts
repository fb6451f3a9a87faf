/** The `nonces` table behind `NoncesPort`. */
import type { NonceRecord, NoncesPort } from '@latchkey/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { StoreDialect } from '../create-store.ts';
import type { Database, NoncesTable, UsersTable } from '../schema.ts';
import { fromFlag, toFlag } from './codec.ts';
import { prepare, prepareHeldWrite } from './prepared.ts';
import { toUserRecord, userByIdQuery } from './users.ts';

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
export function createNoncesRepository(db: Kysely<Database>, dialect: StoreDialect): NoncesPort {
  const insert = prepareHeldWrite(db, (n: Selectable<NoncesTable>) =>
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
  type ConsumeArgs = { appId: string; hash: string; at: number };
  // Single statement: of any number of concurrent redemptions exactly one gets the row back.
  const consuming = (a: ConsumeArgs) =>
    db
      .updateTable('nonces')
      .set({ consumed_at: a.at })
      .where('app_id', '=', a.appId)
      .where('hash', '=', a.hash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', a.at)
      .returningAll();
  const consume = prepare(db, consuming);
  const userById = userByIdQuery(db);
  // PostgreSQL: the user comes back with the consumed nonce (one round trip).
  const redeem =
    dialect === 'postgres'
      ? prepare(db, (a: ConsumeArgs) =>
          db
            .with('n', () => consuming(a))
            .selectFrom('n')
            .selectAll('n')
            .select(
              sql<Selectable<UsersTable> | null>`(SELECT row_to_json(u) FROM users u
                WHERE u.app_id = n.app_id AND u.id = n.user_id)`.as('user'),
            ),
        )
      : null;
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

    async redeem(appId, hash, at) {
      if (redeem) {
        const [row] = (await redeem({ appId, hash, at })).rows;
        return row
          ? { nonce: toRecord(row), user: row.user ? toUserRecord(row.user) : null }
          : null;
      }
      const [row] = (await consume({ appId, hash, at })).rows;
      if (!row) return null;
      const [user] = (await userById({ appId, id: row.user_id })).rows;
      return { nonce: toRecord(row), user: user ? toUserRecord(user) : null };
    },
  };
}
