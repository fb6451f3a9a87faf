import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOperatorToken, trackAction } from '@latchkey/core';
import type { LightMyRequestResponse } from 'fastify';
import {
  databases,
  type Harness,
  openHarness,
  registerTransaction,
  registerUser,
  startRegister,
} from '../../testing/harness.ts';

interface Named {
  type: string;
  user: { external_id: string; display_name: string } | null;
  credential: { friendly_name: string; provider: string | null } | null;
}

for (const db of databases()) {
  describe(`the admin API for the console's timeline and search (${db.name})`, () => {
    let h: Harness;
    let token: string;
    const admin = (path: string): Promise<LightMyRequestResponse> =>
      h.server.inject({
        method: 'GET',
        url: `/admin/v1${path}`,
        headers: { authorization: `Bearer ${token}` },
      });
    const json = async (path: string) => {
      const res = await admin(path);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    before(async () => {
      h = await openHarness(db);
      token = (await createOperatorToken(h.runtime, { name: 'ops' })).token;
      await registerUser(h, 'ada');
      await registerUser(h, 'grace');
      const ada = await h.store.users.findByExternalId(h.app.id, 'ada');
      assert.ok(ada);
      await h.store.users.updateDisplayName(h.app.id, ada.id, 'Ada Lovelace', h.clock.now());
    });
    after(async () => {
      await h.close();
    });

    it('finds users by any part of their display name, or the start of their external id', async () => {
      const names = async (q: string) =>
        (await json(`/apps/${h.app.id}/users?q=${encodeURIComponent(q)}`)).users.map(
          (u: { external_id: string }) => u.external_id,
        );
      assert.deepEqual(await names('LOVELACE'), ['ada']);
      assert.deepEqual(await names('gra'), ['grace']);
      assert.deepEqual(await names('nobody'), []);
    });

    it('names the user and passkey of each audit event, and filters the log by display name', async () => {
      const { events } = await json(`/audit?app_id=${h.app.id}&user=lovelace`);
      assert.ok(events.length > 0);
      assert.ok(events.every((e: Named) => e.user?.external_id === 'ada'));
      const registered = events.find((e: Named) => e.type === 'credential.registered');
      assert.equal(registered.user.display_name, 'Ada Lovelace');
      assert.equal(typeof registered.credential.friendly_name, 'string');
      const exported = await admin(`/audit/export?app_id=${h.app.id}&user=lovelace`);
      const lines = exported.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Named);
      assert.equal(lines.length, events.length);
      assert.ok(lines.every((e) => e.user?.external_id === 'ada'));
    });

    it('names the operator who made a change by their token’s name', async () => {
      const res = await h.server.inject({
        method: 'PATCH',
        url: `/admin/v1/apps/${h.app.id}`,
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'Bank (renamed)' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const { events } = await json(`/audit?app_id=${h.app.id}&type=app.updated`);
      assert.equal(events[0].actor_name, 'ops');
    });

    it('refuses a user search of the audit log without an app', async () => {
      const res = await admin('/audit?user=lovelace');
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'invalid_request');
    });

    it('never names a user of another app', async () => {
      const other = await h.newApp();
      await registerTransaction(h, 'someone', other.id, other.apiKey);
      const { events } = await json(`/audit?app_id=${other.id}&user=lovelace`);
      assert.deepEqual(events, []);
      const { users } = await json(`/apps/${other.id}/users?q=lovelace`);
      assert.deepEqual(users, []);
    });

    it('names the user of each tracked action', async () => {
      await trackAction(h.runtime, {
        appId: h.app.id,
        externalId: 'ada',
        actionCode: 'transfer',
        attributes: { custom: { amount: 5 } },
      });
      const { actions } = await json(`/apps/${h.app.id}/actions`);
      assert.deepEqual(actions[0].user, {
        user_id: actions[0].user_id,
        external_id: 'ada',
        display_name: 'Ada Lovelace',
      });
    });

    it('counts over a chosen range, in its buckets', async () => {
      const hour = await json(`/apps/${h.app.id}/stats?range=1h`);
      assert.equal(hour.bucket_seconds, 300);
      assert.equal(hour.buckets.length, 12);
      const day = await json(`/apps/${h.app.id}/stats?range=24h`);
      assert.equal(day.bucket_seconds, 3600);
      assert.equal(day.buckets.length, 24);
      const sum = (stats: { buckets: Array<{ succeeded: number }> }) =>
        stats.buckets.reduce((n, b) => n + b.succeeded, 0);
      assert.equal(sum(day), 2);
      assert.equal((await json(`/apps/${h.app.id}/stats?range=30d`)).buckets.length, 30);
      for (const bad of ['range=2h', 'range=1h&days=7']) {
        const res = await admin(`/apps/${h.app.id}/stats?${bad}`);
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.json().error.code, 'invalid_request');
      }
    });

    it('counts a ceremony started and never finished as abandoned once its lifetime is over', async () => {
      const app = await h.newApp();
      const key = { appId: app.id, apiKey: app.apiKey };
      await startRegister(
        h,
        await registerTransaction(h, 'walks-away', key.appId, key.apiKey),
        app.id,
      );
      const open = await json(`/apps/${app.id}/stats?range=24h`);
      assert.equal(open.in_progress, 1);
      assert.equal(
        open.buckets.reduce((n: number, b: { abandoned: number }) => n + b.abandoned, 0),
        0,
      );
      h.clock.advance(300 + 31);
      const later = await json(`/apps/${app.id}/stats?range=24h`);
      assert.equal(later.in_progress, 0);
      const abandoned = later.buckets.reduce(
        (n: number, b: { abandoned: number }) => n + b.abandoned,
        0,
      );
      assert.equal(abandoned, 1);
      assert.equal(
        later.days.reduce((n: number, d: { abandoned: number }) => n + d.abandoned, 0),
        1,
      );
    });
  });
}
