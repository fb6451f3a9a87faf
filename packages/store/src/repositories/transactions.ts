/** The `transactions` table behind `TransactionsPort`. */
import type { Hint, TransactionRecord, TransactionsPort } from '@latchkey/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { StoreDialect } from '../create-store.ts';
import type { CeremoniesTable, CredentialsTable, Database, TransactionsTable } from '../schema.ts';
import {
  type AuditOfChangeArgs,
  auditOfChangeArgs,
  auditOfChangeRecord,
  createAuditRepository,
  insertAuditOfChange,
} from './audit.ts';
import { CEREMONY_COLUMNS, insertCeremonyQuery, toCeremonyRow } from './ceremonies.ts';
import { fromFlag, fromJson, toFlag, toJson } from './codec.ts';
import { credentialsOfUserQuery, toCredentialRecord } from './credentials.ts';
import { mergeArgs, prepare, prepareHeldWrite } from './prepared.ts';
import { type ColumnTypes, castValues, columnList } from './typed-select.ts';

/** Reads one `transactions` row. */
export function toTransactionRecord(row: Selectable<TransactionsTable>): TransactionRecord {
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

function toRow(
  transaction: Omit<TransactionRecord, 'userId'>,
  userId: string,
): Selectable<TransactionsTable> {
  return {
    id: transaction.id,
    app_id: transaction.appId,
    kind: transaction.kind,
    user_id: userId,
    passkey_display_name: transaction.passkeyDisplayName,
    expires_at: transaction.expiresAt,
    consumed_at: transaction.consumedAt,
    created_at: transaction.createdAt,
    hints: transaction.hints === null ? null : toJson(transaction.hints),
    upgrade: toFlag(transaction.upgrade),
    recovery: toFlag(transaction.recovery !== null),
    revoke_other_passkeys: toFlag(transaction.recovery?.revokeOtherPasskeys === true),
  };
}

/** The columns of `transactions` and their SQL types, for `INSERT … SELECT`. */
export const TRANSACTION_COLUMNS = {
  id: 'text',
  app_id: 'text',
  kind: 'text',
  user_id: 'text',
  passkey_display_name: 'text',
  expires_at: 'bigint',
  consumed_at: 'bigint',
  created_at: 'bigint',
  hints: 'text',
  upgrade: 'integer',
  recovery: 'integer',
  revoke_other_passkeys: 'integer',
} as const satisfies ColumnTypes<TransactionsTable>;

type CeremonyArgs = Selectable<CeremoniesTable> &
  AuditOfChangeArgs & {
    transactionId: string;
    transactionKind: string;
    requireCredentials: number;
    at: number;
  };

type HolderArgs = Selectable<TransactionsTable> & { externalId: string } & AuditOfChangeArgs;

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
  const audit = createAuditRepository(db);
  // PostgreSQL: the transaction consumed, its user's credentials read, the ceremony and its audit
  // event written (when there are credentials, where they are required): one statement.
  const consumeForCeremony =
    dialect === 'postgres'
      ? prepare(
          db,
          (a: CeremonyArgs) => sql<
            Selectable<TransactionsTable> & { credentials: Selectable<CredentialsTable>[] }
          >`WITH t AS (
              UPDATE transactions SET consumed_at = ${a.at}
              WHERE app_id = ${a.app_id} AND id = ${a.transactionId} AND kind = ${a.transactionKind}
                AND consumed_at IS NULL AND expires_at > ${a.at}
              RETURNING *
            ), creds AS (
              SELECT c.* FROM credentials c, t WHERE c.app_id = t.app_id AND c.user_id = t.user_id
            ), c AS (
              INSERT INTO ceremonies ${columnList(CEREMONY_COLUMNS)}
              SELECT ${castValues(CEREMONY_COLUMNS, a, { user_id: sql.ref('t.user_id') })} FROM t
              WHERE ${a.requireCredentials} = 0 OR EXISTS (SELECT 1 FROM creds)
              RETURNING user_id
            ), a AS (${insertAuditOfChange(a, sql`c`, { user_id: sql.ref('c.user_id') })})
            SELECT t.*, COALESCE((SELECT json_agg(creds ORDER BY creds.created_at, creds.id)
              FROM creds), '[]') AS credentials FROM t`,
        )
      : null;
  const consumeTransaction = prepare(
    db,
    (a: { appId: string; id: string; kind: string; at: number }) => sql<
      Selectable<TransactionsTable>
    >`UPDATE transactions SET consumed_at = ${a.at}
      WHERE app_id = ${a.appId} AND id = ${a.id} AND kind = ${a.kind}
        AND consumed_at IS NULL AND expires_at > ${a.at}
      RETURNING *`,
  );
  const credentialsOfUser = credentialsOfUserQuery(db);
  const insertCeremony = insertCeremonyQuery(db);
  // The user with this external id, if they hold a passkey.
  const passkeyHolder = (a: HolderArgs) => sql`SELECT u.id FROM users u
    WHERE u.app_id = ${a.app_id} AND u.external_id = ${a.externalId}
      AND EXISTS (SELECT 1 FROM credentials c WHERE c.app_id = u.app_id AND c.user_id = u.id)`;
  const insertFrom = (a: HolderArgs, source: ReturnType<typeof sql>) =>
    sql`INSERT INTO transactions ${columnList(TRANSACTION_COLUMNS)}
      SELECT ${castValues(TRANSACTION_COLUMNS, a, { user_id: sql.ref('u.id') })} FROM ${source}
      RETURNING user_id`;
  // PostgreSQL: the lookup, the insert and its audit event in one statement (one round trip).
  // SQLite cannot write in a WITH clause: the insert takes the lookup as its source, and the
  // audit event follows in process.
  const insertForHolder = prepare(db, (a: HolderArgs) =>
    dialect === 'postgres'
      ? sql<{ user_id: string }>`WITH u AS (${passkeyHolder(a)}),
          t AS (${insertFrom(a, sql`u`)}),
          a AS (${insertAuditOfChange(a, sql`t`, { user_id: sql.ref('t.user_id') })})
        SELECT user_id FROM t`
      : sql<{ user_id: string }>`${insertFrom(a, sql`(${passkeyHolder(a)}) u`)}`,
  );
  return {
    async insert(transaction) {
      await insert(toRow(transaction, transaction.userId));
    },

    async consume(appId, id, kind, at) {
      const [row] = (await consume({ appId, id, kind, at })).rows;
      return row ? toTransactionRecord(row) : null;
    },

    async consumeForCeremony(options) {
      const row = toCeremonyRow(options.ceremony, null);
      if (consumeForCeremony) {
        const [issued] = (
          await consumeForCeremony(
            mergeArgs<CeremonyArgs>(row, auditOfChangeArgs(options.audit), {
              at: options.at,
              transactionId: options.transactionId,
              transactionKind: options.kind,
              requireCredentials: options.requireCredentials ? 1 : 0,
            }),
          )
        ).rows;
        if (!issued) return null;
        return {
          transaction: toTransactionRecord(issued),
          credentials: issued.credentials.map(toCredentialRecord),
        };
      }
      const [consumed] = (
        await consumeTransaction({
          appId: options.appId,
          id: options.transactionId,
          kind: options.kind,
          at: options.at,
        })
      ).rows;
      if (!consumed) return null;
      const transaction = toTransactionRecord(consumed);
      const credentials = (
        await credentialsOfUser({ appId: options.appId, userId: transaction.userId })
      ).rows.map(toCredentialRecord);
      if (!options.requireCredentials || credentials.length > 0) {
        await insertCeremony(toCeremonyRow(options.ceremony, transaction.userId));
        await audit.append(auditOfChangeRecord(options.audit, transaction.userId, null));
      }
      return { transaction, credentials };
    },

    async insertForPasskeyHolder(externalId, transaction, event) {
      const args = mergeArgs<HolderArgs>(
        toRow(transaction, ''),
        { externalId },
        auditOfChangeArgs(event),
      );
      const [row] = (await insertForHolder(args)).rows;
      if (!row) return null;
      if (dialect !== 'postgres') await audit.append(auditOfChangeRecord(event, row.user_id, null));
      return row.user_id;
    },
  };
}
