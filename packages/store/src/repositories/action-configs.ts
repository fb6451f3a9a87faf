/** The `action_configs` table behind `ActionConfigsPort`. */
import type {
  ActionConfigRecord,
  ActionConfigsPort,
  ActionRule,
  PasskeyRequirement,
} from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { ActionConfigsTable, Database } from '../schema.ts';
import { fromJson, toJson } from './codec.ts';

function toRecord(row: Selectable<ActionConfigsTable>): ActionConfigRecord {
  return {
    appId: row.app_id,
    actionCode: row.action_code,
    defaultOutcome: row.default_outcome,
    rules: fromJson<ActionRule[]>(row.rules),
    passkeyRequirement:
      // A string only once migration 0008 added the column and a requirement was stored.
      typeof row.passkey_requirement === 'string'
        ? fromJson<PasskeyRequirement>(row.passkey_requirement)
        : null,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Action rules, one row per (app, action code), read on every track (never cached). */
export function createActionConfigsRepository(db: Kysely<Database>): ActionConfigsPort {
  const find = async (appId: string, actionCode: string): Promise<ActionConfigRecord | null> => {
    const row = await db
      .selectFrom('action_configs')
      .selectAll()
      .where('app_id', '=', appId)
      .where('action_code', '=', actionCode)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    async put(config) {
      // One statement: concurrent writers each move the version up by one.
      await db
        .insertInto('action_configs')
        .values({
          app_id: config.appId,
          action_code: config.actionCode,
          default_outcome: config.defaultOutcome,
          rules: toJson(config.rules),
          passkey_requirement: config.passkeyRequirement ? toJson(config.passkeyRequirement) : null,
          version: 1,
          created_at: config.updatedAt,
          updated_at: config.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['app_id', 'action_code']).doUpdateSet((eb) => ({
            default_outcome: eb.ref('excluded.default_outcome'),
            rules: eb.ref('excluded.rules'),
            passkey_requirement: eb.ref('excluded.passkey_requirement'),
            updated_at: eb.ref('excluded.updated_at'),
            version: eb('action_configs.version', '+', 1),
          })),
        )
        .execute();
      const stored = await find(config.appId, config.actionCode);
      if (!stored) throw new Error('action configuration vanished after it was written');
      return stored;
    },
    find,
    async list(appId) {
      const rows = await db
        .selectFrom('action_configs')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('action_code')
        .execute();
      return rows.map(toRecord);
    },
  };
}
