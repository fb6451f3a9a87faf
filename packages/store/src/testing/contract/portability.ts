/** Contract of `portability`: export pages and atomic import batches. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialFixture, userFixture } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** Registers the portability tests. */
export function portabilityContract(ctx: ContractContext): void {
  describe('portability', () => {
    it('pages through every user of an app once, by external id, each with their credentials', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const users = [];
      for (let i = 0; i < 5; i++) {
        const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
        await ctx.store().credentials.insert(credentialFixture(app.id, user.id));
        users.push(user);
      }
      await ctx.store().users.upsertByExternalId(userFixture(other.id));
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await ctx.store().portability.exportPage(app.id, after, 2);
        for (const row of page) {
          seen.push(row.user.externalId);
          assert.equal(row.credentials.length, 1);
          assert.equal(row.credentials[0]?.userId, row.user.id);
        }
        if (page.length < 2) break;
        after = page[page.length - 1]?.user.externalId ?? null;
      }
      // Each user once; the order is the database's collation of external ids.
      assert.deepEqual([...seen].sort(), users.map((u) => u.externalId).sort());
    });

    it('creates users and credentials, then finds them present; a dry run writes nothing', async () => {
      const app = await ctx.newApp();
      const user = userFixture(app.id);
      const credential = credentialFixture(app.id, user.id);
      const items = [{ user, credentials: [credential] }];
      const dry = await ctx.store().portability.importBatch(app.id, items, { dryRun: true });
      assert.deepEqual(dry, [{ user: 'created', credentials: ['imported'] }]);
      assert.equal(await ctx.store().users.findById(app.id, user.id), null);
      const real = await ctx.store().portability.importBatch(app.id, items, { dryRun: false });
      assert.deepEqual(real, dry);
      assert.deepEqual(
        await ctx.store().credentials.findByCredentialId(app.id, credential.credentialId),
        credential,
      );
      const again = await ctx.store().portability.importBatch(
        app.id,
        [
          {
            user: userFixture(app.id, { externalId: user.externalId }),
            credentials: [credential],
          },
        ],
        { dryRun: false },
      );
      assert.deepEqual(again, [{ user: 'existing', credentials: ['already_present'] }]);
    });

    it('says taken, other app and handle taken, and writes none of them', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const owner = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const held = credentialFixture(app.id, owner.id);
      await ctx.store().credentials.insert(held);
      const elsewhere = await ctx.store().users.upsertByExternalId(userFixture(other.id));
      const foreign = credentialFixture(other.id, elsewhere.id);
      await ctx.store().credentials.insert(foreign);
      const newcomer = userFixture(app.id);
      const outcomes = await ctx.store().portability.importBatch(
        app.id,
        [
          {
            user: newcomer,
            credentials: [
              credentialFixture(app.id, newcomer.id, { credentialId: held.credentialId }),
              credentialFixture(app.id, newcomer.id, { credentialId: foreign.credentialId }),
            ],
          },
          {
            user: userFixture(app.id, { webauthnUserId: owner.webauthnUserId }),
            credentials: [credentialFixture(app.id, 'x')],
          },
        ],
        { dryRun: false },
      );
      assert.deepEqual(outcomes, [
        { user: 'created', credentials: ['taken', 'other_app'] },
        { user: 'handle_taken', credentials: ['user_skipped'] },
      ]);
      assert.equal(await ctx.store().credentials.countByUser(app.id, newcomer.id), 0);
      const kept = await ctx.store().credentials.findByCredentialId(other.id, foreign.credentialId);
      assert.equal(kept?.userId, elsewhere.id);
    });
  });
}
