/**
 * Console sessions remember the credential they were exchanged for (`token_binding`), so that a
 * session stops working when `LATCHKEY_ADMIN_TOKEN` is changed or removed, not only when an operator
 * token is revoked. Sessions from before this column have none and are refused. Frozen once released.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operator_sessions').addColumn('token_binding', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operator_sessions').dropColumn('token_binding').execute();
}
