/**
 * Migration 0006 on a database made by the schema before it (0005), on SQLite and PostgreSQL:
 * ceremonies of every kind keep or gain their binding, step-up ceremonies move into `ceremonies`,
 * and a step-up started before the upgrade is finished after it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  attributesHash,
  createRuntime,
  createTransaction,
  finishRegistration,
  finishStepUpAuthentication,
  type Runtime,
  sha256Hex,
  startRegistration,
  stepUpChallenge,
  toBase64Url,
} from '@latchkey/core';
import { type Kysely, sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import { dropPostgresSchema } from '../postgres/drop-schema.ts';
import { actionFixture, appFixture, T0, userFixture } from '../testing/fixtures.ts';
import { TEST_POSTGRES_URL_VARIABLE } from '../testing/test-databases.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

/** A database left at 0005, and how to remove it. */
async function openAt0005(
  name: 'sqlite' | 'postgres',
): Promise<{ store: SqlStore; cleanup: () => Promise<void> }> {
  if (name === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-migration-'));
    const store = await openStore({ url: `sqlite:${join(dir, 'db')}`, migrate: false });
    await migrateTo(store.db, '0005_session_binding');
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env[TEST_POSTGRES_URL_VARIABLE] ?? '';
  const schema = `latchkey_migration_${process.pid}_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url, schema, migrate: false });
  await migrateTo(store.db, '0005_session_binding');
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(url, schema);
    },
  };
}

/** The rows of today's schema, written as 0005 stores them (its tables are no longer typed). */
async function insertOldCeremony(db: Kysely<unknown>, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  await sql`INSERT INTO ${sql.table(String(row.table))} (${sql.join(
    columns.filter((c) => c !== 'table').map((c) => sql.ref(c)),
  )}) VALUES (${sql.join(columns.filter((c) => c !== 'table').map((c) => row[c]))})`.execute(db);
}

const databases: ('sqlite' | 'postgres')[] = process.env[TEST_POSTGRES_URL_VARIABLE]
  ? ['sqlite', 'postgres']
  : ['sqlite'];

for (const name of databases) {
  describe(`migration 0006_one_ceremony_table (${name})`, () => {
    let store: SqlStore;
    let cleanup: () => Promise<void>;
    let runtime: Runtime;
    const app = appFixture();
    const user = userFixture(app.id);
    const custom = { amount: 7500 };
    const action = actionFixture(app.id, user.id, {
      custom,
      attributesHash: attributesHash(custom),
    });
    const stepUpChallengeText = stepUpChallenge(randomBytes(32), action.attributesHash);
    const common = {
      app_id: app.id,
      expires_at: T0 + 300_000,
      consumed_at: null,
      created_at: T0,
    };
    let token: string;

    before(async () => {
      ({ store, cleanup } = await openAt0005(name));
      runtime = createRuntime({ store, now: () => T0 + 1000 });
      await store.apps.insert(app);
      await store.users.upsertByExternalId(user);
      await store.actions.insertOrGet(action);
      const db = store.db as unknown as Kysely<unknown>;
      // The step-up token as 0005 stored it: its columns then, by the hash of the token.
      token = toBase64Url(randomBytes(32));
      await insertOldCeremony(db, {
        table: 'step_up_tokens',
        hash: sha256Hex(token),
        app_id: app.id,
        action_id: action.id,
        user_id: user.id,
        action_code: action.actionCode,
        idempotency_key: action.idempotencyKey,
        scopes: '[]',
        expires_at: T0 + 600_000,
        created_at: T0,
      });
      const rows = [
        {
          table: 'ceremonies',
          id: 'flex-tx',
          kind: 'register',
          user_id: user.id,
          transaction_id: 'tx-1',
          user_verification_required: 0,
        },
        {
          table: 'ceremonies',
          id: 'flex-none',
          kind: 'authenticate',
          user_id: null,
          transaction_id: null,
          user_verification_required: 0,
        },
        {
          table: 'step_up_ceremonies',
          id: 'step-up',
          kind: 'authenticate',
          action_id: action.id,
          action_code: action.actionCode,
          user_id: user.id,
        },
        {
          table: 'step_up_ceremonies',
          id: 'sign-in',
          kind: 'authenticate',
          action_id: null,
          action_code: 'signInWithPasskey',
          user_id: null,
        },
      ];
      for (const row of rows) {
        await insertOldCeremony(db, {
          ...row,
          ...common,
          challenge: row.id === 'step-up' ? stepUpChallengeText : 'c',
        });
      }
      // Later migrations follow it; this one must come first.
      assert.equal((await migrateToLatest(store.db))[0], '0006_one_ceremony_table');
    });
    after(() => cleanup());

    it('gives flex ceremonies their binding', async () => {
      const tx = await store.ceremonies.findUnconsumed(app.id, 'flex-tx');
      assert.deepEqual(tx?.binding, { type: 'transaction', transactionId: 'tx-1' });
      assert.equal(tx?.userVerificationRequired, false);
      const none = await store.ceremonies.findUnconsumed(app.id, 'flex-none');
      assert.deepEqual(none?.binding, { type: 'none' });
    });

    it('moves step-up ceremonies into ceremonies, bound to their action, and drops the old table', async () => {
      const stepUp = await store.ceremonies.findUnconsumed(app.id, 'step-up');
      assert.deepEqual(stepUp, {
        id: 'step-up',
        appId: app.id,
        kind: 'authenticate',
        challenge: stepUpChallengeText,
        userId: user.id,
        binding: {
          type: 'action',
          actionId: action.id,
          actionCode: action.actionCode,
          attributesHash: action.attributesHash,
        },
        userVerificationRequired: true,
        // Added by 0007: a ceremony from before it is no conditional create.
        conditional: false,
        // Added by 0014: a ceremony from before it is no recovery.
        recovery: null,
        expiresAt: T0 + 300_000,
        consumedAt: null,
        createdAt: T0,
      });
      const signIn = await store.ceremonies.findUnconsumed(app.id, 'sign-in');
      assert.deepEqual(signIn?.binding, {
        type: 'action',
        actionId: null,
        actionCode: 'signInWithPasskey',
        attributesHash: null,
      });
      // Asked of this database (or schema) alone: other tests' schemas may still hold the table.
      await assert.rejects(sql`select 1 from step_up_ceremonies`.execute(store.db));
    });

    it('finishes a step-up that was started before the upgrade', async () => {
      const authenticator = new SoftwareAuthenticator();
      const origin = app.origins[0] ?? '';
      const tx = await createTransaction(runtime, {
        appId: app.id,
        kind: 'register',
        externalId: user.externalId,
      });
      const started = await startRegistration(runtime, { appId: app.id, transactionId: tx.id });
      const created = await authenticator.createCredential({ options: started.options, origin });
      await finishRegistration(runtime, {
        appId: app.id,
        ceremonyId: started.ceremonyId,
        transactionId: tx.id,
        response: created,
      });
      const assertion = await authenticator.getAssertion({
        options: { challenge: stepUpChallengeText, rpId: app.rpId, userVerification: 'required' },
        origin,
      });
      const verified = await finishStepUpAuthentication(runtime, {
        token,
        challengeId: 'step-up',
        response: assertion,
      });
      assert.equal(verified.action.state, 'CHALLENGE_SUCCEEDED');
      assert.equal(verified.user.id, user.id);
    });

    it('moves the action-bound rows back when migrated down, and up again', async () => {
      await migrateTo(store.db, '0005_session_binding');
      const db = store.db as unknown as Kysely<unknown>;
      const { rows } = await sql<{ id: string; action_id: string | null }>`
        SELECT id, action_id FROM step_up_ceremonies ORDER BY id`.execute(db);
      assert.deepEqual(rows, [
        { id: 'sign-in', action_id: null },
        { id: 'step-up', action_id: action.id },
      ]);
      // Later migrations follow it; this one must come first.
      assert.equal((await migrateToLatest(store.db))[0], '0006_one_ceremony_table');
      const signIn = await store.ceremonies.findUnconsumed(app.id, 'sign-in');
      assert.equal(signIn?.binding.type, 'action');
    });
  });
}
