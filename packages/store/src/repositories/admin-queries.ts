/** The operators' searches over `audit_events`, `actions` and `users`, behind `AdminQueriesPort`. */
import type { AdminQueriesPort } from '@latchkey/core';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { toActionRecord } from './actions.ts';
import { toAuditEventRecord } from './audit.ts';
import { touched } from './codec.ts';
import { toUserRecord } from './users.ts';

/**
 * A LIKE pattern that finds `text` anywhere, its own `%`, `_` and backslash matching themselves. Only
 * ASCII letters are lowered, as SQLite's `lower()` lowers only those.
 */
function containsPattern(text: string): string {
  const lowered = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return `%${lowered.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Users matching a search text (see `UserQuery`): external id prefix, or display name containing
 * the text. `lower()` on both sides makes the name match ignore case on both databases (SQLite's
 * only folds ASCII, so that is the promise).
 */
function userMatches(text: string) {
  return (eb: ExpressionBuilder<Database, 'users'>) =>
    eb.or([
      eb(sql<string>`substr(external_id, 1, ${text.length})`, '=', text),
      eb(
        sql<string>`lower(display_name)`,
        'like',
        sql<string>`${containsPattern(text)} escape '\\'`,
      ),
    ]);
}

/** Searches for the console; every filter is optional except where the port says otherwise. */
export function createAdminQueriesRepository(db: Kysely<Database>): AdminQueriesPort {
  return {
    async searchAudit(search) {
      let query = db.selectFrom('audit_events').selectAll();
      if (search.appId !== undefined) query = query.where('app_id', '=', search.appId);
      if (search.userId !== undefined) query = query.where('user_id', '=', search.userId);
      if (search.userQuery !== undefined && search.appId !== undefined) {
        const matching = db
          .selectFrom('users')
          .select('id')
          .where('app_id', '=', search.appId)
          .where(userMatches(search.userQuery));
        query = query.where('user_id', 'in', matching);
      }
      if (search.types?.length) query = query.where('type', 'in', search.types);
      if (search.since !== undefined) query = query.where('at', '>=', search.since);
      if (search.until !== undefined) query = query.where('at', '<', search.until);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(search.limit)
        .execute();
      return rows.map(toAuditEventRecord);
    },

    async searchActions(search) {
      let query = db.selectFrom('actions').selectAll().where('app_id', '=', search.appId);
      if (search.userId !== undefined) query = query.where('user_id', '=', search.userId);
      if (search.actionCode !== undefined) {
        query = query.where('action_code', '=', search.actionCode);
      }
      if (search.state !== undefined) query = query.where('state', '=', search.state);
      if (search.since !== undefined) query = query.where('created_at', '>=', search.since);
      if (search.until !== undefined) query = query.where('created_at', '<', search.until);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(search.limit)
        .execute();
      return rows.map(toActionRecord);
    },

    async searchUsers(appId, options) {
      let filtered = db.selectFrom('users').where('app_id', '=', appId);
      if (options.prefix !== '') {
        // substr compares exactly (case and collation aside) on both SQLite and PostgreSQL, and
        // needs no escaping of LIKE's wildcards.
        filtered = filtered.where(
          sql<string>`substr(external_id, 1, ${options.prefix.length})`,
          '=',
          options.prefix,
        );
      }
      if (options.query !== undefined && options.query !== '') {
        filtered = filtered.where(userMatches(options.query));
      }
      const [rows, count] = await Promise.all([
        filtered
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(options.limit)
          .offset(options.offset)
          .execute(),
        filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toUserRecord), total: Number(count.total) };
    },

    async usersByIds(appId, ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toUserRecord);
    },

    async credentialLabels(appId, ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('credentials')
        .select(['id', 'user_id', 'aaguid', 'friendly_name'])
        .where('app_id', '=', appId)
        .where('id', 'in', [...ids])
        .execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        aaguid: r.aaguid,
        friendlyName: r.friendly_name,
      }));
    },

    async deleteActionConfig(appId, actionCode) {
      const result = await db
        .deleteFrom('action_configs')
        .where('app_id', '=', appId)
        .where('action_code', '=', actionCode)
        .executeTakeFirst();
      return touched(result.numDeletedRows);
    },
  };
}
