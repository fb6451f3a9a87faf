/**
 * Runs the store contract on every configured database, plus what is particular to the SQL store:
 * migrations, several handles on one database, and closing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { migrateToLatest, openStore, statementCount } from './index.ts';
import { dropPostgresSchema } from './postgres/drop-schema.ts';
import { appFixture, userFixture } from './testing/fixtures.ts';
import { storeContract } from './testing/store-contract.ts';
import { type OpenedTestDatabase, testDatabases } from './testing/test-databases.ts';

for (const database of testDatabases()) {
  storeContract(database);

  describe(`the ${database.name} store's database`, () => {
    let opened: OpenedTestDatabase;
    before(async () => {
      opened = await database.open();
    });
    after(async () => {
      await opened.cleanup();
    });
    const reopen = () =>
      openStore({ url: opened.url, ...(opened.schema ? { schema: opened.schema } : {}) });

    it('reports its dialect', () => {
      assert.equal(opened.store.dialect, database.name);
    });

    it('counts every statement it sends to the database', async () => {
      const before = statementCount(opened.store.db);
      assert.equal(typeof before, 'number');
      await opened.store.apps.findById('no-such-app');
      await opened.store.ping();
      assert.equal(statementCount(opened.store.db), (before ?? 0) + 2);
    });

    it('opens an already migrated database again without applying anything', async () => {
      const second = await reopen();
      try {
        assert.deepEqual(await migrateToLatest(second.db), []);
        assert.equal(await second.ping(), true);
      } finally {
        await second.close();
      }
    });

    it('shows writes of one handle, once flushed, to a second handle on the same database', async () => {
      const second = await reopen();
      try {
        const app = appFixture();
        await opened.store.apps.insert(app);
        await opened.store.flush();
        assert.deepEqual(await second.apps.findById(app.id), app);
        const user = await second.users.upsertByExternalId(userFixture(app.id));
        assert.deepEqual(await opened.store.users.findById(app.id, user.id), user);
      } finally {
        await second.close();
      }
    });

    it('shows writes of another process to this one, and this one’s to it', async () => {
      const app = appFixture();
      await opened.store.apps.insert(app);
      const child = appFixture();
      // A real second process, as the CLI would be, writing while this store stays open.
      const script = `
        const { openStore } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
        const store = await openStore(${JSON.stringify({ url: opened.url, schema: opened.schema })});
        const seen = await store.apps.findById(${JSON.stringify(app.id)});
        await store.apps.insert(${JSON.stringify(child)});
        await store.close();
        process.stdout.write(JSON.stringify(seen));
      `;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '--eval', script],
        { cwd: new URL('.', import.meta.url) },
      );
      assert.deepEqual(JSON.parse(stdout), app);
      assert.deepEqual(await opened.store.apps.findById(child.id), child);
    });

    it('answers a ping with false instead of throwing once closed', async () => {
      const second = await reopen();
      await second.close();
      assert.equal(await second.ping(), false);
      await second.close();
    });
  });

  describe(`a fresh ${database.name} database`, () => {
    it('applies every migration when migrated explicitly', async () => {
      const opened = await database.open();
      const schema = opened.schema ? `${opened.schema}_fresh` : undefined;
      const url = opened.schema ? opened.url : opened.url.replace(/\.db$/, '-fresh.db');
      await opened.cleanup();
      const store = await openStore({ url, migrate: false, ...(schema ? { schema } : {}) });
      try {
        const applied = await migrateToLatest(store.db);
        assert.deepEqual(applied.slice(0, 2), ['0001_initial', '0002_actions']);
        assert.deepEqual(applied, [...applied].sort());
        assert.deepEqual(await migrateToLatest(store.db), []);
      } finally {
        await store.close();
        if (schema) await dropPostgresSchema(url, schema);
        else await rm(dirname(url.slice('sqlite:'.length)), { recursive: true, force: true });
      }
    });
  });
}
