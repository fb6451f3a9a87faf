/** Contract of `users`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialFixture, T0, userFixture } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** Registers the users tests. */
export function usersContract(ctx: ContractContext): void {
  describe('users', () => {
    it('creates a user on the first upsert with every field intact', async () => {
      const app = await ctx.newApp();
      const user = userFixture(app.id, { lastLoginAt: T0 - 5, loginCount: 3, status: 'pending' });
      assert.deepEqual(await ctx.store().users.upsertByExternalId(user), user);
      assert.deepEqual(await ctx.store().users.findById(app.id, user.id), user);
      assert.deepEqual(await ctx.store().users.findByExternalId(app.id, user.externalId), user);
    });

    it('returns the existing user when upserting a known external id', async () => {
      const app = await ctx.newApp();
      const first = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const again = await ctx
        .store()
        .users.upsertByExternalId(
          userFixture(app.id, { externalId: first.externalId, displayName: 'Someone Else' }),
        );
      assert.deepEqual(again, first);
    });

    it('gives all of ten concurrent upserts of one external id the same user', async () => {
      const app = await ctx.newApp();
      const users = await Promise.all(
        Array.from({ length: 10 }, () =>
          ctx.store().users.upsertByExternalId(userFixture(app.id, { externalId: 'racer' })),
        ),
      );
      assert.equal(new Set(users.map((u) => u.id)).size, 1);
      const page = await ctx.store().users.list(app.id, { limit: 50, offset: 0 });
      assert.equal(page.total, 1);
    });

    it('keeps the same external id apart in two apps', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const ua = await ctx
        .store()
        .users.upsertByExternalId(userFixture(a.id, { externalId: 'u1' }));
      const ub = await ctx
        .store()
        .users.upsertByExternalId(userFixture(b.id, { externalId: 'u1' }));
      assert.notEqual(ua.id, ub.id);
    });

    it('does not find a user through another app', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(a.id));
      assert.equal(await ctx.store().users.findById(b.id, user.id), null);
      assert.equal(await ctx.store().users.findByExternalId(b.id, user.externalId), null);
      assert.equal(await ctx.store().users.findById(a.id, 'no-such-user'), null);
    });

    it('finds a user with the number of passkeys they hold, within the app only', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const users = ctx.store().users;
      const ada = await users.upsertByExternalId(userFixture(a.id));
      const grace = await users.upsertByExternalId(userFixture(a.id));
      for (const c of [credentialFixture(a.id, ada.id), credentialFixture(a.id, ada.id)]) {
        await ctx.store().credentials.insert(c);
      }
      assert.deepEqual(await users.findWithPasskeyCount(a.id, ada.externalId), {
        user: ada,
        passkeys: 2,
      });
      assert.deepEqual(await users.findWithPasskeyCount(a.id, grace.externalId), {
        user: grace,
        passkeys: 0,
      });
      assert.equal(await users.findWithPasskeyCount(b.id, ada.externalId), null);
      assert.equal(await users.findWithPasskeyCount(a.id, 'nobody'), null);
    });

    it('lists users newest first, by page, with the total', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      await ctx.store().users.upsertByExternalId(userFixture(other.id));
      const created = [];
      for (let i = 0; i < 5; i++) {
        created.push(
          await ctx.store().users.upsertByExternalId(userFixture(app.id, { createdAt: T0 + i })),
        );
      }
      const newestFirst = created.map((u) => u.id).reverse();
      const first = await ctx.store().users.list(app.id, { limit: 2, offset: 0 });
      const second = await ctx.store().users.list(app.id, { limit: 2, offset: 2 });
      const last = await ctx.store().users.list(app.id, { limit: 2, offset: 4 });
      assert.deepEqual(
        [...first.items, ...second.items, ...last.items].map((u) => u.id),
        newestFirst,
      );
      assert.deepEqual([first.total, second.total, last.total], [5, 5, 5]);
      const beyond = await ctx.store().users.list(app.id, { limit: 2, offset: 10 });
      assert.deepEqual(beyond, { items: [], total: 5 });
    });

    it('breaks created-at ties by id, descending', async () => {
      const app = await ctx.newApp();
      for (const id of ['a-1', 'c-1', 'b-1']) {
        await ctx.store().users.upsertByExternalId(userFixture(app.id, { id: `${app.id}-${id}` }));
      }
      const page = await ctx.store().users.list(app.id, { limit: 10, offset: 0 });
      assert.deepEqual(
        page.items.map((u) => u.id.slice(app.id.length + 1)),
        ['c-1', 'b-1', 'a-1'],
      );
    });

    it('filters the listing by exact external id and counts the filtered total', async () => {
      const app = await ctx.newApp();
      const user = await ctx
        .store()
        .users.upsertByExternalId(userFixture(app.id, { externalId: 'alice' }));
      await ctx.store().users.upsertByExternalId(userFixture(app.id, { externalId: 'alice2' }));
      const page = await ctx
        .store()
        .users.list(app.id, { externalId: 'alice', limit: 10, offset: 0 });
      assert.deepEqual(page, { items: [user], total: 1 });
    });

    it('lists only users created before the given time when asked', async () => {
      const app = await ctx.newApp();
      const old = await ctx
        .store()
        .users.upsertByExternalId(userFixture(app.id, { createdAt: T0 }));
      await ctx.store().users.upsertByExternalId(userFixture(app.id, { createdAt: T0 + 10 }));
      const page = await ctx.store().users.list(app.id, {
        createdBefore: T0 + 10,
        limit: 10,
        offset: 0,
      });
      assert.deepEqual(page, { items: [old], total: 1 });
    });

    it('bumps the login count and last login time on recordLogin, within the app only', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(a.id));
      const first = await ctx.store().users.recordLogin(a.id, user.id, T0 + 100);
      assert.deepEqual(first, { ...user, loginCount: 1, lastLoginAt: T0 + 100 });
      await ctx.store().users.recordLogin(a.id, user.id, T0 + 200);
      assert.equal(await ctx.store().users.recordLogin(b.id, user.id, T0 + 300), null);
      const found = await ctx.store().users.findById(a.id, user.id);
      assert.equal(found?.loginCount, 2);
      assert.equal(found?.lastLoginAt, T0 + 200);
    });

    it('changes the display name and updatedAt, within the app only', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      const user = await ctx.store().users.upsertByExternalId(userFixture(a.id));
      await ctx.store().users.updateDisplayName(b.id, user.id, 'Mallory', T0 + 1);
      assert.equal(
        (await ctx.store().users.findById(a.id, user.id))?.displayName,
        user.displayName,
      );
      await ctx.store().users.updateDisplayName(a.id, user.id, 'Ada King', T0 + 2);
      const found = await ctx.store().users.findById(a.id, user.id);
      assert.equal(found?.displayName, 'Ada King');
      assert.equal(found?.updatedAt, T0 + 2);
    });
  });
}
