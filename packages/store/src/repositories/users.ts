/** The `users` table behind `UsersPort`. */
import type { UserRecord, UsersPort } from '@latchkey/core';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.ts';
import { touched } from './codec.ts';
import { prepare } from './prepared.ts';

/** Reads one `users` row. */
export function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    appId: row.app_id,
    externalId: row.external_id,
    displayName: row.display_name,
    webauthnUserId: row.webauthn_user_id,
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
    loginCount: Number(row.login_count),
  };
}

/** The `users` row of a record. */
export function toUserRow(user: UserRecord): Insertable<UsersTable> {
  return {
    id: user.id,
    app_id: user.appId,
    external_id: user.externalId,
    display_name: user.displayName,
    webauthn_user_id: user.webauthnUserId,
    status: user.status,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    last_login_at: user.lastLoginAt,
    login_count: user.loginCount,
  };
}

/** `UPDATE users … RETURNING *`: a login recorded and the user read in one statement. */
export function recordLoginQuery(db: Kysely<Database>) {
  return prepare(db, (a: { appId: string; id: string; at: number }) =>
    db
      .updateTable('users')
      .set((eb) => ({ last_login_at: a.at, login_count: eb('login_count', '+', 1) }))
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id)
      .returningAll(),
  );
}

/** A user by id, within an app. */
export function userByIdQuery(db: Kysely<Database>) {
  return prepare(db, (a: { appId: string; id: string }) =>
    db.selectFrom('users').selectAll().where('app_id', '=', a.appId).where('id', '=', a.id),
  );
}

/** Users, stored in `users`, unique per app by external id and by WebAuthn user handle. */
export function createUsersRepository(db: Kysely<Database>): UsersPort {
  const byExternalId = prepare(db, (a: { appId: string; externalId: string }) =>
    db
      .selectFrom('users')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('external_id', '=', a.externalId),
  );
  const byId = userByIdQuery(db);
  const recordLogin = recordLoginQuery(db);
  // The passkey count rides along as a scalar subquery: one read instead of two.
  const withPasskeyCount = prepare(db, (a: { appId: string; externalId: string }) =>
    db
      .selectFrom('users')
      .selectAll('users')
      .select((eb) =>
        eb
          .selectFrom('credentials')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('credentials.app_id', '=', 'users.app_id')
          .whereRef('credentials.user_id', '=', 'users.id')
          .as('passkeys'),
      )
      .where('users.app_id', '=', a.appId)
      .where('users.external_id', '=', a.externalId),
  );
  const findByExternalId = async (
    appId: string,
    externalId: string,
  ): Promise<UserRecord | null> => {
    const [row] = (await byExternalId({ appId, externalId })).rows;
    return row ? toUserRecord(row) : null;
  };

  return {
    async upsertByExternalId(candidate) {
      // Insert-or-nothing, then read: racing callers never fail on the unique index, and whoever
      // inserted first decides the row everyone gets back. No conflict target, so a candidate whose
      // id collides (the same candidate sent twice) is absorbed too.
      await db
        .insertInto('users')
        .values(toUserRow(candidate))
        .onConflict((oc) => oc.doNothing())
        .execute();
      const user = await findByExternalId(candidate.appId, candidate.externalId);
      if (user === null) {
        // Only reachable when the candidate's id or WebAuthn handle belongs to another user.
        throw new Error(
          `could not create user ${JSON.stringify(candidate.externalId)}: its id or WebAuthn user id is taken`,
        );
      }
      return user;
    },

    async findById(appId, id) {
      const [row] = (await byId({ appId, id })).rows;
      return row ? toUserRecord(row) : null;
    },

    findByExternalId,

    async findWithPasskeyCount(appId, externalId) {
      const [row] = (await withPasskeyCount({ appId, externalId })).rows;
      return row ? { user: toUserRecord(row), passkeys: Number(row.passkeys ?? 0) } : null;
    },

    async list(appId, options) {
      let filtered = db.selectFrom('users').where('app_id', '=', appId);
      if (options.externalId !== undefined) {
        filtered = filtered.where('external_id', '=', options.externalId);
      }
      if (options.createdBefore !== undefined) {
        filtered = filtered.where('created_at', '<', options.createdBefore);
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

    async recordLogin(appId, id, at) {
      const [row] = (await recordLogin({ appId, id, at })).rows;
      return row ? toUserRecord(row) : null;
    },

    async updateDisplayName(appId, id, displayName, at) {
      await db
        .updateTable('users')
        .set({ display_name: displayName, updated_at: at })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .execute();
    },

    async delete(appId, id) {
      // Children first in one transaction, so that no dialect's foreign-key handling matters.
      return db.transaction().execute(async (trx) => {
        const actionIds = trx
          .selectFrom('actions')
          .select('id')
          .where('app_id', '=', appId)
          .where('user_id', '=', id);
        await trx.deleteFrom('action_state_changes').where('action_id', 'in', actionIds).execute();
        await trx
          .deleteFrom('actions')
          .where('app_id', '=', appId)
          .where('user_id', '=', id)
          .execute();
        await trx
          .deleteFrom('credentials')
          .where('app_id', '=', appId)
          .where('user_id', '=', id)
          .execute();
        const result = await trx
          .deleteFrom('users')
          .where('app_id', '=', appId)
          .where('id', '=', id)
          .executeTakeFirst();
        return touched(result.numDeletedRows);
      });
    },
  };
}
