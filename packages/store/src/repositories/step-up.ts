/** The `step_up_tokens` table behind `StepUpTokensPort`. */
import type { StepUpTokenRecord, StepUpTokensPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, StepUpTokensTable } from '../schema.ts';
import { fromFlag, fromJson, toFlag, toJson } from './codec.ts';

function toToken(row: Selectable<StepUpTokensTable>): StepUpTokenRecord {
  return {
    hash: row.hash,
    appId: row.app_id,
    actionId: row.action_id,
    userId: row.user_id,
    actionCode: row.action_code,
    idempotencyKey: row.idempotency_key,
    scopes: fromJson<string[]>(row.scopes),
    userVerified: row.user_verified === null ? null : fromFlag(row.user_verified),
    expiresAt: Number(row.expires_at),
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
          user_verified: token.userVerified === null ? null : toFlag(token.userVerified),
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
