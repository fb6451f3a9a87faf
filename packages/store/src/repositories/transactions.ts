/** The `transactions` table behind `TransactionsPort`. */
import type { Hint, TransactionRecord, TransactionsPort } from '@latchkey/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { StoreDialect } from '../create-store.ts';
import type { CredentialsTable, Database, TransactionsTable } from '../schema.ts';
import { fromFlag, fromJson, toFlag, toJson } from './codec.ts';
import { credentialsOfUserQuery, toCredentialRecord } from './credentials.ts';
import { prepare, prepareHeldWrite } from './prepared.ts';

function toRecord(row: Selectable<TransactionsTable>): TransactionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    userId: row.user_id,
    passkeyDisplayName: row.passkey_display_name,
    hints: row.hints === null ? null : fromJson<Hint[]>(row.hints),
    upgrade: fromFlag(row.upgrade),
    recovery: fromFlag(row.recovery)
      ? { revokeOtherPasskeys: fromFlag(row.revoke_other_passkeys) }
      : null,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Ceremony transactions, stored in `transactions`. */
export function createTransactionsRepository(
  db: Kysely<Database>,
  dialect: StoreDialect,
): TransactionsPort {
  const insert = prepareHeldWrite(db, (t: Selectable<TransactionsTable>) =>
    db.insertInto('transactions').values({
      id: t.id,
      app_id: t.app_id,
      kind: t.kind,
      user_id: t.user_id,
      passkey_display_name: t.passkey_display_name,
      expires_at: t.expires_at,
      consumed_at: t.consumed_at,
      created_at: t.created_at,
      hints: t.hints,
      upgrade: t.upgrade,
      recovery: t.recovery,
      revoke_other_passkeys: t.revoke_other_passkeys,
    }),
  );
  type ConsumeArgs = { appId: string; id: string; kind: TransactionsTable['kind']; at: number };
  // Single statement: the conditions and the write cannot be separated by a concurrent caller.
  const consuming = (a: ConsumeArgs) =>
    db
      .updateTable('transactions')
      .set({ consumed_at: a.at })
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .where('kind', '=', a.kind)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', a.at)
      .returningAll();
  const consume = prepare(db, consuming);
  const credentialsOfUser = credentialsOfUserQuery(db);
  // PostgreSQL: the user's credentials come back with the consumed row (one round trip), and only
  // when it was consumed. SQLite runs the two statements in process.
  const consumeWithCredentials =
    dialect === 'postgres'
      ? prepare(db, (a: ConsumeArgs) =>
          db
            .with('t', () => consuming(a))
            .selectFrom('t')
            .selectAll('t')
            .select(
              sql<
                Selectable<CredentialsTable>[]
              >`COALESCE((SELECT json_agg(c ORDER BY c.created_at, c.id)
                FROM credentials c WHERE c.app_id = t.app_id AND c.user_id = t.user_id), '[]')`.as(
                'credentials',
              ),
            ),
        )
      : null;
  return {
    async insert(transaction) {
      await insert({
        id: transaction.id,
        app_id: transaction.appId,
        kind: transaction.kind,
        user_id: transaction.userId,
        passkey_display_name: transaction.passkeyDisplayName,
        expires_at: transaction.expiresAt,
        consumed_at: transaction.consumedAt,
        created_at: transaction.createdAt,
        hints: transaction.hints === null ? null : toJson(transaction.hints),
        upgrade: toFlag(transaction.upgrade),
        recovery: toFlag(transaction.recovery !== null),
        revoke_other_passkeys: toFlag(transaction.recovery?.revokeOtherPasskeys === true),
      });
    },

    async consume(appId, id, kind, at) {
      const [row] = (await consume({ appId, id, kind, at })).rows;
      return row ? toRecord(row) : null;
    },

    async consumeWithCredentials(appId, id, kind, at) {
      if (consumeWithCredentials) {
        const [row] = (await consumeWithCredentials({ appId, id, kind, at })).rows;
        return row
          ? { transaction: toRecord(row), credentials: row.credentials.map(toCredentialRecord) }
          : null;
      }
      const [row] = (await consume({ appId, id, kind, at })).rows;
      if (!row) return null;
      const { rows } = await credentialsOfUser({ appId, userId: row.user_id });
      return { transaction: toRecord(row), credentials: rows.map(toCredentialRecord) };
    },
  };
}
