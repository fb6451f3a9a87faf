/**
 * The migrator's retry: Kysely lists every schema's tables before it migrates, and another client
 * dropping its own schema meanwhile fails that listing. Those failures, as PostgreSQL words them,
 * are retried; the same failures about this handle's own schema, and any other error, are not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlStore } from '../create-store.ts';
import { type OpenedTestDatabase, testDatabases } from '../testing/test-databases.ts';
import { isOtherSchemaGone } from './migrate.ts';

for (const db of testDatabases().filter((d) => d.name === 'postgres')) {
  describe('migrations beside a schema dropped meanwhile (postgres)', () => {
    let opened: OpenedTestDatabase;
    let store: SqlStore;
    const own = () => opened.schema ?? '';

    // The error PostgreSQL raises for the serial-sequence lookup Kysely's table listing makes.
    async function listingError(schema: string, table: string): Promise<Error> {
      const name = `${schema}.${table}`;
      try {
        await sql`SELECT pg_get_serial_sequence(${name}, 'id')`.execute(store.db);
      } catch (error) {
        return error as Error;
      }
      throw new Error(`expected ${name} to be missing`);
    }

    before(async () => {
      opened = await db.open();
      store = opened.store;
    });
    after(() => opened.cleanup());

    it('retries when another schema vanished while listed', async () => {
      assert.equal(isOtherSchemaGone(await listingError('gone_elsewhere', 'users'), own()), true);
    });

    it('retries when a table of another schema vanished while listed', async () => {
      await sql`CREATE SCHEMA latchkey_vanishing`.execute(store.db);
      try {
        const error = await listingError('latchkey_vanishing', 'users');
        assert.match(error.message, /^relation /);
        assert.equal(isOtherSchemaGone(error, own()), true);
      } finally {
        await sql`DROP SCHEMA latchkey_vanishing`.execute(store.db);
      }
    });

    it('does not retry when its own table is missing', async () => {
      assert.equal(isOtherSchemaGone(await listingError(own(), 'no_such_table'), own()), false);
    });

    it('does not retry any other error', async () => {
      assert.equal(isOtherSchemaGone(new Error('syntax error at or near "x"'), own()), false);
      assert.equal(isOtherSchemaGone('schema "x" does not exist', own()), false);
    });
  });
}
