import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDatabaseUrl } from './database-url.ts';
import { openStore } from './open-store.ts';

describe('database URLs', () => {
  it('reads a relative SQLite path', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:./data/latchkey.db'), {
      dialect: 'sqlite',
      path: './data/latchkey.db',
    });
  });

  it('reads absolute SQLite paths with and without slashes after the scheme', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:/var/lib/latchkey.db'), {
      dialect: 'sqlite',
      path: '/var/lib/latchkey.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/latchkey.db'), {
      dialect: 'sqlite',
      path: '/var/lib/latchkey.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite://latchkey.db'), {
      dialect: 'sqlite',
      path: 'latchkey.db',
    });
  });

  it('reads an in-memory SQLite database', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('sqlite://:memory:'), {
      dialect: 'sqlite',
      path: ':memory:',
    });
  });

  it('reads both PostgreSQL schemes', () => {
    for (const url of ['postgres://u@h:5432/db', 'postgresql://u:p@h/db?sslmode=require']) {
      assert.deepEqual(parseDatabaseUrl(url), { dialect: 'postgres', url });
    }
  });

  it('rejects an unknown scheme with a message naming the supported ones, without the password', () => {
    assert.throws(
      () => parseDatabaseUrl('mysql://root:hunter2@localhost/db'),
      (error: Error) =>
        /unsupported database URL/.test(error.message) &&
        /postgres:\/\//.test(error.message) &&
        !error.message.includes('hunter2'),
    );
    assert.throws(() => parseDatabaseUrl('sqlite:'), /no SQLite file path/);
  });

  it('rejects an unknown scheme when opening a store', async () => {
    await assert.rejects(openStore({ url: 'latchkey.db' }), /unsupported database URL/);
  });

  it('opens and migrates an in-memory SQLite store', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    try {
      assert.equal(store.dialect, 'sqlite');
      assert.equal(await store.ping(), true);
      assert.deepEqual(await store.apps.list(), []);
    } finally {
      await store.close();
    }
  });
});
