/**
 * The server answers only once what a request wrote is committed. SQLite groups the commits of
 * concurrent requests; when a group cannot be committed, its requests get a 503 in their surface's
 * shape and nothing of theirs in it is kept, even a request that had moved on to a later group
 * by the time the first one failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { sql } from 'kysely';
import {
  databases,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerTransaction,
  startRegister,
} from '../testing/harness.ts';

const sqlite = databases().find((d) => d.name === 'sqlite')!;

describe('answers after the commit (sqlite)', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness(sqlite);
  });
  after(async () => {
    await h.close();
  });

  it('answers 503 and keeps nothing when the commit of its writes fails', async () => {
    const { db } = h.store;
    // Every audit event now adds a row whose deferred foreign key fails at COMMIT.
    await sql`create table orphans (id text primary key, parent text references apps(id) deferrable initially deferred)`.execute(
      db,
    );
    await sql`create trigger poison after insert on audit_events begin insert into orphans values (new.id, 'no such app'); end`.execute(
      db,
    );
    const failed = await h.manage('POST', '/transactions/register', {
      external_id: 'ada',
      passkey_display_name: 'Ada',
    });
    assert.equal(failed.statusCode, 503);
    assert.equal(failed.json().code, 'internal_server_error');
    assert.equal(failed.headers['retry-after'], '1');

    await sql`drop trigger poison`.execute(db);
    const users = await h.store.users.list(h.app.id, { limit: 10, offset: 0 });
    assert.equal(users.total, 0, 'the failed request created no user');

    const next = await h.manage('POST', '/transactions/register', {
      external_id: 'ada',
      passkey_display_name: 'Ada',
    });
    assert.equal(next.statusCode, 201);
    assert.equal((await h.store.users.list(h.app.id, { limit: 10, offset: 0 })).total, 1);
  });

  it('answers 503 when a commit holding its first writes failed while it was still verifying', async () => {
    const { db } = h.store;
    const started = await startRegister(h, await registerTransaction(h, 'grace'));
    const response = await new SoftwareAuthenticator().createCredential({
      options: started.options,
      origin: ORIGIN,
    });
    // Burning the challenge now adds a row whose deferred foreign key fails at COMMIT; the
    // registration's signature check (WebCrypto) outlives the turn whose commit holds the burn.
    await sql`create table burnt (id text primary key, parent text references apps(id) deferrable initially deferred)`.execute(
      db,
    );
    await sql`create trigger poison after update of consumed_at on ceremonies begin insert into burnt values (new.id, 'no such app'); end`.execute(
      db,
    );
    try {
      // Its later writes went into a commit that succeeded, but its burn did not: the finish is
      // not acknowledged (no nonce), as a finish whose answer was lost on the way.
      const finished = await finishRegister(h, started, response);
      assert.equal(finished.statusCode, 503, finished.body);
      assert.equal(finished.json().code, 'internal_server_error');
    } finally {
      await sql`drop trigger poison`.execute(db);
    }
  });
});
