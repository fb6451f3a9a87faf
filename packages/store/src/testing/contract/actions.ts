/** Contract of the actions tables: rules, actions and their history, step-up tokens and ceremonies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  actionFixture,
  credentialFixture,
  stepUpTokenFixture,
  T0,
  userFixture,
} from '../fixtures.ts';
import type { ContractContext } from './context.ts';

const RACERS = 20;

/** Registers the actions tests. */
export function actionsContract(ctx: ContractContext): void {
  const newUser = async () => {
    const app = await ctx.newApp();
    const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
    return { app, user };
  };

  describe('action configs', () => {
    it('stores a configuration at version 1 and moves the version up on every change', async () => {
      const app = await ctx.newApp();
      const rules = [
        {
          ruleId: 'large',
          name: 'large',
          description: null,
          isActive: true,
          priority: 10,
          outcome: 'CHALLENGE' as const,
          conditions: { '>': [{ var: 'custom.amount' }, 5000] },
        },
      ];
      const first = await ctx.store().actionConfigs.put({
        appId: app.id,
        actionCode: 'pay',
        defaultOutcome: 'ALLOW',
        rules,
        updatedAt: T0,
      });
      assert.equal(first.version, 1);
      assert.deepEqual(first.rules, rules);
      const second = await ctx.store().actionConfigs.put({
        appId: app.id,
        actionCode: 'pay',
        defaultOutcome: 'BLOCK',
        rules: [],
        updatedAt: T0 + 1,
      });
      assert.equal(second.version, 2);
      assert.equal(second.createdAt, T0);
      assert.equal(second.defaultOutcome, 'BLOCK');
      assert.deepEqual(await ctx.store().actionConfigs.find(app.id, 'pay'), second);
      assert.deepEqual(
        (await ctx.store().actionConfigs.list(app.id)).map((c) => c.actionCode),
        ['pay'],
      );
    });

    it('keeps each app’s configurations apart', async () => {
      const a = await ctx.newApp();
      const b = await ctx.newApp();
      await ctx.store().actionConfigs.put({
        appId: a.id,
        actionCode: 'pay',
        defaultOutcome: 'ALLOW',
        rules: [],
        updatedAt: T0,
      });
      assert.equal(await ctx.store().actionConfigs.find(b.id, 'pay'), null);
      assert.deepEqual(await ctx.store().actionConfigs.list(b.id), []);
    });
  });

  describe('actions', () => {
    it('inserts an action once per idempotency key and returns the first to all callers', async () => {
      const { app, user } = await newUser();
      const first = actionFixture(app.id, user.id);
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          ctx
            .store()
            .actions.insertOrGet(
              i === 0 ? first : { ...first, id: `${first.id}-${i}`, state: 'ALLOW' },
            ),
        ),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      const ids = new Set(results.map((r) => r.action.id));
      assert.equal(ids.size, 1);
      const stored = await ctx.store().actions.findById(app.id, [...ids][0] as string);
      assert.deepEqual(stored, results[0]?.action);
    });

    it('reads an action back exactly as written, by id and by key', async () => {
      const { app, user } = await newUser();
      const action = actionFixture(app.id, user.id, { deviceId: 'd-1' });
      await ctx.store().actions.insertOrGet(action);
      assert.deepEqual(await ctx.store().actions.findById(app.id, action.id), action);
      assert.deepEqual(
        await ctx
          .store()
          .actions.findByKey(app.id, user.id, action.actionCode, action.idempotencyKey),
        action,
      );
      const other = await ctx.newApp();
      assert.equal(await ctx.store().actions.findById(other.id, action.id), null);
    });

    it(`lets exactly one of ${RACERS} concurrent transitions from a state win`, async () => {
      const { app, user } = await newUser();
      const action = actionFixture(app.id, user.id);
      await ctx.store().actions.insertOrGet(action);
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          ctx.store().actions.transition(app.id, action.id, {
            from: 'CHALLENGE_REQUIRED',
            to: i % 2 ? 'CHALLENGE_SUCCEEDED' : 'CHALLENGE_FAILED',
            at: T0 + 1,
            credentialId: `cred-${i}`,
          }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.stateUpdatedAt, T0 + 1);
      assert.match(winners[0]?.verifiedByCredentialId ?? '', /^cred-/);
    });

    it('marks an action validated once', async () => {
      const { app, user } = await newUser();
      const action = actionFixture(app.id, user.id, { state: 'CHALLENGE_SUCCEEDED' });
      await ctx.store().actions.insertOrGet(action);
      const results = await Promise.all(
        Array.from({ length: RACERS }, () =>
          ctx.store().actions.markValidated(app.id, action.id, T0 + 5),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await ctx.store().actions.findById(app.id, action.id))?.validatedAt, T0 + 5);
    });

    it('lists a user’s actions newest first, filtered by time, codes and state', async () => {
      const { app, user } = await newUser();
      const old = actionFixture(app.id, user.id, { createdAt: T0, actionCode: 'login' });
      const mid = actionFixture(app.id, user.id, { createdAt: T0 + 10, state: 'ALLOW' });
      const recent = actionFixture(app.id, user.id, { createdAt: T0 + 20 });
      for (const a of [old, mid, recent]) await ctx.store().actions.insertOrGet(a);
      const list = (filter: Parameters<ReturnType<typeof ctx.store>['actions']['listByUser']>[2]) =>
        ctx
          .store()
          .actions.listByUser(app.id, user.id, filter)
          .then((rows) => rows.map((r) => r.id));
      assert.deepEqual(await list({ limit: 10 }), [recent.id, mid.id, old.id]);
      assert.deepEqual(await list({ limit: 10, since: T0 + 10 }), [recent.id, mid.id]);
      assert.deepEqual(await list({ limit: 10, codes: ['login'] }), [old.id]);
      assert.deepEqual(await list({ limit: 10, state: 'ALLOW' }), [mid.id]);
      assert.deepEqual(await list({ limit: 1 }), [recent.id]);
    });

    it('tells whether a device id or IP address was seen for the user before', async () => {
      const { app, user } = await newUser();
      await ctx
        .store()
        .actions.insertOrGet(
          actionFixture(app.id, user.id, { deviceId: 'd-1', ipAddress: '1.2.3.4' }),
        );
      const { user: other } = await newUser();
      const seen = ctx.store().actions.seenBefore;
      assert.equal(await seen(app.id, user.id, { deviceId: 'd-1' }), true);
      assert.equal(await seen(app.id, user.id, { deviceId: 'd-2' }), false);
      assert.equal(await seen(app.id, user.id, { ipAddress: '1.2.3.4' }), true);
      assert.equal(await seen(app.id, user.id, { ipAddress: '5.6.7.8' }), false);
      assert.equal(await seen(app.id, other.id, { deviceId: 'd-1' }), false);
    });

    it('keeps the history of state changes in order', async () => {
      const { app, user } = await newUser();
      const action = actionFixture(app.id, user.id);
      await ctx.store().actions.insertOrGet(action);
      const base = { appId: app.id, actionId: action.id, credentialId: null, reason: null };
      const created = {
        ...base,
        id: 'c1',
        fromState: null,
        toState: 'CHALLENGE_REQUIRED' as const,
        at: T0,
        ruleIds: ['large'],
      };
      const met = {
        ...base,
        id: 'c2',
        fromState: 'CHALLENGE_REQUIRED' as const,
        toState: 'CHALLENGE_SUCCEEDED' as const,
        at: T0 + 1,
        ruleIds: [],
        credentialId: 'device-1',
        reason: 'passkey verified',
      };
      await ctx.store().actions.appendChange(met);
      await ctx.store().actions.appendChange(created);
      assert.deepEqual(await ctx.store().actions.listChanges(app.id, action.id), [created, met]);
    });

    it('deletes a user with their passkeys and actions', async () => {
      const { app, user } = await newUser();
      await ctx.store().credentials.insert(credentialFixture(app.id, user.id));
      const action = actionFixture(app.id, user.id);
      await ctx.store().actions.insertOrGet(action);
      const other = await ctx.newApp();
      assert.equal(await ctx.store().users.delete(other.id, user.id), false);
      assert.equal(await ctx.store().users.delete(app.id, user.id), true);
      assert.equal(await ctx.store().users.findById(app.id, user.id), null);
      assert.equal(await ctx.store().credentials.countByUser(app.id, user.id), 0);
      assert.equal(await ctx.store().actions.findById(app.id, action.id), null);
      assert.equal(await ctx.store().users.delete(app.id, user.id), false);
    });
  });

  describe('step-up tokens', () => {
    it('finds a token by its hash only', async () => {
      const { app, user } = await newUser();
      const token = stepUpTokenFixture(actionFixture(app.id, user.id), {
        scopes: ['add:authenticators'],
      });
      await ctx.store().stepUpTokens.insert(token);
      assert.deepEqual(await ctx.store().stepUpTokens.findByHash(token.hash), token);
      assert.equal(await ctx.store().stepUpTokens.findByHash('0'.repeat(64)), null);
    });
  });
}
