/**
 * Contract of `audit` and `ping`. An appended event may be held until the store's next `flush()`
 * (PostgreSQL, when serving), so tests flush before they read events back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditEventFixture, T0 } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** Registers the audit log and health tests. */
export function auditContract(ctx: ContractContext): void {
  describe('audit log', () => {
    it('lists appended events newest first with every field intact', async () => {
      const app = await ctx.newApp();
      const older = auditEventFixture(app.id, { at: T0, data: { nested: { n: 1 }, list: ['a'] } });
      const newer = auditEventFixture(app.id, {
        at: T0 + 1,
        type: 'ceremony.failed',
        userId: 'user-1',
        credentialId: 'device-1',
        reason: 'challenge_expired',
        ip: null,
        userAgent: null,
        requestId: null,
      });
      await ctx.store().audit.append(older);
      await ctx.store().audit.append(newer);
      await ctx.store().flush();
      assert.deepEqual(await ctx.store().audit.list({ appId: app.id, limit: 10 }), [newer, older]);
    });

    it('filters events by app, user and type, and honours the limit', async () => {
      const app = await ctx.newApp();
      const other = await ctx.newApp();
      const events = [
        auditEventFixture(app.id, { at: T0, userId: 'u1', type: 'ceremony.started' }),
        auditEventFixture(app.id, { at: T0 + 1, userId: 'u1', type: 'ceremony.succeeded' }),
        auditEventFixture(app.id, { at: T0 + 2, userId: 'u2', type: 'ceremony.succeeded' }),
        auditEventFixture(other.id, { at: T0 + 3, userId: 'u1', type: 'ceremony.succeeded' }),
      ];
      for (const event of events) await ctx.store().audit.append(event);
      await ctx.store().flush();
      const ids = async (options: Parameters<ReturnType<typeof ctx.store>['audit']['list']>[0]) =>
        (await ctx.store().audit.list(options)).map((e) => e.id);
      assert.deepEqual(
        await ids({ appId: app.id, limit: 10 }),
        [2, 1, 0].map((i) => events[i]?.id),
      );
      assert.deepEqual(await ids({ appId: app.id, userId: 'u1', limit: 10 }), [
        events[1]?.id,
        events[0]?.id,
      ]);
      assert.deepEqual(await ids({ appId: app.id, type: 'ceremony.succeeded', limit: 10 }), [
        events[2]?.id,
        events[1]?.id,
      ]);
      assert.deepEqual(await ids({ appId: app.id, limit: 1 }), [events[2]?.id]);
    });

    it('keeps events that belong to no app', async () => {
      const event = auditEventFixture(null, { type: 'api_key.rejected', at: T0 + 10 ** 9 });
      await ctx.store().audit.append(event);
      await ctx.store().flush();
      const listed = await ctx.store().audit.list({ type: 'api_key.rejected', limit: 100 });
      assert.deepEqual(
        listed.find((e) => e.id === event.id),
        event,
      );
    });
  });

  describe('health', () => {
    it('answers a ping with true while open', async () => {
      assert.equal(await ctx.store().ping(), true);
    });
  });
}
