/** The `apps` table behind `AppsPort`. */
import type { AppPolicy, AppRecord, AppsPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { ChangeSignal } from '../caching/change-signal.ts';
import { configCache } from '../caching/config-cache.ts';
import type { AppsTable, Database } from '../schema.ts';
import { fromJson, toJson, touched } from './codec.ts';
import { prepare } from './prepared.ts';

function toRecord(row: Selectable<AppsTable>): AppRecord {
  return {
    id: row.id,
    name: row.name,
    rpId: row.rp_id,
    origins: fromJson<string[]>(row.origins),
    policy: fromJson<AppPolicy>(row.policy),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Apps, stored in `apps`. */
export function createAppsRepository(db: Kysely<Database>, changes: ChangeSignal): AppsPort {
  // Every request of an app reads it (CORS, rate limits, the route): once per turn is enough.
  const cache = configCache<AppRecord | null>({ changes });
  const byId = prepare(db, (a: { id: string }) =>
    db.selectFrom('apps').selectAll().where('id', '=', a.id),
  );
  return {
    async insert(app) {
      cache.forget(app.id);
      await db
        .insertInto('apps')
        .values({
          id: app.id,
          name: app.name,
          rp_id: app.rpId,
          origins: toJson(app.origins),
          policy: toJson(app.policy),
          created_at: app.createdAt,
          updated_at: app.updatedAt,
        })
        .execute();
    },

    findById(id) {
      return cache.get(id, async () => {
        const [row] = (await byId({ id })).rows;
        return row ? toRecord(row) : null;
      });
    },

    async list() {
      const rows = await db
        .selectFrom('apps')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async update(app) {
      cache.forget(app.id);
      const result = await db
        .updateTable('apps')
        .set({
          name: app.name,
          rp_id: app.rpId,
          origins: toJson(app.origins),
          policy: toJson(app.policy),
          updated_at: app.updatedAt,
        })
        .where('id', '=', app.id)
        .executeTakeFirst();
      // Again after the write: a read that raced it may have cached the row as it was.
      cache.forget(app.id);
      return touched(result.numUpdatedRows);
    },
  };
}
