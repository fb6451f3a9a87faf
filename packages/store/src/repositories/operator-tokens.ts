/** The `operator_tokens` and `operator_sessions` tables behind the operator ports. */
import type {
  OperatorSessionRecord,
  OperatorSessionsPort,
  OperatorTokenRecord,
  OperatorTokensPort,
} from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, OperatorSessionsTable, OperatorTokensTable } from '../schema.ts';
import { touched } from './codec.ts';

const optional = (value: number | null): number | null => (value === null ? null : Number(value));

function toToken(row: Selectable<OperatorTokensTable>): OperatorTokenRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: optional(row.last_used_at),
    revokedAt: optional(row.revoked_at),
  };
}

function toSession(row: Selectable<OperatorSessionsTable>): OperatorSessionRecord {
  return {
    hash: row.hash,
    tokenId: row.token_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: optional(row.revoked_at),
    tokenBinding: row.token_binding,
  };
}

/** Operator tokens, stored by the hash of their secret. */
export function createOperatorTokensRepository(db: Kysely<Database>): OperatorTokensPort {
  return {
    async insert(token) {
      await db
        .insertInto('operator_tokens')
        .values({
          id: token.id,
          name: token.name,
          secret_hash: token.secretHash,
          created_at: token.createdAt,
          last_used_at: token.lastUsedAt,
          revoked_at: token.revokedAt,
        })
        .execute();
    },

    async findById(id) {
      const row = await db
        .selectFrom('operator_tokens')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },

    async list() {
      const rows = await db
        .selectFrom('operator_tokens')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },

    async revoke(id, at) {
      const result = await db
        .updateTable('operator_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return touched(result.numUpdatedRows);
    },

    async touch(id, at) {
      await db
        .updateTable('operator_tokens')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .execute();
    },
  };
}

/** Console sessions, stored by the hash of their secret. */
export function createOperatorSessionsRepository(db: Kysely<Database>): OperatorSessionsPort {
  return {
    async insert(session) {
      await db
        .insertInto('operator_sessions')
        .values({
          hash: session.hash,
          token_id: session.tokenId,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          revoked_at: session.revokedAt,
          token_binding: session.tokenBinding,
        })
        .execute();
    },

    async findActive(hash, at) {
      const row = await db
        .selectFrom('operator_sessions')
        .selectAll()
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async extend(hash, expiresAt) {
      await db
        .updateTable('operator_sessions')
        .set({ expires_at: expiresAt })
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '<', expiresAt)
        .execute();
    },

    async revoke(hash, at) {
      const result = await db
        .updateTable('operator_sessions')
        .set({ revoked_at: at })
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return touched(result.numUpdatedRows);
    },
  };
}
