/**
 * Migration 0007 on SQLite and PostgreSQL: taken down to 0006 and up again, rows written before it
 * read as no upgrade, no PRF and the app's hints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { appFixture, T0, userFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

for (const db of testDatabases()) {
  describe(`migration 0007_ceremony_options (${db.name})`, () => {
    let opened: OpenedTestDatabase;
    let store: SqlStore;
    const app = appFixture();
    const user = userFixture(app.id);

    before(async () => {
      opened = await db.open();
      store = opened.store;
      await store.apps.insert(app);
      await store.users.upsertByExternalId(user);
      await migrateTo(store.db, '0006_one_ceremony_table');
      // Rows as 0006 stores them, without the columns 0007 adds.
      await sql`INSERT INTO credentials (id, app_id, user_id, credential_id, public_key, algorithm,
        counter, transports, aaguid, backup_eligible, backup_state, attachment, type, friendly_name,
        created_at, updated_at, last_used_at, usage_count)
        VALUES ('dev-1', ${app.id}, ${user.id}, 'cred-1', 'pk', -7, 0, '[]',
        '00000000-0000-0000-0000-000000000000', 1, 1, NULL, 'passkey', 'Passkey', ${T0}, ${T0},
        NULL, 0)`.execute(store.db);
      await sql`INSERT INTO transactions (id, app_id, kind, user_id, passkey_display_name,
        expires_at, consumed_at, created_at)
        VALUES ('tx-1', ${app.id}, 'register', ${user.id}, NULL, ${T0 + 300_000}, NULL, ${T0})`.execute(
        store.db,
      );
      // Later migrations may follow; this one comes first.
      assert.equal((await migrateToLatest(store.db))[0], '0007_ceremony_options');
    });
    after(() => opened.cleanup());

    it('reads a credential from before as neither an upgrade nor PRF-enabled', async () => {
      const credential = await store.credentials.findById(app.id, 'dev-1');
      assert.equal(credential?.createdByUpgrade, false);
      assert.equal(credential?.prfEnabled, false);
    });

    it("reads a transaction from before as no upgrade, with the app's hints", async () => {
      const transaction = await store.transactions.consume(app.id, 'tx-1', 'register', T0);
      assert.equal(transaction?.upgrade, false);
      assert.equal(transaction?.hints, null);
    });
  });
}
