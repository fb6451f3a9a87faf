/** Removal of an isolated PostgreSQL schema, for test cleanup. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** Drops `schema` and everything in it, if it exists. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    await db.schema.dropSchema(schema).ifExists().cascade().execute();
  } finally {
    await db.destroy();
  }
}
