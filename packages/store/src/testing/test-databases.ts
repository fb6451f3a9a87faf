/**
 * The databases tests run against: always a fresh SQLite file, and a fresh PostgreSQL schema when
 * `LATCHKEY_TEST_POSTGRES_URL` is set. In CI a missing PostgreSQL URL is an error, so that the
 * PostgreSQL half of the suite cannot silently stop running.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlStore } from '../create-store.ts';
import { openStore } from '../open-store.ts';
import { dropPostgresSchema } from '../postgres/drop-schema.ts';

/** The environment variable naming the PostgreSQL database tests may create schemas in. */
export const TEST_POSTGRES_URL_VARIABLE = 'LATCHKEY_TEST_POSTGRES_URL';

/** One freshly opened, migrated, empty test database. */
export interface OpenedTestDatabase {
  store: SqlStore;
  /** The URL it was opened with; with `schema`, enough to open another handle on the same data. */
  url: string;
  schema?: string;
  /** Closes the store and deletes the data (the file, or the schema). */
  cleanup(): Promise<void>;
}

/** A kind of database tests can run on; every `open()` gives a new, isolated database. */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedTestDatabase>;
}

let skipNoticePrinted = false;

/**
 * The databases to run tests against. Throws when `CI` is set and `LATCHKEY_TEST_POSTGRES_URL` is
 * not; outside CI, prints once that the PostgreSQL tests are skipped.
 */
export function testDatabases(): TestDatabase[] {
  const databases: TestDatabase[] = [sqliteTestDatabase()];
  const postgresUrl = process.env[TEST_POSTGRES_URL_VARIABLE];
  if (postgresUrl) {
    databases.push(postgresTestDatabase(postgresUrl));
  } else if (process.env.CI) {
    throw new Error(
      `${TEST_POSTGRES_URL_VARIABLE} is required in CI (e.g. postgres://postgres@127.0.0.1:5432/test): the PostgreSQL tests must run there`,
    );
  } else if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    process.stderr.write(
      `PostgreSQL tests skipped: ${TEST_POSTGRES_URL_VARIABLE} is unset (e.g. ${TEST_POSTGRES_URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/test)\n`,
    );
  }
  return databases;
}

function sqliteTestDatabase(): TestDatabase {
  return {
    name: 'sqlite',
    async open() {
      // A directory of its own, so cleanup also removes the -wal and -shm files beside the database.
      const dir = await mkdtemp(join(tmpdir(), 'latchkey-test-'));
      const url = `sqlite:${join(dir, 'latchkey.db')}`;
      // Grouped commits, as the server runs it; tests reading through a second handle flush first.
      const store = await openStore({ url, groupCommit: true });
      return {
        store,
        url,
        async cleanup() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

function postgresTestDatabase(url: string): TestDatabase {
  return {
    name: 'postgres',
    async open() {
      // Unique across parallel test processes sharing one database.
      const schema = `latchkey_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      // As the server runs it: listening for configuration changes, caching across requests.
      const store = await openStore({ url, schema, groupCommit: true });
      return {
        store,
        url,
        schema,
        async cleanup() {
          await store.close();
          await dropPostgresSchema(url, schema);
        },
      };
    },
  };
}
