import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { appFixture } from './fixtures.ts';
import { TEST_POSTGRES_URL_VARIABLE, testDatabases } from './test-databases.ts';

describe('the test databases', () => {
  let saved: { ci: string | undefined; url: string | undefined };
  beforeEach(() => {
    saved = { ci: process.env.CI, url: process.env[TEST_POSTGRES_URL_VARIABLE] };
  });
  afterEach(() => {
    for (const [name, value] of [
      ['CI', saved.ci],
      [TEST_POSTGRES_URL_VARIABLE, saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('refuse to run without PostgreSQL in CI', () => {
    process.env.CI = 'true';
    delete process.env[TEST_POSTGRES_URL_VARIABLE];
    assert.throws(() => testDatabases(), /LATCHKEY_TEST_POSTGRES_URL is required in CI/);
  });

  it('fall back to SQLite alone outside CI when PostgreSQL is not configured', () => {
    delete process.env.CI;
    delete process.env[TEST_POSTGRES_URL_VARIABLE];
    assert.deepEqual(
      testDatabases().map((d) => d.name),
      ['sqlite'],
    );
  });

  it('include PostgreSQL when it is configured', () => {
    process.env[TEST_POSTGRES_URL_VARIABLE] = 'postgres://postgres@127.0.0.1:5432/test';
    assert.deepEqual(
      testDatabases().map((d) => d.name),
      ['sqlite', 'postgres'],
    );
  });

  it('give a fresh, empty SQLite database on every open and delete it on cleanup', async () => {
    const sqlite = testDatabases().find((d) => d.name === 'sqlite');
    assert.ok(sqlite);
    const first = await sqlite.open();
    const second = await sqlite.open();
    try {
      assert.notEqual(first.url, second.url);
      await first.store.apps.insert(appFixture());
      assert.deepEqual(await second.store.apps.list(), []);
    } finally {
      await first.cleanup();
      await second.cleanup();
    }
    assert.equal(existsSync(first.url.slice('sqlite:'.length)), false);
  });
});
