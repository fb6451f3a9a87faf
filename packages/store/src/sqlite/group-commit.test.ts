/**
 * Grouped commits on SQLite: what a second handle (another process, in production) sees and when,
 * what a failed statement or a failed commit does to the batch, and Kysely transactions inside it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import { appFixture } from '../testing/fixtures.ts';

describe('grouped SQLite commits', () => {
  let dir: string;
  let url: string;
  let grouped: SqlStore;
  let other: SqlStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-group-'));
    url = `sqlite:${join(dir, 'latchkey.db')}`;
    grouped = await openStore({ url, groupCommit: true });
    other = await openStore({ url, migrate: false });
  });
  /** Whether the app is committed, as another connection sees it (no per-turn cache). */
  const committed = async (id: string): Promise<boolean> =>
    (await other.db.selectFrom('apps').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined;

  afterEach(async () => {
    await grouped.close();
    await other.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('flushes at once when nothing was written', async () => {
    await grouped.flush();
    assert.deepEqual(await grouped.apps.list(), []);
    await grouped.flush();
  });

  it('shows a write to its own handle at once, and to another once flushed', async () => {
    const app = appFixture();
    await grouped.apps.insert(app);
    assert.deepEqual(await grouped.apps.findById(app.id), app);
    // Not committed yet: the batch commits at the end of this event-loop turn.
    assert.equal(await committed(app.id), false);
    await grouped.flush();
    assert.equal(await committed(app.id), true);
  });

  it('commits the batch by itself at the end of the turn, without a flush', async () => {
    const app = appFixture();
    await grouped.apps.insert(app);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await committed(app.id), true);
  });

  it('commits every write of concurrent callers in one batch', async () => {
    const apps = Array.from({ length: 20 }, () => appFixture());
    await Promise.all(apps.map((app) => grouped.apps.insert(app)));
    await grouped.flush();
    assert.equal((await other.db.selectFrom('apps').select('id').execute()).length, 20);
  });

  it('groups writes that return rows (UPDATE … RETURNING) like any other', async () => {
    const app = appFixture();
    await grouped.apps.insert(app);
    await grouped.flush();
    const renamed = await grouped.db
      .updateTable('apps')
      .set({ name: 'Renamed' })
      .where('id', '=', app.id)
      .returning('name')
      .executeTakeFirst();
    assert.equal(renamed?.name, 'Renamed');
    const seen = () =>
      other.db.selectFrom('apps').select('name').where('id', '=', app.id).executeTakeFirst();
    assert.equal((await seen())?.name, app.name, 'not committed before the flush');
    await grouped.flush();
    assert.equal((await seen())?.name, 'Renamed');
  });

  it('keeps the batch when one statement fails, as autocommit would', async () => {
    const kept = appFixture();
    const duplicate = appFixture();
    await grouped.apps.insert(kept);
    await grouped.apps.insert(duplicate);
    await assert.rejects(grouped.apps.insert(duplicate));
    await grouped.flush();
    assert.equal(await committed(kept.id), true);
    assert.equal(await committed(duplicate.id), true);
  });

  it('runs a Kysely transaction as a unit inside the batch, and rolls it back alone', async () => {
    const before = appFixture();
    await grouped.apps.insert(before);
    const rolledBack = appFixture();
    await assert.rejects(
      grouped.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('apps')
          .values({
            id: rolledBack.id,
            name: rolledBack.name,
            rp_id: rolledBack.rpId,
            origins: '[]',
            policy: '{}',
            created_at: 0,
            updated_at: 0,
          })
          .execute();
        // The batch must not commit while the transaction is open, even across turns.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('abandon');
      }),
      /abandon/,
    );
    await grouped.flush();
    assert.equal(await committed(before.id), true);
    assert.equal(await committed(rolledBack.id), false);
  });

  it('rejects the waiters of a batch whose commit fails, keeps none of it, and goes on', async () => {
    // A deferred foreign key is checked at COMMIT: a way to make a commit fail on purpose.
    await sql`create table parents (id text primary key)`.execute(other.db);
    await sql`create table children (id text primary key, parent text references parents(id) deferrable initially deferred)`.execute(
      other.db,
    );
    const lost = appFixture();
    await grouped.apps.insert(lost);
    await sql`insert into children values ('c', 'missing')`.execute(grouped.db);
    await assert.rejects(grouped.flush(), {
      code: 'LATCHKEY_COMMIT_FAILED',
      message: /FOREIGN KEY/,
    });
    assert.equal(await committed(lost.id), false);
    const next = appFixture();
    await grouped.apps.insert(next);
    await grouped.flush();
    assert.equal(await committed(next.id), true);
  });

  it('fails a flush from a mark before a batch that failed, however late it comes', async () => {
    await sql`create table parents (id text primary key)`.execute(other.db);
    await sql`create table children (id text primary key, parent text references parents(id) deferrable initially deferred)`.execute(
      other.db,
    );
    const mark = grouped.mark();
    await grouped.apps.insert(appFixture());
    await sql`insert into children values ('c', 'missing')`.execute(grouped.db);
    // The batch commits (and fails) at the end of the turn, while its writer is still busy.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await assert.rejects(grouped.flush(mark), { code: 'LATCHKEY_COMMIT_FAILED' });
    // A caller that began after it is not concerned.
    const later = grouped.mark();
    await grouped.apps.insert(appFixture());
    await assert.doesNotReject(grouped.flush(later));
    await assert.doesNotReject(grouped.flush());
  });

  it('commits the open batch when closed', async () => {
    const app = appFixture();
    await grouped.apps.insert(app);
    await grouped.close();
    assert.equal(await committed(app.id), true);
  });
});

describe('an opened SQLite store', () => {
  it('keeps a 32 MB page cache, so that a large database is not re-read from the OS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-cache-'));
    const store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db);
      assert.equal(rows[0]?.cache_size, -32 * 1024);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('WAL checkpoints of a grouped store', () => {
  it('happen in the background, off the connection that commits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-checkpoint-'));
    const file = join(dir, 'latchkey.db');
    const store = await openStore({ url: `sqlite:${file}`, groupCommit: true });
    try {
      const mode = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(store.db);
      assert.equal(
        mode.rows[0]?.wal_autocheckpoint,
        0,
        'the committing connection never checkpoints',
      );
      const before = (await stat(file)).size;
      // About 1 MB of rows: far under the 1,000-page threshold of an automatic checkpoint.
      for (let i = 0; i < 400; i++) await store.apps.insert(appFixture({ name: 'x'.repeat(2000) }));
      await store.flush();
      const deadline = Date.now() + 5000;
      while ((await stat(file)).size <= before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok((await stat(file)).size > before, 'the database file received the WAL pages');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
