/**
 * PostgreSQL only: every committed change to an app, an API key (but its last use) or a webhook
 * endpoint notifies the `latchkey_config` channel with the table's schema, so that every instance
 * drops what its configuration caches hold (postgres/config-notifications.ts). SQLite needs nothing:
 * its `data_version` tells a connection that another one wrote. Frozen once released.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

const TRIGGERS = [
  { name: 'apps_config_changed', on: 'INSERT OR UPDATE OR DELETE ON apps' },
  {
    name: 'api_keys_config_changed',
    // `last_used_at` alone changes at most once a minute per key and matters to no cache.
    on: 'INSERT OR UPDATE OF app_id, secret_hash, revoked_at OR DELETE ON api_keys',
  },
  {
    name: 'webhook_endpoints_config_changed',
    on: 'INSERT OR UPDATE OR DELETE ON webhook_endpoints',
  },
] as const;

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    CREATE FUNCTION latchkey_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('latchkey_config', TG_TABLE_SCHEMA);
      RETURN NULL;
    END
    $$
  `.execute(db);
  for (const trigger of TRIGGERS) {
    await sql
      .raw(
        `CREATE TRIGGER ${trigger.name} AFTER ${trigger.on} FOR EACH STATEMENT EXECUTE FUNCTION latchkey_config_changed()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  for (const trigger of TRIGGERS) {
    const table = trigger.on.slice(trigger.on.lastIndexOf(' ') + 1);
    await sql.raw(`DROP TRIGGER ${trigger.name} ON ${table}`).execute(db);
  }
  await sql`DROP FUNCTION latchkey_config_changed()`.execute(db);
}
