/** The `ceremonies` table behind `CeremoniesPort`. */
import type { CeremoniesPort, CeremonyRecord } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { CeremoniesTable, Database } from '../schema.ts';
import { fromFlag, toFlag } from './codec.ts';
import { prepare } from './prepared.ts';

function toRecord(row: Selectable<CeremoniesTable>): CeremonyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    challenge: row.challenge,
    userId: row.user_id,
    transactionId: row.transaction_id,
    userVerificationRequired: fromFlag(row.user_verification_required),
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** WebAuthn ceremonies (issued challenges), stored in `ceremonies`. */
export function createCeremoniesRepository(db: Kysely<Database>): CeremoniesPort {
  const insert = prepare(db, (c: Selectable<CeremoniesTable>) =>
    db.insertInto('ceremonies').values({
      id: c.id,
      app_id: c.app_id,
      kind: c.kind,
      challenge: c.challenge,
      user_id: c.user_id,
      transaction_id: c.transaction_id,
      user_verification_required: c.user_verification_required,
      expires_at: c.expires_at,
      consumed_at: c.consumed_at,
      created_at: c.created_at,
    }),
  );
  // One statement decides the winner. No expiry filter on purpose: an expired challenge is burnt
  // as well, and the caller reports it as expired rather than unknown.
  const consume = prepare(db, (a: { appId: string; id: string; at: number }) =>
    db
      .updateTable('ceremonies')
      .set({ consumed_at: a.at })
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  return {
    async insert(ceremony) {
      await insert({
        id: ceremony.id,
        app_id: ceremony.appId,
        kind: ceremony.kind,
        challenge: ceremony.challenge,
        user_id: ceremony.userId,
        transaction_id: ceremony.transactionId,
        user_verification_required: toFlag(ceremony.userVerificationRequired),
        expires_at: ceremony.expiresAt,
        consumed_at: ceremony.consumedAt,
        created_at: ceremony.createdAt,
      });
    },

    async consume(appId, id, at) {
      const [row] = (await consume({ appId, id, at })).rows;
      return row ? toRecord(row) : null;
    },
  };
}
