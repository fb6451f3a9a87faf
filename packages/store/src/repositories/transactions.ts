/** The `transactions` table behind `TransactionsPort`. */
import type { TransactionRecord, TransactionsPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, TransactionsTable } from '../schema.ts';

function toRecord(row: Selectable<TransactionsTable>): TransactionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    userId: row.user_id,
    passkeyDisplayName: row.passkey_display_name,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Ceremony transactions, stored in `transactions`. */
export function createTransactionsRepository(db: Kysely<Database>): TransactionsPort {
  return {
    async insert(transaction) {
      await db
        .insertInto('transactions')
        .values({
          id: transaction.id,
          app_id: transaction.appId,
          kind: transaction.kind,
          user_id: transaction.userId,
          passkey_display_name: transaction.passkeyDisplayName,
          expires_at: transaction.expiresAt,
          consumed_at: transaction.consumedAt,
          created_at: transaction.createdAt,
        })
        .execute();
    },

    async consume(appId, id, kind, at) {
      // Single statement: the conditions and the write cannot be separated by a concurrent caller.
      const row = await db
        .updateTable('transactions')
        .set({ consumed_at: at })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('kind', '=', kind)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', at)
        .returningAll()
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },
  };
}
