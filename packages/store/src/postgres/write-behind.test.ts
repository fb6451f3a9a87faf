/**
 * PostgreSQL's held writes: renumbered into one statement per turn, committed before `flush`
 * resolves, all or nothing, and never held by a store that nobody flushes (a CLI).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../open-store.ts';
import { statementCount } from '../statement-count.ts';
import { appFixture, auditEventFixture } from '../testing/fixtures.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { combine, renumber, writeBehind } from './write-behind.ts';

describe('renumber', () => {
  it('shifts every parameter and leaves quoted text alone', () => {
    assert.equal(
      renumber(`select $1, '$1 it''s', "a$2", $10 from t where x = $2`, 5),
      `select $6, '$1 it''s', "a$2", $15 from t where x = $7`,
    );
    assert.equal(renumber('select $1', 0), 'select $1');
  });
});

describe('combine', () => {
  it('makes every write but the last a WITH clause, with its parameters after those before', () => {
    const { sql, parameters } = combine([
      { sql: 'insert into a (x) values ($1)', parameters: ['a'] },
      { sql: 'insert into b (x, y) values ($1, $2)', parameters: ['b', 1] },
      { sql: 'insert into c (x) values ($1)', parameters: ['c'] },
    ]);
    assert.equal(
      sql,
      'WITH w0 AS (insert into a (x) values ($1)), w1 AS (insert into b (x, y) values ($2, $3)) insert into c (x) values ($4)',
    );
    assert.deepEqual(parameters, ['a', 'b', 1, 'c']);
  });

  it('puts its clauses ahead of those of a last statement that has its own', () => {
    const { sql } = combine([
      { sql: 'insert into a (x) values ($1)', parameters: ['a'] },
      { sql: 'with "t" as (update b set y = $1 returning *) select * from "t"', parameters: [1] },
    ]);
    assert.equal(
      sql,
      'WITH w0 AS (insert into a (x) values ($1)), "t" as (update b set y = $2 returning *) select * from "t"',
    );
  });

  it('sends a lone write as it is', () => {
    assert.deepEqual(combine([{ sql: 'insert into a values ($1)', parameters: [1] }]), {
      sql: 'insert into a values ($1)',
      parameters: [1],
    });
  });
});

describe('writeBehind', () => {
  it('sends the writes of one turn as one statement, and flush waits for it', async () => {
    const sent: string[] = [];
    let finish!: () => void;
    const writes = writeBehind(async (sql) => {
      sent.push(sql);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    writes.hold('insert into a values ($1)', [1]);
    writes.hold('insert into a values ($1)', [2]);
    let flushed = false;
    const flush = writes.flush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sent.length, 1);
    assert.equal(flushed, false, 'not before the statement has committed');
    finish();
    await flush;
    assert.equal(flushed, true);
  });

  it('lets the next statement carry the held writes, and settles them with it', async () => {
    const sent: string[] = [];
    const writes = writeBehind(async (sql) => {
      sent.push(sql);
    });
    assert.equal(writes.carry('select 1', []), null, 'nothing held, nothing to carry');
    writes.hold('insert into a values ($1)', [1]);
    const carrier = writes.carry('select * from b where x = $1', [2]);
    assert.ok(carrier);
    assert.equal(
      carrier.sql,
      'WITH w0 AS (insert into a values ($1)) select * from b where x = $2',
    );
    assert.deepEqual(carrier.parameters, [1, 2]);
    let flushed = false;
    const flush = writes.flush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent, [], 'carried: not sent again at the end of the turn');
    assert.equal(flushed, false);
    carrier.committed();
    await flush;
  });

  it('sends the writes a failed statement carried again, on their own', async () => {
    const sent: string[] = [];
    const writes = writeBehind(async (sql) => {
      sent.push(sql);
    });
    writes.hold('insert into a values ($1)', [1]);
    writes.carry('select broken', [])?.failed();
    await writes.flush();
    assert.deepEqual(sent, ['insert into a values ($1)']);
  });

  it('rejects every flush waiting on a statement that failed', async () => {
    const writes = writeBehind(async () => {
      throw new Error('disk full');
    });
    writes.hold('insert into a values ($1)', [1]);
    await assert.rejects(writes.flush(), /disk full/);
    // The next turn's writes are a batch of their own.
    await assert.doesNotReject(writeBehind(async () => undefined).flush());
  });
});

for (const database of testDatabases().filter((d) => d.name === 'postgres')) {
  describe('held writes on PostgreSQL', () => {
    let opened: OpenedTestDatabase;
    before(async () => {
      opened = await database.open();
    });
    after(() => opened.cleanup());

    it('commits a turn’s audit events in one statement, before flush resolves', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      const event = (id: string) => auditEventFixture(app.id, { id, data: { n: id } });
      const before = statementCount(store.db) ?? 0;
      await Promise.all(['e1', 'e2', 'e3'].map((id) => store.audit.append(event(id))));
      assert.equal(statementCount(store.db), before, 'held, not sent');
      await store.flush();
      assert.equal(statementCount(store.db), before + 1, 'one statement for the three');
      const listed = await store.audit.list({ appId: app.id, limit: 10 });
      assert.deepEqual(listed.map((e) => e.id).sort(), ['e1', 'e2', 'e3']);
    });

    it('sends held writes ahead of the next read, in the same statement', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.flush();
      const before = statementCount(store.db) ?? 0;
      const event = auditEventFixture(app.id);
      await store.audit.append(event);
      // A read sent anyway (through a prepared statement) carries the held insert.
      assert.equal(await store.users.findByExternalId(app.id, 'nobody'), null);
      await store.flush();
      assert.equal(statementCount(store.db), before + 1);
      assert.deepEqual(
        (await store.audit.list({ appId: app.id, limit: 10 })).map((e) => e.id),
        [event.id],
      );
    });

    it('fails neither a read nor the writes it carried for the other’s fault', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.flush();
      const event = auditEventFixture(app.id);
      await store.audit.append(event);
      await store.nonces.insert({
        hash: 'h-orphan',
        appId: 'no-such-app',
        userId: 'u',
        kind: 'authenticate',
        credentialId: 'c',
        userVerified: true,
        expiresAt: 2,
        consumedAt: null,
        createdAt: 1,
      });
      // The read carries a write that breaks a foreign key: it is answered all the same.
      assert.equal(await store.users.findByExternalId(app.id, 'nobody'), null);
      await assert.rejects(store.flush(), /foreign key/);
    });

    it('keeps none of a turn’s writes when one of them fails', async () => {
      const { store } = opened;
      const app = appFixture();
      await store.apps.insert(app);
      await store.audit.append(auditEventFixture(app.id));
      // A nonce of an app that does not exist breaks the foreign key.
      await store.nonces.insert({
        hash: 'h-bad',
        appId: 'no-such-app',
        userId: 'u',
        kind: 'authenticate',
        credentialId: 'c',
        userVerified: true,
        expiresAt: 2,
        consumedAt: null,
        createdAt: 1,
      });
      await assert.rejects(store.flush(), /foreign key/);
      assert.deepEqual(await store.audit.list({ appId: app.id, limit: 10 }), []);
    });

    it('holds nothing for a store that is not serving (a CLI commits each write)', async () => {
      const cli = await openStore({
        url: opened.url,
        migrate: false,
        ...(opened.schema ? { schema: opened.schema } : {}),
      });
      try {
        const app = appFixture();
        await cli.apps.insert(app);
        const before = statementCount(cli.db) ?? 0;
        await cli.audit.append(auditEventFixture(app.id));
        assert.equal(statementCount(cli.db), before + 1, 'sent at once');
      } finally {
        await cli.close();
      }
    });
  });
}
