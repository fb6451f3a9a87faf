/** The `audit_events` table behind `AuditPort`. */
import type { AuditEventRecord, AuditOfChange, AuditPort } from '@latchkey/core';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { AuditEventsTable, Database } from '../schema.ts';
import { fromJson, toJson } from './codec.ts';
import { prepareHeldWrite } from './prepared.ts';
import { type ColumnTypes, castValues, columnList } from './typed-select.ts';

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

/** The `audit_events` row of a record. */
export function toAuditRow(event: AuditEventRecord): Selectable<AuditEventsTable> {
  return {
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
  };
}

/** The columns of `audit_events` and their SQL types, for `INSERT … SELECT`. */
export const AUDIT_COLUMNS = {
  id: 'text',
  app_id: 'text',
  type: 'text',
  at: 'bigint',
  user_id: 'text',
  credential_id: 'text',
  reason: 'text',
  ip: 'text',
  user_agent: 'text',
  request_id: 'text',
  data: 'text',
} as const satisfies ColumnTypes<AuditEventsTable>;

/** The arguments of a prepared statement that writes an audit event of a change, named apart. */
export type AuditOfChangeArgs = {
  [K in Exclude<keyof AuditEventsTable, 'user_id' | 'credential_id'> as `audit_${K}`]:
    | AuditEventsTable[K]
    | null;
};

/** An audit event of a change as the arguments of a prepared statement. */
export function auditOfChangeArgs(audit: AuditOfChange): AuditOfChangeArgs {
  return {
    audit_id: audit.id,
    audit_app_id: audit.appId,
    audit_type: audit.type,
    audit_at: audit.at,
    audit_reason: audit.reason,
    audit_ip: audit.ip,
    audit_user_agent: audit.userAgent,
    audit_request_id: audit.requestId,
    audit_data: audit.data === null ? null : toJson(audit.data),
  };
}

/**
 * An audit event of a change as a whole record, once its user and credential are known (where
 * the database cannot write it in the statement that makes the change).
 */
export function auditOfChangeRecord(
  audit: AuditOfChange,
  userId: string | null,
  credentialId: string | null,
  data: AuditEventRecord['data'] = audit.data,
): AuditEventRecord {
  return {
    id: audit.id,
    appId: audit.appId,
    type: audit.type,
    at: audit.at,
    userId,
    credentialId,
    reason: audit.reason,
    ip: audit.ip,
    userAgent: audit.userAgent,
    requestId: audit.requestId,
    data,
  };
}

/**
 * `INSERT INTO audit_events … SELECT … FROM <source>`: the audit event of a change, written by
 * the statement that makes it, with its user and credential (and any other column) taken from
 * the row the change returned.
 */
export function insertAuditOfChange(
  a: AuditOfChangeArgs,
  source: RawBuilder<unknown>,
  from: {
    user_id: RawBuilder<unknown>;
    credential_id?: RawBuilder<unknown>;
    data?: RawBuilder<unknown>;
  },
  where: RawBuilder<unknown> = sql`TRUE`,
): RawBuilder<unknown> {
  const row = {
    id: a.audit_id,
    app_id: a.audit_app_id,
    type: a.audit_type,
    at: a.audit_at,
    reason: a.audit_reason,
    ip: a.audit_ip,
    user_agent: a.audit_user_agent,
    request_id: a.audit_request_id,
    data: a.audit_data,
  };
  return sql`INSERT INTO audit_events ${columnList(AUDIT_COLUMNS)} SELECT ${castValues(
    AUDIT_COLUMNS,
    row,
    { credential_id: sql`NULL`, ...from },
  )} FROM ${source} WHERE ${where}`;
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
      await append(toAuditRow(event));
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
