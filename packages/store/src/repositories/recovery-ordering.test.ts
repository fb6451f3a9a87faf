/**
 * How a recovery and a registration of the same user order themselves, seen from outside with a
 * transaction held open: each waits for the other's uncommitted work and then acts on it. On
 * PostgreSQL that is the row lock on the user (FOR UPDATE against FOR KEY SHARE); on SQLite, the
 * one writer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppRecord, UserRecord } from '@latchkey/core';
import { sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { appFixture, credentialFixture, T0, userFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { toCredentialRow } from './credentials.ts';

/** Whether a promise settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, waited]);
  clearTimeout(timer);
  return result;
}

for (const database of testDatabases()) {
  describe(`a recovery and a registration of one user (${database.name})`, () => {
    let opened: OpenedTestDatabase;
    let store: SqlStore;
    let app: AppRecord;
    before(async () => {
      opened = await database.open();
      store = opened.store;
      app = appFixture();
      await store.apps.insert(app);
    });
    after(() => opened.cleanup());

    const newUser = (): Promise<UserRecord> => store.users.upsertByExternalId(userFixture(app.id));

    it('deletes a passkey whose registration commits while the recovery waits for it', async () => {
      const user = await newUser();
      const racing = credentialFixture(app.id, user.id);
      const write = {
        credential: credentialFixture(app.id, user.id),
        ceremonyIssuedAt: T0 + 1,
        at: T0 + 2,
        revokeOthers: true,
        events: () => [],
      };
      let recovering: ReturnType<SqlStore['credentials']['recover']> | undefined;
      await store.db.transaction().execute(async (trx) => {
        // A registration's insert, not yet committed: on PostgreSQL its foreign key holds a share
        // lock on the user's row.
        await trx.insertInto('credentials').values(toCredentialRow(racing)).execute();
        recovering = store.credentials.recover(write);
        assert.equal(await settlesWithin(recovering, 150), false, 'the recovery waits');
      });
      const result = await recovering;
      assert.equal(result?.outcome, 'inserted');
      assert.deepEqual(
        result?.revoked.map((c) => c.id),
        [racing.id],
      );
      assert.deepEqual(
        (await store.credentials.listByUser(app.id, user.id)).map((c) => c.id),
        [write.credential.id],
      );
    });

    it('refuses a registration that waited for a recovery begun after its ceremony', async () => {
      const user = await newUser();
      const stale = credentialFixture(app.id, user.id);
      let registering: Promise<string> | undefined;
      await store.db.transaction().execute(async (trx) => {
        // What a recovery holds while it runs: the user's row, locked for update, and its time.
        if (store.dialect === 'postgres') {
          await sql`SELECT id FROM users WHERE id = ${user.id} FOR UPDATE`.execute(trx);
        }
        await trx
          .updateTable('users')
          .set({ recovered_at: T0 + 2 })
          .where('id', '=', user.id)
          .execute();
        registering = store.credentials.insertFromCeremony(stale, T0 + 1);
        assert.equal(await settlesWithin(registering, 150), false, 'the registration waits');
      });
      assert.equal(await registering, 'superseded');
      assert.equal(await store.credentials.findById(app.id, stale.id), null);
    });
  });
}
