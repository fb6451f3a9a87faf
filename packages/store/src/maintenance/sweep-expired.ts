/**
 * Deletes what can no longer be used: expired ceremonies (of every binding), transactions, nonces,
 * step-up tokens and operator sessions, rate-limit windows that have closed, and session-token
 * signing keys whose overlap after a rotation has ended. An expired row is refused whether
 * it is there or not, so deleting it changes no answer; it only keeps a flood of starts from
 * growing the database without bound. Audit events are kept for a retention period, then deleted
 * the same way; so are finished webhook deliveries (delivered or dead) with their attempts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The tables with an `expires_at` column, swept by it. */
const EXPIRING_TABLES = [
  'ceremonies',
  'transactions',
  'nonces',
  'step_up_tokens',
  'operator_sessions',
] as const;

/**
 * How old audit events go: this many rows per statement, at most this many statements per sweep.
 * Small deletes keep each transaction (and SQLite's single writer) short, so that requests run in
 * between; a backlog left over is taken by the next sweeps.
 */
export const AUDIT_SWEEP_LIMITS = {
  batchSize: 1000,
  maxBatches: 50,
} as const;

/** How many rows each table lost in one sweep. */
export type SweepResult = Record<
  | (typeof EXPIRING_TABLES)[number]
  | 'rate_limit_windows'
  | 'audit_events'
  | 'webhook_deliveries'
  | 'signing_keys',
  number
>;

/** Options for {@link sweepExpired}. */
export interface SweepOptions {
  now: number;
  /** The longest rate-limit window in use: windows older than two of them are closed. */
  rateLimitWindowMs: number;
  /** How long audit events are kept; 0 or absent keeps them forever. */
  auditRetentionMs?: number;
  /** Rows per audit delete (tests use a small one). Default {@link AUDIT_SWEEP_LIMITS}. */
  auditBatchSize?: number;
}

/**
 * @example
 * const swept = await sweepExpired(store.db, {
 *   now: Date.now(),
 *   rateLimitWindowMs: 60_000,
 *   auditRetentionMs: 90 * 86_400_000,
 * });
 */
export async function sweepExpired(
  db: Kysely<Database>,
  options: SweepOptions,
): Promise<SweepResult> {
  const result = {} as SweepResult;
  for (const table of EXPIRING_TABLES) {
    const deleted = await db
      .deleteFrom(table)
      .where('expires_at', '<', options.now)
      .executeTakeFirst();
    result[table] = Number(deleted.numDeletedRows);
  }
  const windows = await db
    .deleteFrom('rate_limit_windows')
    .where('window_start', '<', options.now - 2 * options.rateLimitWindowMs)
    .executeTakeFirst();
  result.rate_limit_windows = Number(windows.numDeletedRows);
  // No longer published, so no token they signed verifies any more.
  const keys = await db
    .deleteFrom('signing_keys')
    .where('retires_at', 'is not', null)
    .where('retires_at', '<=', options.now)
    .executeTakeFirst();
  result.signing_keys = Number(keys.numDeletedRows);
  // What is kept for the retention period: audit events, and finished webhook deliveries.
  const before = options.auditRetentionMs ? options.now - options.auditRetentionMs : null;
  const batchSize = options.auditBatchSize ?? AUDIT_SWEEP_LIMITS.batchSize;
  result.audit_events = before === null ? 0 : await sweepAudit(db, before, batchSize);
  result.webhook_deliveries =
    before === null ? 0 : await sweepWebhookDeliveries(db, before, batchSize);
  return result;
}

/**
 * Deletes delivered and dead webhook deliveries made before `before`, with their attempts, a batch
 * at a time (as audit events); pending ones stay whatever their age. Resolves with how many went.
 */
async function sweepWebhookDeliveries(
  db: Kysely<Database>,
  before: number,
  batchSize: number,
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < AUDIT_SWEEP_LIMITS.maxBatches; batch++) {
    const ids = (
      await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('state', 'in', ['delivered', 'dead'])
        .where('created_at', '<', before)
        .limit(batchSize)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
    const deleted = await db
      .deleteFrom('webhook_deliveries')
      .where('id', 'in', ids)
      .where('state', 'in', ['delivered', 'dead'])
      .executeTakeFirst();
    total += Number(deleted.numDeletedRows);
    if (ids.length < batchSize) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}

/** Deletes audit events older than `before`, a batch at a time; resolves with how many went. */
async function sweepAudit(
  db: Kysely<Database>,
  before: number,
  batchSize: number,
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < AUDIT_SWEEP_LIMITS.maxBatches; batch++) {
    // Neither SQLite (as built) nor PostgreSQL takes DELETE … LIMIT: pick the ids by the `at`
    // index in a subquery instead.
    const deleted = await db
      .deleteFrom('audit_events')
      .where('id', 'in', (qb) =>
        qb.selectFrom('audit_events').select('id').where('at', '<', before).limit(batchSize),
      )
      .executeTakeFirst();
    const count = Number(deleted.numDeletedRows);
    total += count;
    if (count < batchSize) break;
    // Let the requests waiting for the database go first.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
