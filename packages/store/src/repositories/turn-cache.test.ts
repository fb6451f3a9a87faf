/**
 * The per-turn read cache of apps and API keys: shared within one event-loop turn, fresh in the
 * next, forgotten at once by a write through the same store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import { apiKeyFixture, appFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { turnCache } from './turn-cache.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('turnCache', () => {
  it('loads a key once per turn, and again in the next', async () => {
    const cache = turnCache<{ n: number }>();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    assert.equal(a, b);
    assert.equal(loads, 1);
    await nextTurn();
    assert.deepEqual(await cache.get('k', load), { n: 2 });
  });

  it('forgets a key on demand and never remembers a failed load', async () => {
    const cache = turnCache<number>();
    await assert.rejects(
      cache.get('k', async () => {
        throw new Error('down');
      }),
    );
    assert.equal(await cache.get('k', async () => 1), 1);
    cache.forget('k');
    assert.equal(await cache.get('k', async () => 2), 2);
  });

  it('hands out frozen values, so that sharing them is safe', async () => {
    const cache = turnCache<{ list: string[] }>();
    const value = await cache.get('k', async () => ({ list: ['a'] }));
    assert.throws(() => value.list.push('b'), TypeError);
  });
});

for (const database of testDatabases()) {
  describe(`apps and API keys read once per turn (${database.name})`, () => {
    let opened: OpenedTestDatabase;
    let other: SqlStore;
    before(async () => {
      opened = await database.open();
      other = await openStore({
        url: opened.url,
        migrate: false,
        ...(opened.schema ? { schema: opened.schema } : {}),
      });
    });
    after(async () => {
      await other.close();
      await opened.cleanup();
    });

    it('sees another handle’s change of an app from the next turn on', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.flush();
      const [first, second] = await Promise.all([
        store.apps.findById(app.id),
        store.apps.findById(app.id),
      ]);
      assert.equal(first, second, 'one read shared within the turn');
      await other.apps.update({ ...app, name: 'Renamed', updatedAt: app.updatedAt + 1 });
      await nextTurn();
      assert.equal((await store.apps.findById(app.id))?.name, 'Renamed');
    });

    it('sees its own change of an app at once', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      assert.equal((await store.apps.findById(app.id))?.name, app.name);
      await store.apps.update({ ...app, name: 'Now', updatedAt: app.updatedAt + 1 });
      assert.equal((await store.apps.findById(app.id))?.name, 'Now');
    });

    it('sees its own revocation of an API key at once', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      const key = apiKeyFixture(app.id);
      assert.equal(await store.apiKeys.findById(key.id), null);
      await store.apiKeys.insert(key);
      assert.equal((await store.apiKeys.findById(key.id))?.revokedAt, null);
      await store.apiKeys.revoke(app.id, key.id, 5);
      assert.equal((await store.apiKeys.findById(key.id))?.revokedAt, 5);
    });
  });
}
