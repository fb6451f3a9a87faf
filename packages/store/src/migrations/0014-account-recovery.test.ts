/**
 * Migration 0014 on SQLite and PostgreSQL: taken down to 0013 and up again, rows written before it
 * read as no recovery, and a user from before it was never recovered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { appFixture, credentialFixture, T0, userFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

for (const db of testDatabases()) {
  describe(`migration 0014_account_recovery (${db.name})`, () => {
    let opened: OpenedTestDatabase;
    let store: SqlStore;
    const app = appFixture();
    const user = userFixture(app.id);

    before(async () => {
      opened = await db.open();
      store = opened.store;
      await store.apps.insert(app);
      await store.users.upsertByExternalId(user);
      await migrateTo(store.db, '0013_config_notifications');
      // Rows as 0013 stores them, without the columns 0014 adds.
      await sql`INSERT INTO transactions (id, app_id, kind, user_id, passkey_display_name,
        expires_at, consumed_at, created_at)
        VALUES ('tx-1', ${app.id}, 'register', ${user.id}, NULL, ${T0 + 300_000}, NULL, ${T0})`.execute(
        store.db,
      );
      await sql`INSERT INTO ceremonies (id, app_id, kind, challenge, user_id, binding,
        transaction_id, user_verification_required, expires_at, consumed_at, created_at)
        VALUES ('c-1', ${app.id}, 'register', 'Y2hhbGxlbmdl', ${user.id}, 'transaction', 'tx-1', 1,
        ${T0 + 300_000}, NULL, ${T0})`.execute(store.db);
      // Later migrations may follow; this one comes first.
      assert.equal((await migrateToLatest(store.db))[0], '0014_account_recovery');
    });
    after(() => opened.cleanup());

    it('reads a transaction and a ceremony from before as no recovery', async () => {
      const transaction = await store.transactions.consume(app.id, 'tx-1', 'register', T0);
      assert.equal(transaction?.recovery, null);
      const ceremony = await store.ceremonies.findUnconsumed(app.id, 'c-1');
      assert.equal(ceremony?.recovery, null);
    });

    it('takes a registration of a user from before, never recovered', async () => {
      const credential = credentialFixture(app.id, user.id);
      assert.equal(await store.credentials.insertFromCeremony(credential, T0), 'inserted');
    });
  });
}
