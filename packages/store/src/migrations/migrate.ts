/**
 * Runs the in-code migrations. Migrations are TypeScript modules listed here in order rather than
 * files found on disk, so they work the same from source, from a bundle and from any working
 * directory.
 */
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely';
import type { Database } from '../schema.ts';
import * as initial from './0001-initial.ts';
import * as actions from './0002-actions.ts';
import * as rateLimits from './0003-rate-limits.ts';
import * as admin from './0004-admin.ts';
import * as sessionBinding from './0005-session-binding.ts';
import * as oneCeremonyTable from './0006-one-ceremony-table.ts';
import * as ceremonyOptions from './0007-ceremony-options.ts';
import * as authenticatorPolicy from './0008-authenticator-policy.ts';
import * as webhooks from './0009-webhooks.ts';
import * as portability from './0011-portability.ts';
import * as sessionTokens from './0012-session-tokens.ts';
import * as configNotifications from './0013-config-notifications.ts';
import * as accountRecovery from './0014-account-recovery.ts';

/** Every migration, keyed by name; names sort in the order they apply. */
const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_actions': actions,
  '0003_rate_limits': rateLimits,
  '0004_admin': admin,
  '0005_session_binding': sessionBinding,
  '0006_one_ceremony_table': oneCeremonyTable,
  '0007_ceremony_options': ceremonyOptions,
  '0008_authenticator_policy': authenticatorPolicy,
  '0009_webhooks': webhooks,
  '0011_portability': portability,
  '0012_session_tokens': sessionTokens,
  '0013_config_notifications': configNotifications,
  '0014_account_recovery': accountRecovery,
});

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

// The PostgreSQL schema a handle lives in. Kysely's migrator looks its bookkeeping tables up across
// every schema unless told which one, so two isolated instances in one database would see each
// other's migration history without this.
const migrationSchemas = new WeakMap<Kysely<Database>, string>();

/** Records the schema whose migration tables `migrateToLatest(db)` should use for this handle. */
export function setMigrationSchema(db: Kysely<Database>, schema: string): void {
  migrationSchemas.set(db, schema);
}

/**
 * Applies every pending migration and returns the names of those applied now (empty when the
 * database was already up to date). Throws when a migration fails; that migration's changes are
 * rolled back where the database supports transactional DDL.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await runMigrator(db, (migrator) => migrator.migrateToLatest());
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    const which = failed === undefined ? 'database migration' : `database migration ${failed}`;
    throw new Error(`${which} failed: ${message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Runs one migrator call for this handle's schema. Kysely finds its bookkeeping tables by listing
 * every schema's tables; a schema that another client drops meanwhile makes that listing fail,
 * which says nothing about this one, so the call is made again (at most three more times).
 */
async function runMigrator(
  db: Kysely<Database>,
  call: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  const schema = migrationSchemas.get(db);
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  let outcome = await call(migrator);
  for (let attempt = 1; attempt < 4 && isOtherSchemaGone(outcome.error, schema); attempt++) {
    await new Promise((retry) => setTimeout(retry, 25 * attempt));
    outcome = await call(migrator);
  }
  return outcome;
}

// What PostgreSQL says when the table listing reaches a schema, or a table in it, that a concurrent
// `DROP SCHEMA … CASCADE` has just removed (the listing names each table as `schema.table`).
const VANISHED = [
  /^schema "([^"]+)" does not exist$/,
  /^relation "([^".]+)\.[^"]+" does not exist$/,
] as const;
const VANISHED_BY_OID = /^(cache lookup failed for|could not open relation with OID) /;

/**
 * Whether a migrator call failed only because a schema other than `schema` vanished while Kysely
 * listed every schema's tables: nothing to do with this one, so the call may be made again.
 */
export function isOtherSchemaGone(error: unknown, schema: string | undefined): boolean {
  if (!(error instanceof Error)) return false;
  if (VANISHED_BY_OID.test(error.message)) return true;
  const gone = VANISHED.map((pattern) => pattern.exec(error.message)?.[1]).find(Boolean);
  return gone !== undefined && gone !== schema;
}

/**
 * Migrates up or down to the named migration (inclusive), for tests that build a database as an
 * earlier release left it. Throws like {@link migrateToLatest}.
 */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await runMigrator(db, (migrator) => migrator.migrateTo(name));
  if (error !== undefined)
    throw new Error(`database migration to ${name} failed`, { cause: error });
}
