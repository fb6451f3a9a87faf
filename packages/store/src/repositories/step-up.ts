/** The `step_up_tokens` and `step_up_ceremonies` tables behind their ports. */
import type {
  StepUpCeremoniesPort,
  StepUpCeremonyRecord,
  StepUpTokenRecord,
  StepUpTokensPort,
} from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, StepUpCeremoniesTable, StepUpTokensTable } from '../schema.ts';
import { fromJson, toJson } from './codec.ts';

function toToken(row: Selectable<StepUpTokensTable>): StepUpTokenRecord {
  return {
    hash: row.hash,
    appId: row.app_id,
    actionId: row.action_id,
    userId: row.user_id,
    actionCode: row.action_code,
    idempotencyKey: row.idempotency_key,
    scopes: fromJson<string[]>(row.scopes),
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
  };
}

function toCeremony(row: Selectable<StepUpCeremoniesTable>): StepUpCeremonyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    actionId: row.action_id,
    actionCode: row.action_code,
    userId: row.user_id,
    challenge: row.challenge,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Step-up tokens, stored by the SHA-256 of the token. */
export function createStepUpTokensRepository(db: Kysely<Database>): StepUpTokensPort {
  return {
    async insert(token) {
      await db
        .insertInto('step_up_tokens')
        .values({
          hash: token.hash,
          app_id: token.appId,
          action_id: token.actionId,
          user_id: token.userId,
          action_code: token.actionCode,
          idempotency_key: token.idempotencyKey,
          scopes: toJson(token.scopes),
          expires_at: token.expiresAt,
          created_at: token.createdAt,
        })
        .execute();
    },
    async findByHash(hash) {
      const row = await db
        .selectFrom('step_up_tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
  };
}

/** Step-up ceremonies (challenges bound to an action), burnt on first use. */
export function createStepUpCeremoniesRepository(db: Kysely<Database>): StepUpCeremoniesPort {
  return {
    async insert(ceremony) {
      await db
        .insertInto('step_up_ceremonies')
        .values({
          id: ceremony.id,
          app_id: ceremony.appId,
          kind: ceremony.kind,
          action_id: ceremony.actionId,
          action_code: ceremony.actionCode,
          user_id: ceremony.userId,
          challenge: ceremony.challenge,
          expires_at: ceremony.expiresAt,
          consumed_at: ceremony.consumedAt,
          created_at: ceremony.createdAt,
        })
        .execute();
    },
    async findUnconsumed(appId, id) {
      const row = await db
        .selectFrom('step_up_ceremonies')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return row ? toCeremony(row) : null;
    },
    async consume(appId, id, at) {
      // One statement decides the winner; an expired row is burnt too and reported by the caller.
      const row = await db
        .updateTable('step_up_ceremonies')
        .set({ consumed_at: at })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toCeremony(row) : null;
    },
  };
}
