/** Contract of `credentials`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppRecord, UserRecord } from '@latchkey/core';
import { credentialFixture, T0, userFixture } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** Registers the credentials tests. */
export function credentialsContract(ctx: ContractContext): void {
  const appWithUser = async (): Promise<{ app: AppRecord; user: UserRecord }> => {
    const app = await ctx.newApp();
    const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
    return { app, user };
  };

  describe('credentials', () => {
    it('finds an inserted credential by credential id and by id with every field intact', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, {
        counter: 2 ** 32 - 1,
        backupEligible: false,
        backupState: false,
        attachment: null,
        type: 'security_key',
        lastUsedAt: T0 + 1,
        usageCount: 7,
        algorithm: -257,
      });
      assert.equal(await ctx.store().credentials.insert(credential), true);
      assert.deepEqual(
        await ctx.store().credentials.findByCredentialId(app.id, credential.credentialId),
        credential,
      );
      assert.deepEqual(await ctx.store().credentials.findById(app.id, credential.id), credential);
    });

    it('refuses a duplicate credential id in one app and keeps the original', async () => {
      const { app, user } = await appWithUser();
      const original = credentialFixture(app.id, user.id);
      await ctx.store().credentials.insert(original);
      const duplicate = credentialFixture(app.id, user.id, {
        credentialId: original.credentialId,
        friendlyName: 'impostor',
      });
      assert.equal(await ctx.store().credentials.insert(duplicate), false);
      assert.deepEqual(
        await ctx.store().credentials.findByCredentialId(app.id, original.credentialId),
        original,
      );
      assert.equal(await ctx.store().credentials.findById(app.id, duplicate.id), null);
    });

    it('accepts the same credential id in another app', async () => {
      const first = await appWithUser();
      const second = await appWithUser();
      const credential = credentialFixture(first.app.id, first.user.id);
      await ctx.store().credentials.insert(credential);
      const again = credentialFixture(second.app.id, second.user.id, {
        credentialId: credential.credentialId,
      });
      assert.equal(await ctx.store().credentials.insert(again), true);
    });

    it('lists and counts a user’s credentials, and the app’s', async () => {
      const { app, user } = await appWithUser();
      const other = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const c1 = credentialFixture(app.id, user.id, { createdAt: T0 });
      const c2 = credentialFixture(app.id, user.id, { createdAt: T0 + 1 });
      for (const c of [c1, c2, credentialFixture(app.id, other.id)]) {
        await ctx.store().credentials.insert(c);
      }
      assert.deepEqual(await ctx.store().credentials.listByUser(app.id, user.id), [c1, c2]);
      assert.equal(await ctx.store().credentials.countByUser(app.id, user.id), 2);
      assert.equal(await ctx.store().credentials.countByUser(app.id, 'nobody'), 0);
      assert.equal(await ctx.store().credentials.countByApp(app.id), 3);
    });

    it('hides a credential from another app', async () => {
      const { app, user } = await appWithUser();
      const b = await ctx.newApp();
      const credential = credentialFixture(app.id, user.id);
      await ctx.store().credentials.insert(credential);
      const credentials = ctx.store().credentials;
      assert.equal(await credentials.findByCredentialId(b.id, credential.credentialId), null);
      assert.equal(await credentials.findById(b.id, credential.id), null);
      assert.deepEqual(await credentials.listByUser(b.id, user.id), []);
      assert.equal(await credentials.countByUser(b.id, user.id), 0);
      assert.equal(await credentials.countByApp(b.id), 0);
      assert.equal(await credentials.delete(b.id, user.id, credential.id), false);
      const use = { counter: 0, backupState: true, at: T0, enforceIncrease: false };
      assert.equal(await credentials.recordUse(b.id, credential.id, use), false);
      assert.deepEqual(await credentials.findById(app.id, credential.id), credential);
    });

    it('records a use only when the counter increases, when enforced', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 3, backupState: false });
      await ctx.store().credentials.insert(credential);
      const use = (counter: number, at: number) =>
        ctx.store().credentials.recordUse(app.id, credential.id, {
          counter,
          backupState: true,
          at,
          enforceIncrease: true,
        });
      assert.equal(await use(5, T0 + 1), true);
      assert.equal(await use(5, T0 + 2), false);
      assert.equal(await use(4, T0 + 3), false);
      assert.equal(await use(6, T0 + 4), true);
      const found = await ctx.store().credentials.findById(app.id, credential.id);
      assert.equal(found?.counter, 6);
      assert.equal(found?.usageCount, 2);
      assert.equal(found?.lastUsedAt, T0 + 4);
      assert.equal(found?.backupState, true);
    });

    it('lets only one of several racing uses with the same counter write', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 1 });
      await ctx.store().credentials.insert(credential);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          ctx.store().credentials.recordUse(app.id, credential.id, {
            counter: 2,
            backupState: true,
            at: T0,
            enforceIncrease: true,
          }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('records a sign-in: the use, the login and the user’s credential ids', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 3, createdAt: T0 });
      const second = credentialFixture(app.id, user.id, { createdAt: T0 + 1 });
      for (const c of [second, credential]) await ctx.store().credentials.insert(c);
      const signIn = await ctx.store().credentials.recordSignIn({
        appId: app.id,
        id: credential.id,
        userId: user.id,
        use: { counter: 4, backupState: true, at: T0 + 5, enforceIncrease: true },
        loginOnlyIfCounted: true,
        listCredentials: true,
      });
      assert.equal(signIn.counted, true);
      assert.equal(signIn.user?.id, user.id);
      assert.equal(signIn.user?.loginCount, user.loginCount + 1);
      assert.equal(signIn.user?.lastLoginAt, T0 + 5);
      assert.deepEqual(signIn.credentialIds, [credential.credentialId, second.credentialId]);
      const found = await ctx.store().credentials.findById(app.id, credential.id);
      assert.equal(found?.counter, 4);
      assert.equal(found?.usageCount, credential.usageCount + 1);
    });

    it('records no login for a use that lost the counter race, where asked', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 9 });
      await ctx.store().credentials.insert(credential);
      const signIn = (loginOnlyIfCounted: boolean) =>
        ctx.store().credentials.recordSignIn({
          appId: app.id,
          id: credential.id,
          userId: user.id,
          use: { counter: 9, backupState: false, at: T0 + 1, enforceIncrease: true },
          loginOnlyIfCounted,
          listCredentials: false,
        });
      assert.deepEqual(await signIn(true), { counted: false, user: null, credentialIds: [] });
      assert.equal((await ctx.store().users.findById(app.id, user.id))?.loginCount, 0);
      const flagged = await signIn(false);
      assert.equal(flagged.counted, false);
      assert.equal(flagged.user?.loginCount, 1, 'recorded where the race is only flagged');
      assert.equal((await ctx.store().credentials.findById(app.id, credential.id))?.counter, 9);
    });

    it('lets only one of several racing sign-ins with the same counter count', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 1 });
      await ctx.store().credentials.insert(credential);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          ctx.store().credentials.recordSignIn({
            appId: app.id,
            id: credential.id,
            userId: user.id,
            use: { counter: 2, backupState: true, at: T0, enforceIncrease: true },
            loginOnlyIfCounted: true,
            listCredentials: false,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.counted).length, 1);
      assert.equal(results.filter((r) => r.user !== null).length, 1);
    });

    it('records neither use nor login through another app', async () => {
      const { app, user } = await appWithUser();
      const b = await ctx.newApp();
      const credential = credentialFixture(app.id, user.id);
      await ctx.store().credentials.insert(credential);
      const signIn = await ctx.store().credentials.recordSignIn({
        appId: b.id,
        id: credential.id,
        userId: user.id,
        use: { counter: 0, backupState: true, at: T0, enforceIncrease: false },
        loginOnlyIfCounted: false,
        listCredentials: true,
      });
      assert.deepEqual(signIn, { counted: false, user: null, credentialIds: [] });
      assert.deepEqual(await ctx.store().credentials.findById(app.id, credential.id), credential);
    });

    it('always records a use when the counter is zero', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 0 });
      await ctx.store().credentials.insert(credential);
      const use = { counter: 0, backupState: false, at: T0 + 1, enforceIncrease: true };
      assert.equal(await ctx.store().credentials.recordUse(app.id, credential.id, use), true);
      assert.equal(await ctx.store().credentials.recordUse(app.id, credential.id, use), true);
      const found = await ctx.store().credentials.findById(app.id, credential.id);
      assert.equal(found?.usageCount, 2);
      assert.equal(found?.backupState, false);
    });

    it('records a lower counter when increase is not enforced', async () => {
      const { app, user } = await appWithUser();
      const credential = credentialFixture(app.id, user.id, { counter: 10 });
      await ctx.store().credentials.insert(credential);
      const use = { counter: 4, backupState: true, at: T0 + 1, enforceIncrease: false };
      assert.equal(await ctx.store().credentials.recordUse(app.id, credential.id, use), true);
      assert.equal((await ctx.store().credentials.findById(app.id, credential.id))?.counter, 4);
    });

    it('reports false when recording a use of an unknown credential', async () => {
      const { app } = await appWithUser();
      const use = { counter: 1, backupState: true, at: T0, enforceIncrease: true };
      assert.equal(await ctx.store().credentials.recordUse(app.id, 'no-such-device', use), false);
    });

    it('deletes a user’s credential once, and not through another user', async () => {
      const { app, user } = await appWithUser();
      const other = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const credential = credentialFixture(app.id, user.id);
      await ctx.store().credentials.insert(credential);
      assert.equal(await ctx.store().credentials.delete(app.id, other.id, credential.id), false);
      assert.equal(await ctx.store().credentials.delete(app.id, user.id, credential.id), true);
      assert.equal(await ctx.store().credentials.delete(app.id, user.id, credential.id), false);
      assert.equal(await ctx.store().credentials.findById(app.id, credential.id), null);
    });
  });
}
