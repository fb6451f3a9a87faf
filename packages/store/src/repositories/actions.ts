/** The `actions` and `action_state_changes` tables behind `ActionsPort`. */
import type {
  ActionRecord,
  ActionStateChangeRecord,
  ActionsPort,
  FiredRule,
  PasskeyRequirement,
} from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { ActionStateChangesTable, ActionsTable, Database } from '../schema.ts';
import { fromJson, toJson, touched } from './codec.ts';

/** Reads one `actions` row. */
export function toActionRecord(row: Selectable<ActionsTable>): ActionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    actionCode: row.action_code,
    idempotencyKey: row.idempotency_key,
    state: row.state,
    attributes: fromJson<Record<string, unknown>>(row.attributes),
    custom: fromJson<Record<string, string | number | boolean>>(row.custom),
    attributesHash: row.attributes_hash,
    requestHash: row.request_hash,
    rules: fromJson<FiredRule[]>(row.rules),
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    deviceId: row.device_id,
    verifiedByCredentialId: row.verified_by_credential_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    stateUpdatedAt: Number(row.state_updated_at),
    validatedAt: row.validated_at === null ? null : Number(row.validated_at),
    passkeyRequirement:
      // A string only once migration 0008 added the column and a requirement was stored.
      typeof row.passkey_requirement === 'string'
        ? fromJson<PasskeyRequirement>(row.passkey_requirement)
        : null,
  };
}

function toChange(row: Selectable<ActionStateChangesTable>): ActionStateChangeRecord {
  return {
    id: row.id,
    appId: row.app_id,
    actionId: row.action_id,
    fromState: row.from_state,
    toState: row.to_state,
    at: Number(row.at),
    ruleIds: fromJson<string[]>(row.rule_ids),
    credentialId: row.credential_id,
    reason: row.reason,
  };
}

/** Tracked actions and the history of their states. */
export function createActionsRepository(db: Kysely<Database>): ActionsPort {
  const findByKey = async (
    appId: string,
    userId: string,
    actionCode: string,
    idempotencyKey: string,
  ): Promise<ActionRecord | null> => {
    const row = await db
      .selectFrom('actions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('action_code', '=', actionCode)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row ? toActionRecord(row) : null;
  };

  return {
    async insertOrGet(action) {
      // Insert-or-nothing on the idempotency key, then read: the first writer's row wins for all.
      const inserted = await db
        .insertInto('actions')
        .values({
          id: action.id,
          app_id: action.appId,
          user_id: action.userId,
          action_code: action.actionCode,
          idempotency_key: action.idempotencyKey,
          state: action.state,
          attributes: toJson(action.attributes),
          custom: toJson(action.custom),
          attributes_hash: action.attributesHash,
          request_hash: action.requestHash,
          rules: toJson(action.rules),
          ip_address: action.ipAddress,
          user_agent: action.userAgent,
          device_id: action.deviceId,
          verified_by_credential_id: action.verifiedByCredentialId,
          created_at: action.createdAt,
          updated_at: action.updatedAt,
          state_updated_at: action.stateUpdatedAt,
          validated_at: action.validatedAt,
          // Written only when there is one, so an action without one needs no 0008 column.
          ...(action.passkeyRequirement
            ? { passkey_requirement: toJson(action.passkeyRequirement) }
            : {}),
        })
        .onConflict((oc) =>
          oc.columns(['app_id', 'user_id', 'action_code', 'idempotency_key']).doNothing(),
        )
        .executeTakeFirst();
      const stored = await findByKey(
        action.appId,
        action.userId,
        action.actionCode,
        action.idempotencyKey,
      );
      if (!stored) throw new Error('action vanished after it was written');
      const created = touched(inserted.numInsertedOrUpdatedRows) && stored.id === action.id;
      return { action: stored, created };
    },

    async findById(appId, id) {
      const row = await db
        .selectFrom('actions')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toActionRecord(row) : null;
    },

    findByKey,

    async listByUser(appId, userId, filter) {
      let query = db
        .selectFrom('actions')
        .selectAll()
        .where('app_id', '=', appId)
        .where('user_id', '=', userId);
      if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
      if (filter.codes?.length) query = query.where('action_code', 'in', filter.codes);
      if (filter.state) query = query.where('state', '=', filter.state);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .execute();
      return rows.map(toActionRecord);
    },

    async transition(appId, id, change) {
      // Compare-and-set on the state: of two racing moves from the same state, one wins.
      const row = await db
        .updateTable('actions')
        .set({
          state: change.to,
          state_updated_at: change.at,
          updated_at: change.at,
          ...(change.credentialId === null
            ? {}
            : { verified_by_credential_id: change.credentialId }),
        })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('state', '=', change.from)
        .returningAll()
        .executeTakeFirst();
      return row ? toActionRecord(row) : null;
    },

    async markValidated(appId, id, at) {
      const result = await db
        .updateTable('actions')
        .set({ validated_at: at, updated_at: at })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('validated_at', 'is', null)
        .executeTakeFirst();
      return touched(result.numUpdatedRows);
    },

    async seenBefore(appId, userId, what) {
      const row = await db
        .selectFrom('actions')
        .select('id')
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .where(
          'deviceId' in what ? 'device_id' : 'ip_address',
          '=',
          'deviceId' in what ? what.deviceId : what.ipAddress,
        )
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async appendChange(change) {
      await db
        .insertInto('action_state_changes')
        .values({
          id: change.id,
          app_id: change.appId,
          action_id: change.actionId,
          from_state: change.fromState,
          to_state: change.toState,
          at: change.at,
          rule_ids: toJson(change.ruleIds),
          credential_id: change.credentialId,
          reason: change.reason,
        })
        .execute();
    },

    async listChanges(appId, actionId) {
      const rows = await db
        .selectFrom('action_state_changes')
        .selectAll()
        .where('app_id', '=', appId)
        .where('action_id', '=', actionId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map(toChange);
    },
  };
}
