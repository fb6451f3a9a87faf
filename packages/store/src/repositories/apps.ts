/** The `apps` table behind `AppsPort`. */
import type { AppPolicy, AppRecord, AppsPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { AppsTable, Database } from '../schema.ts';
import { fromJson, toJson, touched } from './codec.ts';

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
export function createAppsRepository(db: Kysely<Database>): AppsPort {
  return {
    async insert(app) {
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

    async findById(id) {
      const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
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
      return touched(result.numUpdatedRows);
    },
  };
}
