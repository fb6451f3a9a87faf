/** The `api_keys` table behind `ApiKeysPort`. */
import type { ApiKeyRecord, ApiKeysPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { ChangeSignal } from '../caching/change-signal.ts';
import { configCache } from '../caching/config-cache.ts';
import type { ApiKeysTable, Database } from '../schema.ts';
import { touched } from './codec.ts';
import { prepare } from './prepared.ts';

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** API keys, stored in `api_keys` by the hash of their secret. */
export function createApiKeysRepository(db: Kysely<Database>, changes: ChangeSignal): ApiKeysPort {
  // An app backend's calls each present the key; concurrent ones share one read per turn.
  const cache = configCache<ApiKeyRecord | null>({ changes });
  const byId = prepare(db, (a: { id: string }) =>
    db.selectFrom('api_keys').selectAll().where('id', '=', a.id),
  );
  return {
    async insert(key) {
      cache.forget(key.id);
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          app_id: key.appId,
          secret_hash: key.secretHash,
          created_at: key.createdAt,
          last_used_at: key.lastUsedAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },

    findById(id) {
      return cache.get(id, async () => {
        const [row] = (await byId({ id })).rows;
        return row ? toRecord(row) : null;
      });
    },

    async listByApp(appId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async revoke(appId, id, at) {
      cache.forget(id);
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      // Again after the write: a read that raced it may have cached the row as it was.
      cache.forget(id);
      return touched(result.numUpdatedRows);
    },

    async touch(id, at) {
      cache.forget(id);
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}
