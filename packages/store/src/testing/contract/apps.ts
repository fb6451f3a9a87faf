/** Contract of `apps` and `apiKeys`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiKeyFixture, appFixture, T0 } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** Registers the apps and API keys tests. */
export function appsContract(ctx: ContractContext): void {
  describe('apps', () => {
    it('finds an inserted app by id with every field intact', async () => {
      const app = appFixture({ origins: ['https://a.example', 'android:apk-key-hash:abc'] });
      await ctx.store().apps.insert(app);
      assert.deepEqual(await ctx.store().apps.findById(app.id), app);
    });

    it('returns null for an unknown app id', async () => {
      assert.equal(await ctx.store().apps.findById('no-such-app'), null);
    });

    it('lists every inserted app', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const ids = (await ctx.store().apps.list()).map((app) => app.id);
      assert.ok(ids.includes(a.id) && ids.includes(b.id));
    });

    it('replaces name, rp id, origins, policy and updatedAt on update', async () => {
      const app = await ctx.newApp();
      const changed = {
        ...app,
        name: 'Bank 2',
        rpId: 'login.bank.example',
        origins: ['https://login.bank.example'],
        policy: { ...app.policy, userVerification: 'preferred' as const, nonceTtlSeconds: 60 },
        updatedAt: T0 + 1000,
      };
      assert.equal(await ctx.store().apps.update(changed), true);
      assert.deepEqual(await ctx.store().apps.findById(app.id), changed);
    });

    it('reports false when updating an unknown app', async () => {
      assert.equal(await ctx.store().apps.update(appFixture()), false);
    });
  });

  describe('api keys', () => {
    it('finds an inserted key by id with every field intact', async () => {
      const app = await ctx.newApp();
      const key = apiKeyFixture(app.id);
      await ctx.store().apiKeys.insert(key);
      assert.deepEqual(await ctx.store().apiKeys.findById(key.id), key);
      assert.equal(await ctx.store().apiKeys.findById('no-such-key'), null);
    });

    it('lists only the keys of the given app', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const k1 = apiKeyFixture(a.id, { createdAt: T0 });
      const k2 = apiKeyFixture(a.id, { createdAt: T0 + 1 });
      await ctx.store().apiKeys.insert(k1);
      await ctx.store().apiKeys.insert(k2);
      await ctx.store().apiKeys.insert(apiKeyFixture(b.id));
      assert.deepEqual(await ctx.store().apiKeys.listByApp(a.id), [k1, k2]);
    });

    it('revokes a key once and reports false the second time', async () => {
      const app = await ctx.newApp();
      const key = apiKeyFixture(app.id);
      await ctx.store().apiKeys.insert(key);
      assert.equal(await ctx.store().apiKeys.revoke(app.id, key.id, T0 + 5), true);
      assert.equal(await ctx.store().apiKeys.revoke(app.id, key.id, T0 + 9), false);
      assert.equal((await ctx.store().apiKeys.findById(key.id))?.revokedAt, T0 + 5);
    });

    it('does not let another app revoke a key', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const key = apiKeyFixture(a.id);
      await ctx.store().apiKeys.insert(key);
      assert.equal(await ctx.store().apiKeys.revoke(b.id, key.id, T0), false);
      assert.equal((await ctx.store().apiKeys.findById(key.id))?.revokedAt, null);
    });

    it('records the last use of a key on touch', async () => {
      const app = await ctx.newApp();
      const key = apiKeyFixture(app.id);
      await ctx.store().apiKeys.insert(key);
      await ctx.store().apiKeys.touch(key.id, T0 + 42);
      assert.equal((await ctx.store().apiKeys.findById(key.id))?.lastUsedAt, T0 + 42);
    });
  });
}
