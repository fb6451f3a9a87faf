/** The `ceremonies` table behind `CeremoniesPort`: the ceremonies of every product and binding. */
import type {
  CeremoniesPort,
  CeremonyBinding,
  CeremonyBindingType,
  CeremonyRecord,
} from '@latchkey/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { StoreDialect } from '../create-store.ts';
import type { CeremoniesTable, CredentialsTable, Database } from '../schema.ts';
import { fromFlag, toFlag } from './codec.ts';
import { credentialByCredentialIdQuery, toCredentialRecord } from './credentials.ts';
import { mergeArgs, type PreparedQuery, prepare, prepareHeldWrite } from './prepared.ts';
import type { ColumnTypes } from './typed-select.ts';

function toBinding(row: Selectable<CeremoniesTable>): CeremonyBinding {
  if (row.binding === 'transaction' && row.transaction_id !== null) {
    return { type: 'transaction', transactionId: row.transaction_id };
  }
  if (row.binding === 'action' && row.action_code !== null) {
    return {
      type: 'action',
      actionId: row.action_id,
      actionCode: row.action_code,
      attributesHash: row.attributes_hash,
    };
  }
  return { type: 'none' };
}

function toRecord(row: Selectable<CeremoniesTable>): CeremonyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    challenge: row.challenge,
    userId: row.user_id,
    binding: toBinding(row),
    userVerificationRequired: fromFlag(row.user_verification_required),
    conditional: fromFlag(row.conditional),
    recovery: fromFlag(row.recovery)
      ? { revokeOtherPasskeys: fromFlag(row.revoke_other_passkeys) }
      : null,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** The `ceremonies` row of a record. */
export function toCeremonyRow(
  ceremony: Omit<CeremonyRecord, 'userId'>,
  userId: string | null,
): Selectable<CeremoniesTable> {
  const { binding } = ceremony;
  return {
    id: ceremony.id,
    app_id: ceremony.appId,
    kind: ceremony.kind,
    challenge: ceremony.challenge,
    user_id: userId,
    binding: binding.type,
    transaction_id: binding.type === 'transaction' ? binding.transactionId : null,
    action_id: binding.type === 'action' ? binding.actionId : null,
    action_code: binding.type === 'action' ? binding.actionCode : null,
    attributes_hash: binding.type === 'action' ? binding.attributesHash : null,
    user_verification_required: toFlag(ceremony.userVerificationRequired),
    expires_at: ceremony.expiresAt,
    consumed_at: ceremony.consumedAt,
    created_at: ceremony.createdAt,
    conditional: toFlag(ceremony.conditional),
    recovery: toFlag(ceremony.recovery !== null),
    revoke_other_passkeys: toFlag(ceremony.recovery?.revokeOtherPasskeys === true),
  };
}

type ConsumeArgs = { appId: string; id: string; at: number } & Record<string, unknown>;

/** The columns of `ceremonies` and their SQL types, for `INSERT … SELECT`. */
export const CEREMONY_COLUMNS = {
  id: 'text',
  app_id: 'text',
  kind: 'text',
  challenge: 'text',
  user_id: 'text',
  binding: 'text',
  transaction_id: 'text',
  action_id: 'text',
  action_code: 'text',
  attributes_hash: 'text',
  user_verification_required: 'integer',
  expires_at: 'bigint',
  consumed_at: 'bigint',
  created_at: 'bigint',
  conditional: 'integer',
  recovery: 'integer',
  revoke_other_passkeys: 'integer',
} as const satisfies ColumnTypes<CeremoniesTable>;

/** Writes a new ceremony; held until the next flush where the store holds writes. */
export function insertCeremonyQuery(db: Kysely<Database>) {
  return prepareHeldWrite(db, (c: Selectable<CeremoniesTable>) =>
    db.insertInto('ceremonies').values({
      id: c.id,
      app_id: c.app_id,
      kind: c.kind,
      challenge: c.challenge,
      user_id: c.user_id,
      binding: c.binding,
      transaction_id: c.transaction_id,
      action_id: c.action_id,
      action_code: c.action_code,
      attributes_hash: c.attributes_hash,
      user_verification_required: c.user_verification_required,
      expires_at: c.expires_at,
      consumed_at: c.consumed_at,
      created_at: c.created_at,
      conditional: c.conditional,
      recovery: c.recovery,
      revoke_other_passkeys: c.revoke_other_passkeys,
    }),
  );
}

/** WebAuthn ceremonies (issued challenges) of every binding, stored in `ceremonies`. */
export function createCeremoniesRepository(
  db: Kysely<Database>,
  dialect: StoreDialect,
): CeremoniesPort {
  const insert = insertCeremonyQuery(db);
  const findUnconsumed = prepare(db, (a: { appId: string; id: string }) =>
    db
      .selectFrom('ceremonies')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .where('consumed_at', 'is', null),
  );
  // One statement decides the winner. No expiry filter on purpose: an expired challenge is burnt as
  // well, and the caller reports it as expired rather than unknown. The binding filter keeps a
  // finish of one product from burning another product's ceremony.
  const burning = (bindings: readonly CeremonyBindingType[], a: ConsumeArgs) =>
    db
      .updateTable('ceremonies')
      .set({ consumed_at: a.at })
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .where('consumed_at', 'is', null)
      .where(
        'binding',
        'in',
        bindings.map((_, i) => a[`binding${i}`] as CeremonyBindingType),
      )
      .returningAll();
  // One prepared statement per list of bindings (a finish asks for one of two lists).
  const perBindings = <R>(
    build: (bindings: readonly CeremonyBindingType[]) => PreparedQuery<ConsumeArgs, R>,
  ) => {
    const prepared = new Map<string, PreparedQuery<ConsumeArgs, R>>();
    return (bindings: readonly CeremonyBindingType[]) => {
      const key = bindings.join(',');
      let query = prepared.get(key);
      if (!query) {
        query = build(bindings);
        prepared.set(key, query);
      }
      return query;
    };
  };
  const consumer = perBindings((bindings) => prepare(db, (a: ConsumeArgs) => burning(bindings, a)));
  // PostgreSQL: the assertion's credential comes back with the burnt ceremony (one round trip),
  // and is read only when this call burnt it. SQLite runs the two statements in process.
  const consumerWithCredential =
    dialect === 'postgres'
      ? perBindings((bindings) =>
          prepare(db, (a: ConsumeArgs) =>
            db
              .with('b', () => burning(bindings, a))
              .selectFrom('b')
              .selectAll('b')
              .select(
                sql<Selectable<CredentialsTable> | null>`(SELECT row_to_json(c) FROM credentials c
                  WHERE c.app_id = b.app_id AND c.credential_id = ${a.credentialId})`.as(
                  'credential',
                ),
              ),
          ),
        )
      : null;
  const credentialByCredentialId = credentialByCredentialIdQuery(db);
  const argsOf = (
    appId: string,
    id: string,
    at: number,
    bindings: readonly CeremonyBindingType[],
  ): ConsumeArgs => {
    const args: ConsumeArgs = { appId, id, at };
    bindings.forEach((binding, i) => {
      args[`binding${i}`] = binding;
    });
    return args;
  };
  return {
    async insert(ceremony) {
      await insert(toCeremonyRow(ceremony, ceremony.userId));
    },

    async findUnconsumed(appId, id) {
      const [row] = (await findUnconsumed({ appId, id })).rows;
      return row ? toRecord(row) : null;
    },

    async consume(appId, id, at, bindings) {
      if (bindings.length === 0) return null;
      const [row] = (await consumer(bindings)(argsOf(appId, id, at, bindings))).rows;
      return row ? toRecord(row) : null;
    },

    async consumeWithCredential(appId, id, at, bindings, credentialId) {
      if (bindings.length === 0) return null;
      const args = argsOf(appId, id, at, bindings);
      if (consumerWithCredential) {
        const [row] = (await consumerWithCredential(bindings)(mergeArgs(args, { credentialId })))
          .rows;
        if (!row) return null;
        return {
          ceremony: toRecord(row),
          credential: row.credential ? toCredentialRecord(row.credential) : null,
        };
      }
      const [row] = (await consumer(bindings)(args)).rows;
      if (!row) return null;
      const [credential] = (await credentialByCredentialId({ appId, credentialId })).rows;
      return {
        ceremony: toRecord(row),
        credential: credential ? toCredentialRecord(credential) : null,
      };
    },
  };
}
