/**
 * Contract of `operatorTokens`, `operatorSessions` and `adminQueries`. Audit events may be held
 * until the store's next `flush()` (PostgreSQL, when serving): tests flush before they query them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { OperatorTokenRecord } from '@latchkey/core';
import {
  actionFixture,
  auditEventFixture,
  credentialFixture,
  T0,
  userFixture,
} from '../fixtures.ts';
import type { ContractContext } from './context.ts';

function tokenFixture(overrides: Partial<OperatorTokenRecord> = {}): OperatorTokenRecord {
  return {
    id: randomUUID(),
    name: 'alice',
    secretHash: 'ab'.repeat(32),
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** Registers the operator and admin search tests. */
export function operatorsContract(ctx: ContractContext): void {
  describe('operator tokens and sessions', () => {
    it('stores a token, lists it, touches it and revokes it once', async () => {
      const token = tokenFixture();
      await ctx.store().operatorTokens.insert(token);
      assert.deepEqual(await ctx.store().operatorTokens.findById(token.id), token);
      assert.ok((await ctx.store().operatorTokens.list()).some((t) => t.id === token.id));
      await ctx.store().operatorTokens.touch(token.id, T0 + 5);
      assert.equal((await ctx.store().operatorTokens.findById(token.id))?.lastUsedAt, T0 + 5);
      assert.equal(await ctx.store().operatorTokens.revoke(token.id, T0 + 6), true);
      assert.equal(await ctx.store().operatorTokens.revoke(token.id, T0 + 7), false);
      assert.equal((await ctx.store().operatorTokens.findById(token.id))?.revokedAt, T0 + 6);
      assert.equal(await ctx.store().operatorTokens.findById('missing'), null);
    });

    it('finds a session only while it is unexpired and unrevoked, and extends it forward only', async () => {
      const sessions = ctx.store().operatorSessions;
      const hash = randomUUID();
      await sessions.insert({
        hash,
        tokenId: 't1',
        createdAt: T0,
        expiresAt: T0 + 1000,
        revokedAt: null,
        tokenBinding: 'ab'.repeat(32),
      });
      assert.equal((await sessions.findActive(hash, T0 + 999))?.tokenId, 't1');
      assert.equal((await sessions.findActive(hash, T0 + 999))?.tokenBinding, 'ab'.repeat(32));
      assert.equal(await sessions.findActive(hash, T0 + 1000), null);
      await sessions.extend(hash, T0 + 5000);
      await sessions.extend(hash, T0 + 2000);
      assert.equal((await sessions.findActive(hash, T0 + 1000))?.expiresAt, T0 + 5000);
      assert.equal(await sessions.revoke(hash, T0 + 10), true);
      assert.equal(await sessions.revoke(hash, T0 + 11), false);
      assert.equal(await sessions.findActive(hash, T0 + 12), null);
    });
  });

  describe('admin searches', () => {
    it('searches the audit log by app, user, types and a half-open time range', async () => {
      const app = await ctx.newApp();
      const events = [
        auditEventFixture(app.id, { at: T0, userId: 'u1', type: 'ceremony.started' }),
        auditEventFixture(app.id, { at: T0 + 10, userId: 'u1', type: 'ceremony.failed' }),
        auditEventFixture(app.id, { at: T0 + 20, userId: 'u2', type: 'ceremony.succeeded' }),
      ];
      for (const event of events) await ctx.store().audit.append(event);
      await ctx.store().flush();
      const ids = async (
        search: Parameters<ReturnType<typeof ctx.store>['adminQueries']['searchAudit']>[0],
      ) => (await ctx.store().adminQueries.searchAudit(search)).map((e) => e.id);
      const [e0, e1, e2] = events.map((e) => e.id);
      assert.deepEqual(await ids({ appId: app.id, limit: 10 }), [e2, e1, e0]);
      assert.deepEqual(await ids({ appId: app.id, userId: 'u1', limit: 10 }), [e1, e0]);
      assert.deepEqual(
        await ids({ appId: app.id, types: ['ceremony.failed', 'ceremony.succeeded'], limit: 10 }),
        [e2, e1],
      );
      assert.deepEqual(await ids({ appId: app.id, since: T0 + 10, until: T0 + 20, limit: 10 }), [
        e1,
      ]);
      assert.deepEqual(await ids({ appId: app.id, limit: 1 }), [e2]);
    });

    it('searches actions by user, code, state and time', async () => {
      const app = await ctx.newApp();
      const store = ctx.store();
      const user = await store.users.upsertByExternalId(userFixture(app.id));
      const first = actionFixture(app.id, user.id, { createdAt: T0, actionCode: 'transfer' });
      const second = actionFixture(app.id, user.id, {
        createdAt: T0 + 10,
        actionCode: 'login',
        state: 'ALLOW',
      });
      await store.actions.insertOrGet(first);
      await store.actions.insertOrGet(second);
      const ids = async (
        search: Omit<Parameters<typeof store.adminQueries.searchActions>[0], 'appId' | 'limit'>,
      ) =>
        (await store.adminQueries.searchActions({ appId: app.id, limit: 10, ...search })).map(
          (a) => a.id,
        );
      assert.deepEqual(await ids({}), [second.id, first.id]);
      assert.deepEqual(await ids({ actionCode: 'transfer' }), [first.id]);
      assert.deepEqual(await ids({ state: 'ALLOW' }), [second.id]);
      assert.deepEqual(await ids({ userId: 'someone-else' }), []);
      assert.deepEqual(await ids({ until: T0 + 10 }), [first.id]);
      const found = await store.adminQueries.searchActions({ appId: app.id, limit: 10 });
      assert.deepEqual(found[1], first);
    });

    it('searches users by an exact, case-sensitive prefix of their external id', async () => {
      const app = await ctx.newApp();
      const store = ctx.store();
      for (const [i, externalId] of ['alice', 'alicia', 'Alice', 'bob_%'].entries()) {
        await store.users.upsertByExternalId(
          userFixture(app.id, { externalId, createdAt: T0 + i }),
        );
      }
      const names = async (prefix: string) =>
        (await store.adminQueries.searchUsers(app.id, { prefix, limit: 10, offset: 0 })).items.map(
          (u) => u.externalId,
        );
      assert.deepEqual(await names('ali'), ['alicia', 'alice']);
      assert.deepEqual(await names('bob_%'), ['bob_%']);
      assert.deepEqual(await names('b%'), []);
      const all = await store.adminQueries.searchUsers(app.id, { prefix: '', limit: 2, offset: 1 });
      assert.equal(all.total, 4);
      assert.deepEqual(
        all.items.map((u) => u.externalId),
        ['Alice', 'alicia'],
      );
    });

    it('searches users by external id prefix or by any part of the display name, ignoring case', async () => {
      const app = await ctx.newApp();
      const store = ctx.store();
      const people: Array<[string, string]> = [
        ['u-1', 'Ada Lovelace'],
        ['u-2', 'Grace Hopper'],
        ['ada.b', 'Someone Else'],
        ['u-4', '100% Bob_Smith'],
      ];
      for (const [i, [externalId, displayName]] of people.entries()) {
        await store.users.upsertByExternalId(
          userFixture(app.id, { externalId, displayName, createdAt: T0 + i }),
        );
      }
      const other = await ctx.newApp();
      await store.users.upsertByExternalId(userFixture(other.id, { displayName: 'Ada Other' }));
      const found = async (query: string) =>
        (
          await store.adminQueries.searchUsers(app.id, { prefix: '', query, limit: 10, offset: 0 })
        ).items.map((u) => u.externalId);
      assert.deepEqual(await found('ada'), ['ada.b', 'u-1']);
      assert.deepEqual(await found('HOPP'), ['u-2']);
      assert.deepEqual(await found('100%'), ['u-4']);
      assert.deepEqual(await found('b_s'), ['u-4']);
      assert.deepEqual(await found('%'), ['u-4']);
      assert.deepEqual(await found('_'), ['u-4']);
      assert.deepEqual(await found('nobody'), []);
      const page = await store.adminQueries.searchUsers(app.id, {
        prefix: 'u-',
        query: 'a',
        limit: 1,
        offset: 0,
      });
      assert.equal(page.total, 2);
    });

    it('searches the audit log by a user search text, within the app only', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const store = ctx.store();
      const ada = await store.users.upsertByExternalId(
        userFixture(app.id, { displayName: 'Ada Lovelace' }),
      );
      const grace = await store.users.upsertByExternalId(
        userFixture(app.id, { displayName: 'Grace Hopper' }),
      );
      const elsewhere = await store.users.upsertByExternalId(
        userFixture(other.id, { displayName: 'Ada Elsewhere' }),
      );
      const mine = auditEventFixture(app.id, { userId: ada.id });
      await store.audit.append(mine);
      await store.audit.append(auditEventFixture(app.id, { userId: grace.id }));
      await store.audit.append(auditEventFixture(app.id, { userId: elsewhere.id }));
      await store.flush();
      const ids = async (userQuery: string) =>
        (await store.adminQueries.searchAudit({ appId: app.id, userQuery, limit: 10 })).map(
          (e) => e.id,
        );
      assert.deepEqual(await ids('lovelace'), [mine.id]);
      assert.deepEqual(await ids('Elsewhere'), []);
    });

    it('names users and passkeys by id, only those of the app asked about', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const store = ctx.store();
      const user = await store.users.upsertByExternalId(userFixture(app.id));
      const stranger = await store.users.upsertByExternalId(userFixture(other.id));
      const passkey = credentialFixture(app.id, user.id, { friendlyName: 'YubiKey 5' });
      await store.credentials.insert(passkey);
      const foreign = credentialFixture(other.id, stranger.id);
      await store.credentials.insert(foreign);
      const users = await store.adminQueries.usersByIds(app.id, [user.id, stranger.id, 'nope']);
      assert.deepEqual(users, [user]);
      assert.deepEqual(await store.adminQueries.usersByIds(app.id, []), []);
      const labels = await store.adminQueries.credentialLabels(app.id, [passkey.id, foreign.id]);
      assert.deepEqual(labels, [
        { id: passkey.id, userId: user.id, aaguid: passkey.aaguid, friendlyName: 'YubiKey 5' },
      ]);
      assert.deepEqual(await store.adminQueries.credentialLabels(app.id, []), []);
    });

    it('deletes an action configuration once', async () => {
      const app = await ctx.newApp();
      const store = ctx.store();
      await store.actionConfigs.put({
        appId: app.id,
        actionCode: 'transfer',
        defaultOutcome: 'ALLOW',
        rules: [],
        updatedAt: T0,
      });
      assert.equal(await store.adminQueries.deleteActionConfig(app.id, 'transfer'), true);
      assert.equal(await store.adminQueries.deleteActionConfig(app.id, 'transfer'), false);
      assert.equal(await store.actionConfigs.find(app.id, 'transfer'), null);
    });
  });
}
