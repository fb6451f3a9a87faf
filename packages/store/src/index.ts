/**
 * `@latchkey/store`: the SQL implementation of the core's `Store` port, on SQLite (better-sqlite3)
 * or PostgreSQL (pg), with one schema and one set of migrations for both.
 */
export type { SqlStore, StoreDialect } from './create-store.ts';
export { type DatabaseTarget, parseDatabaseUrl } from './database-url.ts';
export {
  AUDIT_SWEEP_LIMITS,
  type SweepOptions,
  type SweepResult,
  sweepExpired,
} from './maintenance/sweep-expired.ts';
export { migrateToLatest } from './migrations/migrate.ts';
export { type OpenStoreOptions, openStore } from './open-store.ts';
export { type PoolStats, poolStats } from './postgres/open-postgres.ts';
export {
  createSqlRateLimitCounter,
  type RateLimitCounter,
} from './repositories/rate-limits.ts';
export type * from './schema.ts';
export { statementCount } from './statement-count.ts';
export { isStoreUnavailable } from './unavailable.ts';
