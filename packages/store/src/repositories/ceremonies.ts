/** The `ceremonies` table behind `CeremoniesPort`: the ceremonies of every product and binding. */
import type {
  CeremoniesPort,
  CeremonyBinding,
  CeremonyBindingType,
  CeremonyRecord,
} from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { CeremoniesTable, Database } from '../schema.ts';
import { fromFlag, toFlag } from './codec.ts';
import { type PreparedQuery, prepare } from './prepared.ts';

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

function toRow(ceremony: CeremonyRecord): Selectable<CeremoniesTable> {
  const { binding } = ceremony;
  return {
    id: ceremony.id,
    app_id: ceremony.appId,
    kind: ceremony.kind,
    challenge: ceremony.challenge,
    user_id: ceremony.userId,
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

/** WebAuthn ceremonies (issued challenges) of every binding, stored in `ceremonies`. */
export function createCeremoniesRepository(db: Kysely<Database>): CeremoniesPort {
  const insert = prepare(db, (c: Selectable<CeremoniesTable>) =>
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
  const findUnconsumed = prepare(db, (a: { appId: string; id: string }) =>
    db
      .selectFrom('ceremonies')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .where('consumed_at', 'is', null),
  );
  // One prepared statement per list of bindings (a finish asks for one of two lists).
  const consumers = new Map<string, PreparedQuery<ConsumeArgs, Selectable<CeremoniesTable>>>();
  const consumer = (bindings: readonly CeremonyBindingType[]) => {
    const key = bindings.join(',');
    let query = consumers.get(key);
    if (!query) {
      // One statement decides the winner. No expiry filter on purpose: an expired challenge is
      // burnt as well, and the caller reports it as expired rather than unknown. The binding filter
      // keeps a finish of one product from burning another product's ceremony.
      query = prepare(db, (a: ConsumeArgs) =>
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
          .returningAll(),
      );
      consumers.set(key, query);
    }
    return query;
  };
  return {
    async insert(ceremony) {
      await insert(toRow(ceremony));
    },

    async findUnconsumed(appId, id) {
      const [row] = (await findUnconsumed({ appId, id })).rows;
      return row ? toRecord(row) : null;
    },

    async consume(appId, id, at, bindings) {
      if (bindings.length === 0) return null;
      const args: ConsumeArgs = { appId, id, at };
      bindings.forEach((binding, i) => {
        args[`binding${i}`] = binding;
      });
      const [row] = (await consumer(bindings)(args)).rows;
      return row ? toRecord(row) : null;
    },
  };
}
