/**
 * The configuration cache of apps, API keys and webhook subscriptions: kept across requests while
 * the change signal stands, shared within a turn, forgotten at once by a write through the same
 * store, and dropped when another handle (a CLI, another instance) writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import { apiKeyFixture, appFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { type ChangeSignal, everyTurn } from './change-signal.ts';
import { configCache } from './config-cache.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A signal a test moves by hand. */
function manualSignal(): ChangeSignal & { change(): void } {
  let version = 0;
  return {
    version: () => version,
    change: () => {
      version++;
    },
    close: () => Promise.resolve(),
  };
}

/** Waits until `check` holds, for at most two seconds (a notification's way back). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 2_000;
  while (!(await check())) {
    if (Date.now() > until) assert.fail('the change was not seen within two seconds');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('configCache', () => {
  it('loads a key once and keeps it across turns while the signal stands', async () => {
    const changes = manualSignal();
    const cache = configCache<{ n: number }>({ changes });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    assert.equal(a, b);
    await nextTurn();
    assert.equal(await cache.get('k', load), a);
    assert.equal(loads, 1);
  });

  it('starts afresh in the turn after the signal changes', async () => {
    const changes = manualSignal();
    const cache = configCache<{ n: number }>({ changes });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await cache.get('k', load);
    changes.change();
    // Read at most once a turn: this turn still uses what it holds.
    assert.deepEqual(await cache.get('k', load), { n: 1 });
    await nextTurn();
    assert.deepEqual(await cache.get('k', load), { n: 2 });
  });

  it('behaves as a cache of one turn under a signal that changes every turn', async () => {
    const cache = configCache<{ n: number }>({ changes: everyTurn() });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    assert.equal(a, b);
    await nextTurn();
    assert.deepEqual(await cache.get('k', load), { n: 2 });
  });

  it('reloads an entry older than its maximum age, whatever the signal says', async () => {
    const cache = configCache<{ n: number }>({ changes: manualSignal(), maxAgeMs: 20 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await cache.get('k', load);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(await cache.get('k', load), { n: 2 });
  });

  it('holds at most its maximum number of entries, dropping the oldest', async () => {
    const cache = configCache<string>({ changes: manualSignal(), maxEntries: 2 });
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('c', load('c'));
    assert.equal(loads, 3);
    await cache.get('c', load('c'));
    await cache.get('b', load('b'));
    assert.equal(loads, 3);
    await cache.get('a', load('a'));
    assert.equal(loads, 4);
  });

  it('forgets a key on demand and never remembers a failed load', async () => {
    const cache = configCache<number>({ changes: manualSignal() });
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
    const cache = configCache<{ list: string[] }>({ changes: manualSignal() });
    const value = await cache.get('k', async () => ({ list: ['a'] }));
    assert.throws(() => value.list.push('b'), TypeError);
  });
});

for (const database of testDatabases()) {
  describe(`apps, API keys and webhook subscriptions cached across requests (${database.name})`, () => {
    let opened: OpenedTestDatabase;
    let other: SqlStore;
    before(async () => {
      opened = await database.open();
      // Another process's handle, as a CLI opens it.
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

    it('keeps an app across requests and sees another handle’s change of it', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.flush();
      // PostgreSQL announces the store's own write to itself too: let that notification pass.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [first, second] = await Promise.all([
        store.apps.findById(app.id),
        store.apps.findById(app.id),
      ]);
      assert.equal(first, second, 'one read shared within the turn');
      await nextTurn();
      assert.equal(await store.apps.findById(app.id), first, 'kept in the next turn');
      await other.apps.update({ ...app, name: 'Renamed', updatedAt: app.updatedAt + 1 });
      await eventually(async () => (await store.apps.findById(app.id))?.name === 'Renamed');
    });

    it('sees an app another handle creates after it was found missing', async () => {
      const { store } = opened;
      const app = appFixture();
      assert.equal(await store.apps.findById(app.id), null);
      await other.apps.insert(app);
      await eventually(async () => (await store.apps.findById(app.id)) !== null);
    });

    it('sees its own change of an app at once', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      assert.equal((await store.apps.findById(app.id))?.name, app.name);
      await store.apps.update({ ...app, name: 'Now', updatedAt: app.updatedAt + 1 });
      assert.equal((await store.apps.findById(app.id))?.name, 'Now');
    });

    it('sees its own revocation of an API key at once, and another handle’s soon after', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      const key = apiKeyFixture(app.id);
      assert.equal(await store.apiKeys.findById(key.id), null);
      await store.apiKeys.insert(key);
      assert.equal((await store.apiKeys.findById(key.id))?.revokedAt, null);
      await store.apiKeys.revoke(app.id, key.id, 5);
      assert.equal((await store.apiKeys.findById(key.id))?.revokedAt, 5);

      const second = apiKeyFixture(app.id);
      await store.apiKeys.insert(second);
      await store.flush();
      assert.equal((await store.apiKeys.findById(second.id))?.revokedAt, null);
      await other.apiKeys.revoke(app.id, second.id, 7);
      await eventually(async () => (await store.apiKeys.findById(second.id))?.revokedAt === 7);
    });

    it('enqueues an event for an endpoint that another handle adds after the app had none', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.flush();
      const event = (n: number) => ({
        eventId: `ev-${app.id}-${n}`,
        appId: app.id,
        type: 'passkey.created' as const,
        at: 1_000 + n,
        userId: null,
        data: {},
      });
      const deliveries = async () => {
        await store.flush();
        return (await store.webhooks.listDeliveries({ appId: app.id, limit: 10 })).length;
      };
      await store.webhooks.enqueue(event(1));
      assert.equal(await deliveries(), 0, 'no endpoint, no delivery');
      await other.webhooks.insertEndpoint({
        id: `ep-${app.id}`,
        appId: app.id,
        url: 'https://hooks.example/latchkey',
        description: '',
        enabled: true,
        events: ['passkey.created'],
        secret: 'whsec_test',
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: 1,
        updatedAt: 1,
      });
      let n = 2;
      await eventually(async () => {
        await store.webhooks.enqueue(event(n++));
        return (await deliveries()) > 0;
      });
    });
  });
}
