/**
 * PostgreSQL's change signal: the triggers of migration 0013 announce committed changes to apps,
 * API keys and webhook endpoints on the store's own schema; the listening connection moves the
 * version, ignores other schemas, and while it is down every turn is a new version.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { apiKeyFixture, appFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { listenForConfigChanges } from './config-notifications.ts';

async function eventually(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > until) assert.fail(`${what} did not happen within five seconds`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const quiet = () => new Promise((resolve) => setTimeout(resolve, 100));

for (const database of testDatabases().filter((d) => d.name === 'postgres')) {
  describe('PostgreSQL notifications of configuration changes', () => {
    let opened: OpenedTestDatabase;
    let neighbour: OpenedTestDatabase;
    before(async () => {
      opened = await database.open();
      neighbour = await database.open();
    });
    after(async () => {
      await neighbour.cleanup();
      await opened.cleanup();
    });

    const listen = () =>
      listenForConfigChanges({
        url: opened.url,
        schema: opened.schema ?? 'public',
        connectTimeoutMs: 5_000,
      });

    it('moves the version when an app, a key or an endpoint changes, and only then', async () => {
      const changes = await listen();
      try {
        const app = appFixture();
        const start = changes.version();
        assert.equal(changes.version(), start, 'stable while nothing changes');
        await opened.store.apps.insert(app);
        await eventually(() => changes.version() !== start, 'the app’s notification');
        await quiet();
        const afterApp = changes.version();
        // Its last use alone matters to no cache.
        const key = apiKeyFixture(app.id);
        await opened.store.apiKeys.insert(key);
        await eventually(() => changes.version() !== afterApp, 'the key’s notification');
        await quiet();
        const afterKey = changes.version();
        await opened.store.apiKeys.touch(key.id, 99);
        await quiet();
        assert.equal(changes.version(), afterKey, 'a key’s last use is not announced');
        await opened.store.apiKeys.revoke(app.id, key.id, 100);
        await eventually(() => changes.version() !== afterKey, 'the revocation’s notification');
      } finally {
        await changes.close();
      }
    });

    it('ignores changes in another schema of the same database', async () => {
      const changes = await listen();
      try {
        const start = changes.version();
        await neighbour.store.apps.insert(appFixture());
        await quiet();
        assert.equal(changes.version(), start);
      } finally {
        await changes.close();
      }
    });

    it('treats every turn as new while its connection is lost, then listens again', async () => {
      const changes = await listen();
      try {
        const pid = changes.backendPid();
        assert.ok(pid !== null);
        await sql`SELECT pg_terminate_backend(${pid}::int)`.execute(opened.store.db);
        // Down, every read is a new version; up again, two reads agree.
        const moving = (): boolean => {
          const first = changes.version();
          return changes.version() !== first;
        };
        await eventually(moving, 'losing the connection');
        await eventually(() => !moving(), 'listening again');
        const start = changes.version();
        await opened.store.apps.insert(appFixture());
        await eventually(() => changes.version() !== start, 'a notification after re-listening');
      } finally {
        await changes.close();
      }
    });
  });
}
