/** The `nonces` table behind `NoncesPort`. */
import type { NonceRecord, NoncesPort } from '@latchkey/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { StoreDialect } from '../create-store.ts';
import type { Database, NoncesTable, UsersTable } from '../schema.ts';
import {
  type AuditOfChangeArgs,
  auditOfChangeArgs,
  auditOfChangeRecord,
  createAuditRepository,
  insertAuditOfChange,
} from './audit.ts';
import { fromFlag, toFlag } from './codec.ts';
import { mergeArgs, prepare, prepareHeldWrite } from './prepared.ts';
import type { ColumnTypes } from './typed-select.ts';
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

/** The `nonces` row of a record. */
export function toNonceRow(nonce: NonceRecord): Selectable<NoncesTable> {
  return {
    hash: nonce.hash,
    app_id: nonce.appId,
    user_id: nonce.userId,
    kind: nonce.kind,
    credential_id: nonce.credentialId,
    user_verified: nonce.userVerified === null ? null : toFlag(nonce.userVerified),
    expires_at: nonce.expiresAt,
    consumed_at: nonce.consumedAt,
    created_at: nonce.createdAt,
  };
}

/** The columns of `nonces` and their SQL types, for `INSERT … SELECT`. */
export const NONCE_COLUMNS = {
  hash: 'text',
  app_id: 'text',
  user_id: 'text',
  kind: 'text',
  credential_id: 'text',
  user_verified: 'integer',
  expires_at: 'bigint',
  consumed_at: 'bigint',
  created_at: 'bigint',
} as const satisfies ColumnTypes<NoncesTable>;

/** Writes a new nonce; held until the next flush where the store holds writes. */
export function insertNonceQuery(db: Kysely<Database>) {
  return prepareHeldWrite(db, (n: Selectable<NoncesTable>) =>
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
}

/** Result nonces, stored in `nonces` by hash. */
export function createNoncesRepository(db: Kysely<Database>, dialect: StoreDialect): NoncesPort {
  const insert = insertNonceQuery(db);
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
  // PostgreSQL, with the redemption's audit event: written by the same statement, only when the
  // nonce was redeemed and its user exists, with the nonce's user, credential and kind.
  const redeemAudited =
    dialect === 'postgres'
      ? prepare(
          db,
          (a: ConsumeArgs & AuditOfChangeArgs) => sql<
            Selectable<NoncesTable> & { user: Selectable<UsersTable> | null }
          >`WITH n AS (
              UPDATE nonces SET consumed_at = ${a.at}
              WHERE app_id = ${a.appId} AND hash = ${a.hash} AND consumed_at IS NULL
                AND expires_at > ${a.at}
              RETURNING *
            ), u AS (
              SELECT u.* FROM users u, n WHERE u.app_id = n.app_id AND u.id = n.user_id
            ), a AS (${insertAuditOfChange(
              a,
              sql`n`,
              {
                user_id: sql.ref('n.user_id'),
                credential_id: sql.ref('n.credential_id'),
                data: sql`(COALESCE(CAST(${a.audit_data} AS jsonb), '{}'::jsonb)
                  || jsonb_build_object('kind', n.kind))::text`,
              },
              sql`EXISTS (SELECT 1 FROM u)`,
            )})
            SELECT n.*, (SELECT row_to_json(u) FROM u) AS "user" FROM n`,
        )
      : null;
  const audit = createAuditRepository(db);
  return {
    async insert(nonce) {
      await insert(toNonceRow(nonce));
    },

    async consume(appId, hash, at) {
      const [row] = (await consume({ appId, hash, at })).rows;
      return row ? toRecord(row) : null;
    },

    async redeem(appId, hash, at, event) {
      if (redeem && redeemAudited) {
        const [row] = event
          ? (await redeemAudited(mergeArgs({ appId, hash, at }, auditOfChangeArgs(event)))).rows
          : (await redeem({ appId, hash, at })).rows;
        return row
          ? { nonce: toRecord(row), user: row.user ? toUserRecord(row.user) : null }
          : null;
      }
      const [row] = (await consume({ appId, hash, at })).rows;
      if (!row) return null;
      const [user] = (await userById({ appId, id: row.user_id })).rows;
      if (event && user) {
        await audit.append(
          auditOfChangeRecord(event, row.user_id, row.credential_id, {
            ...event.data,
            kind: row.kind,
          }),
        );
      }
      return { nonce: toRecord(row), user: user ? toUserRecord(user) : null };
    },
  };
}
