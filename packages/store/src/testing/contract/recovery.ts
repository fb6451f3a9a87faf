/**
 * Contract of a recovery registration (`credentials.recover`) and of the registrations it orders
 * itself with (`credentials.insertFromCeremony`): all or nothing, and a passkey registered
 * concurrently by another ceremony is either revoked by the recovery or never stored.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type {
  AppRecord,
  CredentialRecord,
  EventRows,
  RecoveryWrite,
  UserRecord,
} from '@latchkey/core';
import { auditEventFixture, credentialFixture, T0, userFixture } from '../fixtures.ts';
import type { ContractContext } from './context.ts';

/** When the recovery's ceremony was issued, and when the recovery completes. */
const ISSUED = T0 + 1_000;
const AT = T0 + 2_000;

/** Registers the recovery tests. */
export function recoveryContract(ctx: ContractContext): void {
  /** An app (with a webhook endpoint for every event) and a user holding `held` passkeys. */
  const world = async (
    held: number,
  ): Promise<{ app: AppRecord; user: UserRecord; old: CredentialRecord[] }> => {
    const app = await ctx.newApp();
    await ctx.store().webhooks.insertEndpoint({
      id: randomUUID(),
      appId: app.id,
      url: 'https://hooks.bank.example/latchkey',
      description: '',
      enabled: true,
      events: ['passkey.created', 'passkey.revoked'],
      secret: 'whsec_test',
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: T0,
      updatedAt: T0,
    });
    const user = await ctx.store().users.upsertByExternalId(userFixture(app.id));
    const old: CredentialRecord[] = [];
    for (let i = 0; i < held; i++) {
      const credential = credentialFixture(app.id, user.id, { createdAt: T0 + i });
      await ctx.store().credentials.insert(credential);
      old.push(credential);
    }
    return { app, user, old };
  };

  /** One audit event per revoked credential and one for the new one, each with an outbox row. */
  const eventsFor =
    (app: AppRecord, user: UserRecord) =>
    (revoked: CredentialRecord[]): EventRows[] =>
      [
        ...revoked.map((c) => ({ type: 'passkey.revoked' as const, device: c.id })),
        { type: 'passkey.created' as const, device: null },
      ].map(({ type, device }) => {
        const audit = auditEventFixture(app.id, {
          type: type === 'passkey.revoked' ? 'credential.revoked' : 'credential.registered',
          at: AT,
          userId: user.id,
          credentialId: device,
        });
        return {
          audit,
          webhook: {
            eventId: audit.id,
            appId: app.id,
            type,
            at: AT,
            userId: user.id,
            data: { revoked_count: revoked.length },
          },
        };
      });

  const recovery = (
    app: AppRecord,
    user: UserRecord,
    overrides: Partial<RecoveryWrite> = {},
  ): RecoveryWrite => ({
    credential: credentialFixture(app.id, user.id, { createdAt: AT }),
    ceremonyIssuedAt: ISSUED,
    at: AT,
    revokeOthers: true,
    events: eventsFor(app, user),
    ...overrides,
  });

  const held = async (app: AppRecord, user: UserRecord): Promise<string[]> =>
    (await ctx.store().credentials.listByUser(app.id, user.id)).map((c) => c.id).sort();
  const auditTypes = async (app: AppRecord): Promise<string[]> =>
    (await ctx.store().audit.list({ appId: app.id, limit: 100 })).map((e) => e.type).sort();
  const outbox = async (app: AppRecord): Promise<string[]> =>
    (await ctx.store().webhooks.listDeliveries({ appId: app.id, limit: 100 }))
      .map((d) => d.eventType)
      .sort();

  describe('account recovery', () => {
    it('stores the new passkey and deletes every other of the user’s, with its events and outbox rows', async () => {
      const { app, user, old } = await world(2);
      const bystander = await ctx.store().users.upsertByExternalId(userFixture(app.id));
      const theirs = credentialFixture(app.id, bystander.id);
      await ctx.store().credentials.insert(theirs);
      const write = recovery(app, user);

      const result = await ctx.store().credentials.recover(write);

      assert.equal(result.outcome, 'inserted');
      assert.deepEqual(result.revoked, old, 'the deleted credentials, oldest first, whole');
      assert.deepEqual(await held(app, user), [write.credential.id]);
      assert.deepEqual(
        await ctx.store().credentials.findById(app.id, theirs.id),
        theirs,
        'another user’s passkey stays',
      );
      assert.deepEqual(await auditTypes(app), [
        'credential.registered',
        'credential.revoked',
        'credential.revoked',
      ]);
      assert.deepEqual(await outbox(app), [
        'passkey.created',
        'passkey.revoked',
        'passkey.revoked',
      ]);
    });

    it('keeps the user’s other passkeys when asked to', async () => {
      const { app, user, old } = await world(2);
      const write = recovery(app, user, { revokeOthers: false });
      const result = await ctx.store().credentials.recover(write);
      assert.equal(result.outcome, 'inserted');
      assert.deepEqual(result.revoked, []);
      assert.deepEqual(
        await held(app, user),
        [...old.map((c) => c.id), write.credential.id].sort(),
      );
      assert.deepEqual(await auditTypes(app), ['credential.registered']);
      // Nothing was revoked, so a registration begun before it still counts.
      const earlier = credentialFixture(app.id, user.id);
      assert.equal(await ctx.store().credentials.insertFromCeremony(earlier, T0), 'inserted');
    });

    it('writes nothing when the credential id is already registered in the app', async () => {
      const { app, user, old } = await world(1);
      const taken = old[0] as CredentialRecord;
      const write = recovery(app, user, {
        credential: credentialFixture(app.id, user.id, { credentialId: taken.credentialId }),
      });
      assert.deepEqual(await ctx.store().credentials.recover(write), {
        outcome: 'exists',
        revoked: [],
      });
      assert.deepEqual(await held(app, user), [taken.id]);
      assert.deepEqual(await auditTypes(app), []);
      assert.deepEqual(await outbox(app), []);
    });

    it('refuses a recovery whose ceremony began before another recovery of the user, writing nothing', async () => {
      const { app, user } = await world(1);
      const first = recovery(app, user);
      await ctx.store().credentials.recover(first);
      for (const ceremonyIssuedAt of [AT - 1, AT]) {
        const late = recovery(app, user, { ceremonyIssuedAt, at: AT + 10 });
        assert.equal((await ctx.store().credentials.recover(late)).outcome, 'superseded');
      }
      assert.deepEqual(await held(app, user), [first.credential.id]);
      const after = recovery(app, user, { ceremonyIssuedAt: AT + 1, at: AT + 10 });
      assert.equal((await ctx.store().credentials.recover(after)).outcome, 'inserted');
    });

    it('changes nothing when a write fails midway, after the credentials were changed', async () => {
      const { app, user, old } = await world(2);
      // An audit event id already taken: its insert fails after the new credential is stored and
      // the others deleted, inside the same transaction.
      const clash = auditEventFixture(app.id);
      await ctx.store().audit.append(clash);
      const write = recovery(app, user, {
        events: (revoked) => {
          const [first, ...rest] = eventsFor(app, user)(revoked);
          return [
            ...rest,
            { ...(first as EventRows), audit: { ...(first as EventRows).audit, id: clash.id } },
          ];
        },
      });
      await assert.rejects(ctx.store().credentials.recover(write));

      assert.deepEqual(await held(app, user), old.map((c) => c.id).sort());
      assert.equal(await ctx.store().credentials.findById(app.id, write.credential.id), null);
      assert.deepEqual(await auditTypes(app), [clash.type], 'no event of the recovery');
      assert.deepEqual(await outbox(app), []);
      // The user's recovery time was rolled back too: a registration begun before still counts.
      const earlier = credentialFixture(app.id, user.id);
      assert.equal(await ctx.store().credentials.insertFromCeremony(earlier, ISSUED), 'inserted');
    });

    it('changes nothing when building the events throws', async () => {
      const { app, user, old } = await world(1);
      const write = recovery(app, user, {
        events: () => {
          throw new Error('no events');
        },
      });
      await assert.rejects(ctx.store().credentials.recover(write), /no events/);
      assert.deepEqual(await held(app, user), [old[0]?.id]);
      assert.deepEqual(await auditTypes(app), []);
    });

    it('refuses a registration whose ceremony began before the user’s last recovery', async () => {
      const { app, user } = await world(0);
      await ctx.store().credentials.recover(recovery(app, user));
      const stale = credentialFixture(app.id, user.id);
      assert.equal(await ctx.store().credentials.insertFromCeremony(stale, AT), 'superseded');
      assert.equal(await ctx.store().credentials.findById(app.id, stale.id), null);
      const fresh = credentialFixture(app.id, user.id);
      assert.equal(await ctx.store().credentials.insertFromCeremony(fresh, AT + 1), 'inserted');
      assert.deepEqual(await ctx.store().credentials.findById(app.id, fresh.id), fresh);
    });

    it('tells a registration of a taken credential id from one of a vanished user', async () => {
      const { app, user, old } = await world(1);
      const again = credentialFixture(app.id, user.id, { credentialId: old[0]?.credentialId });
      assert.equal(await ctx.store().credentials.insertFromCeremony(again, T0), 'exists');
      const orphan = credentialFixture(app.id, 'no-such-user');
      assert.equal(await ctx.store().credentials.insertFromCeremony(orphan, T0), 'superseded');
    });

    it('revokes, or never stores, every passkey registered while the recovery runs', async () => {
      const { app, user, old } = await world(1);
      const racing = Array.from({ length: 12 }, () => credentialFixture(app.id, user.id));
      const write = recovery(app, user);
      const [result, ...outcomes] = await Promise.all([
        ctx.store().credentials.recover(write),
        ...racing.map((c) => ctx.store().credentials.insertFromCeremony(c, ISSUED)),
      ]);
      assert.equal(result?.outcome, 'inserted');
      // Only the recovery's passkey is left, whatever the order the database ran them in.
      assert.deepEqual(await held(app, user), [write.credential.id]);
      const revokedIds = new Set(result?.revoked.map((c) => c.id));
      racing.forEach((credential, i) => {
        const outcome = outcomes[i];
        if (outcome === 'inserted') assert.ok(revokedIds.has(credential.id), 'stored first');
        else assert.equal(outcome, 'superseded', 'else refused');
      });
      assert.ok(revokedIds.has(old[0]?.id ?? ''));
      const revokedEvents = (await auditTypes(app)).filter((t) => t === 'credential.revoked');
      assert.equal(revokedEvents.length, result?.revoked.length, 'each one audited');
    });
  });
}
