/** The `audit_events` table behind `AuditPort`. */
import type { AuditEventRecord, AuditPort } from '@latchkey/core';
import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../schema.ts';
import { fromJson, toJson } from './codec.ts';
import { prepareHeldWrite } from './prepared.ts';

/** Reads one `audit_events` row. */
export function toAuditEventRecord(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    id: row.id,
    appId: row.app_id,
    type: row.type,
    at: Number(row.at),
    userId: row.user_id,
    credentialId: row.credential_id,
    reason: row.reason,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    data: row.data === null ? null : fromJson<Record<string, unknown>>(row.data),
  };
}

/** The audit log, stored in `audit_events`; append and read only. */
export function createAuditRepository(db: Kysely<Database>): AuditPort {
  const append = prepareHeldWrite(db, (e: Selectable<AuditEventsTable>) =>
    db.insertInto('audit_events').values({
      id: e.id,
      app_id: e.app_id,
      type: e.type,
      at: e.at,
      user_id: e.user_id,
      credential_id: e.credential_id,
      reason: e.reason,
      ip: e.ip,
      user_agent: e.user_agent,
      request_id: e.request_id,
      data: e.data,
    }),
  );
  return {
    async append(event) {
      await append({
        id: event.id,
        app_id: event.appId,
        type: event.type,
        at: event.at,
        user_id: event.userId,
        credential_id: event.credentialId,
        reason: event.reason,
        ip: event.ip,
        user_agent: event.userAgent,
        request_id: event.requestId,
        data: event.data === null ? null : toJson(event.data),
      });
    },

    async list(options) {
      let query = db.selectFrom('audit_events').selectAll();
      if (options.appId !== undefined) query = query.where('app_id', '=', options.appId);
      if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
      if (options.type !== undefined) query = query.where('type', '=', options.type);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .execute();
      return rows.map(toAuditEventRecord);
    },
  };
}
