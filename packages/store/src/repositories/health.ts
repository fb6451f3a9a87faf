/** The readiness probe. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Whether the database answers a trivial query. Never throws: a failure is the answer false. */
export async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
